provider "kubernetes" {
  namespace = "tiles"
}

variable "tiles" {
  type    = list(string)
  default = ["T10UDV", "T11UNQ"]
}

workflow_template "tile" {
  for_each = toset(var.tiles)
  name     = "tile-${lower(each.key)}"
  labels   = { tile = each.key }

  step "process" {
    container {
      image = "geo/process"
      args  = [each.key]
    }
  }
}

cron_workflow "tile" {
  for_each          = toset(var.tiles)
  name              = "tile-${lower(each.key)}"
  schedule          = "0 3 * * *"
  workflow_template = workflow_template.tile[each.key]
}
