# A workflow template may use a workflow parameter it does not declare: the workflow submitted
# from it may pass one. Argo accepts it; gp warns.
workflow_template "submit" {
  entrypoint = "main"

  container "main" {
    image   = "alpine"
    command = ["echo", "{{workflow.parameters.tile}}"]
  }
}
