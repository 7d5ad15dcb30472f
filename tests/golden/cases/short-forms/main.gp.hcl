gp {
  stack = "geo"
}

provider "kubernetes" {
  namespace = "pipeline"
}

workflow_template "sen2cor" {
  node_selector           = { pipeline = "small", "kubernetes.io/arch" = "amd64" }
  active_deadline_seconds = 3600
  pod_gc = {
    strategy = "OnPodSuccess"
  }

  toleration {
    key      = "ga.nodepool/type"
    operator = "Exists"
    effect   = "NoSchedule"
  }

  parameter "tile" {
    value = "T10UDV"
  }

  step "preprocess" {
    script {
      image  = "python:3.12-alpine"
      source = <<-EOT
        import sys
        print("tile", "{{workflow.parameters.tile}}")
      EOT
    }
  }

  step "sen2cor290" {
    depends = "preprocess.Succeeded"
    retry_strategy {
      limit = 2
    }
    container {
      image   = "geo/sen2cor:2.9.0"
      command = ["L2A_Process"]
      args    = ["{{workflow.parameters.tile}}"]
      env     = { LOG_LEVEL = "info", THREADS = 4 }
      resources {
        limits = { cpu = 2, memory = "4Gi" }
      }
    }
  }

  step "report" {
    dependencies = ["preprocess", "sen2cor290"]
    template     = "sen2cor290"
  }
}
