# References Argo accepts in a steps template: earlier steps' outputs and status, a loop's items
# and gathered outputs, the template's own outputs taken from its steps.
workflow_template "valid-steps" {
  entrypoint = "main"

  steps "main" {
    step "gen" {
      template = "gen"
    }
    parallel {
      step "a" {
        template  = "echo"
        arguments = { message = "{{steps.gen.outputs.parameters.out}}" }
      }
      step "b" {
        template   = "shout"
        with_items = ["x", "y"]
        arguments  = { message = "{{item}} {{steps.gen.outputs.result}}" }
      }
    }
    step "c" {
      template  = "echo"
      when      = "{{steps.gen.outputs.result}} != ''"
      arguments = { message = "{{steps.b.outputs.result}} {{steps.b.outputs.parameters}} {{steps.a.status}}" }
    }
    outputs {
      parameter "final" {
        value_from = { parameter = "{{steps.gen.outputs.parameters.out}}" }
      }
    }
  }

  container "gen" {
    image   = "alpine"
    command = ["sh", "-c", "echo 1 > /tmp/out"]
    outputs {
      parameter "out" {
        value_from = { path = "/tmp/out" }
      }
    }
  }

  container "echo" {
    parameter "message" {}
    image   = "alpine"
    command = ["echo", "{{inputs.parameters.message}}"]
  }

  script "shout" {
    parameter "message" {}
    image   = "python:3.12"
    command = ["python"]
    source  = "print('{{inputs.parameters.message}}'.upper())"
  }
}
