# A `when` or an argument naming a task that does not exist, a task's status read by a task that
# does not wait for it, an argument taken from a task it does not depend on, an unknown target.
workflow_template "flip" {
  entrypoint = "main"

  dag "main" {
    target = "heads tials"

    task "flip" {
      template = "coin"
    }
    task "heads" {
      template = "echo"
      depends  = "flip"
      when     = "{{tasks.flipp.outputs.result}} == heads"
      arguments = { message = "{{tasks.flip.outputs.result}}" }
    }
    task "tails" {
      template  = "echo"
      when      = "{{tasks.flip.status}} == Succeeded"
      arguments = { message = "{{tasks.flip.outputs.result}}" }
    }
    task "other" {
      template  = "echo"
      depends   = "flip"
      arguments = { message = "{{tasks.nobody.outputs.result}}" }
    }
  }

  script "coin" {
    image   = "python:3.12"
    command = ["python"]
    source  = "import random; print(random.choice(['heads', 'tails']))"
  }

  container "echo" {
    parameter "message" {}
    image   = "alpine"
    command = ["echo", "{{inputs.parameters.message}}"]
  }
}
