workflow_template "wt" {
  pod_gcc     = { strategy = "OnPodSuccess" }
  parallelism = "many"

  tolerashun {
    key = "x"
  }

  step "a" {
    retry_strategy = { limitt = 3 }
    container {
      imagee = "alpine"
    }
  }
}
