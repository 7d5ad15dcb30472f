# A nightly CronWorkflow that runs a WorkflowTemplate with arguments, in Toronto's time zone.

gp {
  stack = "nightly"
}

provider "directory" {
  path      = "deploy"
  namespace = "pipeline"
}

variable "tile" {
  type    = string
  default = "T11UNQ"
}

variable "schedule" {
  type        = string
  default     = "0 2 * * *"
  description = "When the correction runs (in the cron's time zone)."
}

workflow_template "sen2cor-nightly" {
  active_deadline_seconds = 7200
  pod_gc = {
    strategy = "OnPodSuccess"
  }

  parameter "tile" {
    value = "T10UDV"
  }

  step "correct" {
    retry_strategy = {
      limit        = 2
      retry_policy = "OnFailure"
    }
    container {
      image   = "geo/sen2cor:2.9.0"
      command = ["L2A_Process"]
      args    = ["/data/{{workflow.parameters.tile}}"]
      env     = { LOG_LEVEL = "info", OMP_NUM_THREADS = "4" }
      resources = {
        requests = { cpu = "2", memory = "8Gi" }
      }
    }
  }
}

cron_workflow "nightly-sen2cor" {
  schedules                     = [var.schedule]
  timezone                      = "America/Toronto"
  concurrency_policy            = "Forbid"
  starting_deadline_seconds     = 600
  successful_jobs_history_limit = 3
  failed_jobs_history_limit     = 5
  workflow_template             = workflow_template.sen2cor-nightly
  arguments                     = { tile = var.tile }
}
