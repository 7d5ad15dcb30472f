# 128 characters is Argo's limit for template, step and DAG task names: accepted.
workflow_template "names" {
  entrypoint = "d"

  step "ssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssss" {
    container {
      image = "alpine"
    }
  }

  dag "d" {
    task "tttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt" {
      template = "ssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssss"
    }
  }
}
