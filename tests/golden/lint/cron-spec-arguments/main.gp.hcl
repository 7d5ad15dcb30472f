# A cron workflow is a workflow, not a template: every workflow parameter it uses must be
# declared, and its entrypoint's inputs must come from its arguments or a default.
cron_workflow "nightly" {
  schedule = "0 2 * * *"

  workflow_spec {
    entrypoint = "main"
    arguments  = { tile = "T10UDV" }

    container "main" {
      parameter "band" {}
      image   = "alpine"
      command = ["echo", "{{workflow.parameters.tile}}", "{{workflow.parameters.date}}", "{{inputs.parameters.band}}"]
    }
  }
}
