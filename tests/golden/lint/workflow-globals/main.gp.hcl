# workflow.* globals: parameters of a workflow template may come at submit time (a warning);
# failures exist only with an exit handler, priority only when set, global outputs only when
# some template declares that global_name; anything else is unknown.
workflow_template "globals" {
  entrypoint = "main"

  parameter "tile" {
    value = "T10UDV"
  }

  container "main" {
    image   = "alpine"
    command = ["echo"]
    args = [
      "{{workflow.parameters.tile}}",
      "{{workflow.parameters.band}}",
      "{{workflow.failures}}",
      "{{workflow.priority}}",
      "{{workflow.outputs.parameters.summary}}",
      "{{workflow.nmae}}",
      "{{workflow.labels.team}}",
    ]
  }
}
