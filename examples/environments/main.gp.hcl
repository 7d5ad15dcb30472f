# One module, two targets: dev runs every 15 minutes in its own folder, prod at night in
# another, and prod only ever gets what dev ran (gp promote prod). Each environment is its own
# stack: nightly-dev and nightly-prod.

gp {
  stack = "nightly"
}

environment "dev" {
  provider "directory" {
    path      = "deploy/dev"
    namespace = "pipeline-dev"
  }
  variables = { schedule = "*/15 * * * *" }
  default   = true
}

environment "prod" {
  provider "directory" {
    path      = "deploy/prod"
    namespace = "pipeline"
  }
  promote_from = "dev"
}

variable "schedule" {
  type        = string
  default     = "0 2 * * *"
  description = "When the correction runs (in the cron's time zone)."
}

workflow_template "sen2cor" {
  parameter "tile" {
    value = "T10UDV"
  }

  step "correct" {
    container {
      image = "geo/sen2cor:2.9.0"
      args  = ["/data/{{workflow.parameters.tile}}"]
    }
  }
}

cron_workflow "nightly" {
  schedules         = [var.schedule]
  timezone          = "America/Toronto"
  workflow_template = workflow_template.sen2cor
}
