# One test per tile: each schedule runs the tile template with its own tile.

variable "tiles" {
  type    = list(string)
  default = ["T10UDV", "T10UEV", "T11UNQ"]
}

test "schedule runs the correction" {
  for_each = toset(var.tiles)
  pipeline = module.schedule[each.key].cron_workflow.tile
  expect {
    phase = "Succeeded"
    tasks = { correct = "Succeeded" }
  }
}

test "a failed correction fails the run" {
  for_each = toset(var.tiles)
  pipeline = module.schedule[each.key].cron_workflow.tile
  outcomes = { correct = "Failed" }
  expect {
    phase = "Failed"
    tasks = { correct = "Failed" }
  }
}

test "the template needs its tile" {
  pipeline  = workflow_template.tile
  arguments = { tile = "T10UDV" }
  expect {
    phase = "Succeeded"
  }
}
