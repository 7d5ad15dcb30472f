# A cron running a workflow template of the module is validated as a workflow: the parameters
# the template leaves to submit time, and its entrypoint's inputs, must come from the cron.
workflow_template "process" {
  entrypoint = "main"

  parameter "tile" {}

  container "main" {
    parameter "band" {}
    image   = "alpine"
    command = ["echo", "{{workflow.parameters.tile}}", "{{workflow.parameters.date}}", "{{inputs.parameters.band}}"]
  }
}

cron_workflow "nightly" {
  schedule          = "0 2 * * *"
  workflow_template = workflow_template.process
  arguments         = { tile = "T10UDV" }
}

cron_workflow "complete" {
  schedule          = "0 3 * * *"
  workflow_template = workflow_template.process
  arguments         = { tile = "T10UDV", date = "2024-01-01", band = "B04" }
}
