# One schedule per tile, all running the same template: a module with for_each.

gp {
  stack = "tiles"
}

provider "directory" {
  path      = "deploy"
  namespace = "pipeline"
}

variable "tiles" {
  description = "Tile id => cron schedule (in the tiles' local time zone)."
  type        = map(string)
  default = {
    T10UDV = "0 3 * * *"
    T10UEV = "15 3 * * *"
    T11UNQ = "30 3 * * *"
  }
}

workflow_template "tile" {
  parameter "tile" {}

  step "correct" {
    container {
      image   = "geo/sen2cor:2.9.0"
      command = ["L2A_Process"]
      args    = ["/data/{{workflow.parameters.tile}}"]
    }
  }
}

module "schedule" {
  source   = "../../modules/tile-schedule"
  for_each = var.tiles

  tile     = each.key
  schedule = each.value
  timezone = "America/Vancouver"
  template = workflow_template.tile
}

output "schedules" {
  value = [for m in module.schedule : m.name]
}
