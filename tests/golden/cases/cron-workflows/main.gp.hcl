provider "kubernetes" {
  namespace = "pipeline"
}

workflow_template "sen2cor" {
  step "run" {
    container {
      image = "geo/sen2cor:2.9.0"
    }
  }
}

cluster_workflow_template "shared" {
  entrypoint = "echo"

  container "echo" {
    image = "alpine"
  }
}

cron_workflow "nightly-sen2cor" {
  schedule           = "0 2 * * *"
  timezone           = "America/Toronto"
  concurrency_policy = "Forbid"
  workflow_template  = workflow_template.sen2cor
  arguments          = { tile = "T11UNQ" }
}

cron_workflow "hourly-echo" {
  schedules                     = ["@hourly", "30 */2 * * 1-5"]
  suspend                       = true
  successful_jobs_history_limit = 3
  workflow_template             = cluster_workflow_template.shared
}

cron_workflow "inline" {
  schedules = ["*/15 * * * *"]
  workflow_metadata = {
    labels = { team = "geo" }
  }
  workflow_spec {
    service_account_name = "runner"
    step "ping" {
      container {
        image = "busybox"
        args  = ["ping", "-c", "1", "example.org"]
      }
    }
  }
}
