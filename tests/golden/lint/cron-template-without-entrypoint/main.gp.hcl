# A cron runs a template that has no entrypoint (only a named template), and sets none itself:
# Argo refuses the run it would make ("spec.entrypoint is required").
cluster_workflow_template "shared" {
  container "echo" {
    image   = "alpine:3.20"
    command = ["echo", "hi"]
  }
}

cron_workflow "hourly-echo" {
  schedule          = "@hourly"
  workflow_template = cluster_workflow_template.shared
}
