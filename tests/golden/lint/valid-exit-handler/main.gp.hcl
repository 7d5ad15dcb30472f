# An exit handler sees workflow.status, workflow.failures and the global outputs of the run.
workflow_template "valid-exit" {
  entrypoint = "main"
  on_exit    = "report"

  dag "main" {
    task "work" {
      template = "work"
    }
  }

  container "work" {
    image   = "alpine"
    command = ["sh", "-c", "echo done > /tmp/summary"]
    outputs {
      parameter "summary" {
        global_name = "summary"
        value_from  = { path = "/tmp/summary" }
      }
    }
  }

  container "report" {
    image   = "alpine"
    command = ["echo"]
    args = [
      "{{workflow.status}}", "{{workflow.failures}}", "{{workflow.outputs.parameters.summary}}",
      "{{workflow.duration}}",
    ]
  }
}
