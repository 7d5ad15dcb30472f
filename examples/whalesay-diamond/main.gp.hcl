# Argo's diamond: A fans out to B and C, which join in D.
# One template, reused by four tasks with a message parameter each.

gp {
  stack = "whalesay-diamond"
}

provider "directory" {
  path      = "deploy"
  namespace = "pipeline"
}

locals {
  node_pool = "small"
  # task => tasks it waits for
  tasks = {
    A = []
    B = ["A"]
    C = ["A"]
    D = ["B", "C"]
  }
}

workflow_template "whalesay-diamond" {
  node_selector = { pipeline = local.node_pool }

  toleration {
    key      = "ga.nodepool/type"
    operator = "Exists"
    effect   = "NoSchedule"
  }

  container "whalesay" {
    parameter "message" {}
    image   = "docker/whalesay:latest"
    command = ["cowsay"]
    args    = ["{{inputs.parameters.message}}"]
  }

  dynamic "step" {
    for_each = local.tasks
    labels   = [step.key]
    content {
      template     = "whalesay"
      dependencies = step.value
      arguments = {
        parameters = [{ name = "message", value = "I am ${step.key}" }]
      }
    }
  }
}
