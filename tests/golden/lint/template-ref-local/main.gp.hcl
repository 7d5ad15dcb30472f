# A template_ref to a template of this module is resolved: its outputs and inputs are known.
workflow_template "lib" {
  container "gen" {
    parameter "size" {}
    image   = "alpine"
    command = ["sh", "-c", "echo {{inputs.parameters.size}} > /tmp/out"]
    outputs {
      parameter "out" {
        value_from = { path = "/tmp/out" }
      }
    }
  }
}

workflow_template "user" {
  entrypoint = "main"

  dag "main" {
    task "gen" {
      template_ref = { name = "lib", template = "gen" }
    }
    task "use" {
      template_ref = { name = "lib", template = "gen" }
      depends      = "gen"
      arguments    = { size = "{{tasks.gen.outputs.parameters.output}}" }
    }
  }
}
