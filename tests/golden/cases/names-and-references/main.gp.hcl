workflow_template "Bad_Name" {
  entrypoint = "mian"

  step "ok" {
    template = "nope"
  }

  step "under_score" {
    container {
      image = "alpine"
    }
  }

  step "ok" {
    template_ref = { name = "lib", template = "missing" }
  }
}

workflow_template "lib" {
  container "present" {
    image = "alpine"
  }
}

cluster_workflow_template "shared" {
  namespace = "pipeline"
  container "echo" {
    image = "alpine"
  }
}
