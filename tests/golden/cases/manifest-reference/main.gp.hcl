workflow_template "etl" {
  namespace = "data"
  step "extract" {
    container {
      image = "etl:1"
    }
  }
  step "load" {
    depends = "extract"
    container {
      image = "etl:1"
    }
  }
}

cron_workflow "etl" {
  namespace         = workflow_template.etl.namespace
  schedule          = "@daily"
  workflow_template = workflow_template.etl
  annotations = {
    "example.org/tasks" = join(",", [for t in workflow_template.etl.manifest.spec.templates[0].dag.tasks : t.name])
  }
}
