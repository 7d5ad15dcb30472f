# A task's outputs come from the template it runs: a name it does not declare, a result a
# resource template cannot have, or a task that does not exist are all refused by Argo.
workflow_template "outputs" {
  entrypoint = "main"

  dag "main" {
    task "gen" {
      template = "gen"
    }
    task "make" {
      template = "make-cm"
    }
    task "use" {
      template  = "echo"
      depends   = "gen && make"
      arguments = { message = "{{tasks.gen.outputs.parameters.outt}}" }
    }
    task "result" {
      template  = "echo"
      depends   = "make"
      arguments = { message = "{{tasks.make.outputs.result}}" }
    }
    task "ghost" {
      template  = "echo"
      depends   = "gen"
      arguments = { message = "{{tasks.gost.outputs.result}}" }
    }
    task "artifact" {
      template  = "consume"
      depends   = "gen"
      arguments = { artifacts = [{ name = "in", from = "{{tasks.gen.outputs.artifacts.report}}" }] }
    }
  }

  container "gen" {
    image   = "alpine"
    command = ["sh", "-c", "echo 1 > /tmp/out"]
    outputs {
      parameter "out" {
        value_from = { path = "/tmp/out" }
      }
      artifact "log" {
        path = "/tmp/out"
      }
    }
  }

  resource "make-cm" {
    action   = "create"
    manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: x-\n"
  }

  container "echo" {
    parameter "message" {}
    image   = "alpine"
    command = ["echo", "{{inputs.parameters.message}}"]
  }

  container "consume" {
    image   = "alpine"
    command = ["ls", "/in"]
    inputs {
      artifact "in" {
        path = "/in"
      }
    }
  }
}
