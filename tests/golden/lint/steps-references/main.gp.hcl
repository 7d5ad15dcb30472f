# In a steps template a step sees the steps before it, never those after it; pod.name exists
# only in templates that run a pod.
workflow_template "seq" {
  entrypoint = "main"

  steps "main" {
    step "early" {
      template  = "echo"
      arguments = { message = "{{steps.late.outputs.result}}" }
    }
    step "late" {
      template  = "echo"
      arguments = { message = "{{steps.early.outputs.result}} {{steps.missing.outputs.result}} {{pod.name}}" }
    }
    step "param" {
      template  = "echo"
      arguments = { message = "{{steps.late.outputs.parameters.nope}}" }
    }
  }

  container "echo" {
    parameter "message" {}
    image   = "alpine"
    command = ["echo", "{{inputs.parameters.message}}"]
  }
}
