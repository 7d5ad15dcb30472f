workflow_template "wt" {
  container "c" {
    image = "alpine"
  }
}

cron_workflow "this-name-is-far-too-long-for-a-cron-workflow-object-x" {
  schedules         = ["61 * * * *", "@fortnightly", "0 0 * * * *"]
  timezone          = "Mars/Olympus_Mons"
  workflow_template = workflow_template.wt
}

cron_workflow "ghost" {
  schedule          = "@daily"
  workflow_template = "not-here"
}

cron_workflow "empty" {
  timezone = "UTC"
}
