# A template input without a default must be passed by every step or task that calls it.
workflow_template "calls" {
  entrypoint = "main"

  steps "main" {
    step "first" {
      template = "echo"
    }
    step "second" {
      template  = "echo"
      arguments = { message = "hi" }
    }
    step "third" {
      template  = "consume"
      arguments = { shout = "yes" }
    }
  }

  dag "graph" {
    task "only" {
      template  = "echo"
      arguments = { messages = "typo" }
    }
  }

  container "echo" {
    parameter "message" {}
    parameter "shout" {
      default = "no"
    }
    image   = "alpine"
    command = ["echo", "{{inputs.parameters.message}}", "{{inputs.parameters.shout}}"]
  }

  container "consume" {
    image   = "alpine"
    command = ["ls", "/in"]
    inputs {
      artifact "data" {
        path = "/in"
      }
      artifact "extra" {
        path     = "/extra"
        optional = true
      }
    }
  }
}
