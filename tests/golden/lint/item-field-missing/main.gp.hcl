# `{{item.FIELD}}` must name a key the with_items maps have, in a step or task that loops.
workflow_template "loops" {
  entrypoint = "main"

  dag "main" {
    task "tiles" {
      template   = "echo"
      with_items = [{ tile = "T10UDV", band = "B04" }, { tile = "T10UDU", band = "B08" }]
      arguments  = { message = "{{item.tile}} {{item.bnad}}" }
    }
    task "plain" {
      template  = "echo"
      arguments = { message = "{{item.tile}}" }
    }
    task "numbers" {
      template      = "echo"
      with_sequence = { count = "3" }
      arguments     = { message = "{{item.value}}" }
    }
  }

  container "echo" {
    parameter "message" {}
    image   = "alpine"
    command = ["echo", "{{inputs.parameters.message}}", "{{item.tile}}"]
  }
}
