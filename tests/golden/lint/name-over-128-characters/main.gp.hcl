# Argo refuses a template, step or DAG task name over 128 characters (workflowFieldMaxLength).
workflow_template "names" {
  entrypoint = "d"

  step "sssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssss" {
    container {
      image = "alpine"
    }
  }

  dag "d" {
    task "ttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt" {
      template = "sssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssss"
    }
  }
}
