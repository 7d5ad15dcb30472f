# References Argo accepts in a DAG: loops over maps, lists, with_param and with_sequence, a loop's
# gathered outputs, the status of a task waited for through another, expression tags, run-time
# variables, artifacts passed between tasks, a DAG's own outputs.
workflow_template "valid-dag" {
  entrypoint = "main"

  parameter "tiles" {
    value = "[\"T10UDV\"]"
  }

  dag "main" {
    task "list" {
      template = "list"
    }
    task "fan" {
      template   = "echo"
      depends    = "list"
      with_param = "{{tasks.list.outputs.result}}"
      arguments  = { message = "{{item.tile}} {{item}}" }
    }
    task "maps" {
      template   = "echo"
      with_items = [{ tile = "T10UDV", band = "B04" }, { tile = "T10UDU", band = "B08" }]
      arguments  = { message = "{{item.tile}}-{{item.band}}" }
    }
    task "pairs" {
      template   = "echo"
      with_items = [["T10UDV", "B04"]]
      arguments  = { message = "{{item.[0]}}" }
    }
    task "count" {
      template      = "echo"
      with_sequence = { count = "2" }
      arguments     = { message = "{{item}}" }
    }
    task "gather" {
      template  = "echo"
      depends   = "fan.AnySucceeded && maps"
      when      = "{{tasks.list.status}} == Succeeded"
      arguments = { message = "{{tasks.fan.outputs.result}} {{tasks.maps.outputs.parameters}}" }
    }
    task "deep" {
      template  = "echo"
      depends   = "gather"
      arguments = { message = "{{tasks.list.outputs.result}}" }
    }
    task "expr" {
      template  = "echo"
      depends   = "list"
      arguments = { message = "{{=sprig.upper(tasks.list.outputs.result)}}" }
    }
    task "gen" {
      template = "gen"
    }
    task "consume" {
      template  = "consume"
      depends   = "gen"
      arguments = { artifacts = [{ name = "in", from = "{{tasks.gen.outputs.artifacts.log}}" }] }
    }
    task "nested" {
      template = "nested"
    }
  }

  dag "nested" {
    task "a" {
      template = "gen"
    }
    outputs {
      parameter "p" {
        value_from = { parameter = "{{tasks.a.outputs.parameters.out}}" }
      }
    }
  }

  script "list" {
    image   = "python:3.12"
    command = ["python"]
    source  = "import json; print(json.dumps([{'tile': 'T10UDV'}]))"
    env     = { ATTEMPT = "{{retries}}" }
    retry_strategy {
      limit = 2
    }
  }

  container "echo" {
    parameter "message" {}
    image   = "alpine"
    command = ["echo"]
    args = [
      "{{inputs.parameters.message}}", "{{pod.name}}", "{{workflow.name}}", "{{workflow.namespace}}",
      "{{workflow.creationTimestamp.Y}}", "{{workflow.parameters.tiles}}", "{{node.name}}", "{{item}}",
    ]
  }

  container "gen" {
    image   = "alpine"
    command = ["sh", "-c", "echo 1 > {{outputs.parameters.out.path}}"]
    outputs {
      parameter "out" {
        value_from = { path = "/tmp/out" }
      }
      artifact "log" {
        path = "/tmp/out"
      }
    }
  }

  container "consume" {
    image   = "alpine"
    command = ["ls", "{{inputs.artifacts.in.path}}"]
    inputs {
      artifact "in" {
        path = "/in"
      }
    }
  }
}
