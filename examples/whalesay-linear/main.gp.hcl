# Argo's whalesay, three steps in a line: hello -> goodbye -> done.
# Every pod of the workflow lands on the "small" node pool.

gp {
  stack = "whalesay-linear"
}

provider "directory" {
  path      = "deploy"
  namespace = "pipeline"
}

variable "image" {
  type    = string
  default = "docker/whalesay:latest"
}

workflow_template "whalesay-linear" {
  node_selector = { pipeline = "small" }

  toleration {
    key      = "ga.nodepool/type"
    operator = "Exists"
    effect   = "NoSchedule"
  }

  step "hello" {
    container {
      image   = var.image
      command = ["cowsay"]
      args    = ["hello"]
    }
  }

  step "goodbye" {
    depends = "hello"
    container {
      image   = var.image
      command = ["cowsay"]
      args    = ["goodbye"]
    }
  }

  step "done" {
    depends = "goodbye"
    container {
      image   = var.image
      command = ["cowsay"]
      args    = ["done"]
    }
  }
}
