# One CronWorkflow per satellite tile: runs a WorkflowTemplate with the tile as its argument.

variable "tile" {
  type        = string
  description = "Tile id, e.g. T10UDV."
}

variable "template" {
  type        = any
  description = "The WorkflowTemplate to run (a workflow_template object)."
}

variable "schedule" {
  type    = string
  default = "0 2 * * *"
}

variable "timezone" {
  type    = string
  default = "UTC"
}

variable "namespace" {
  type    = string
  default = null
}

cron_workflow "tile" {
  name               = "${var.template.name}-${lower(var.tile)}"
  namespace          = var.namespace
  schedule           = var.schedule
  timezone           = var.timezone
  concurrency_policy = "Forbid"
  workflow_template  = var.template
  arguments          = { tile = var.tile }
  labels             = { "pipeline.example.org/tile" = var.tile }
}

output "name" {
  value = cron_workflow.tile.name
}
