"""The module `gp init` writes: one template, one cron, a provider block."""

STARTER = """\
# A starter gp module. `gp plan` shows what it would write; `gp apply` writes it.

gp {
  stack = "%(stack)s"
}

# Where plan reads and apply writes. Switch to provider "kubernetes" to target a cluster.
provider "directory" {
  path      = "deploy"
  namespace = "default"
}

variable "message" {
  type    = string
  default = "hello from gp"
}

workflow_template "hello" {
  step "say" {
    container {
      image   = "busybox:1.36"
      command = ["echo"]
      args    = [var.message]
    }
  }

  step "done" {
    depends = "say"
    container {
      image   = "busybox:1.36"
      command = ["echo", "done"]
    }
  }
}

cron_workflow "hello-nightly" {
  schedule           = "0 2 * * *"
  timezone           = "UTC"
  concurrency_policy = "Forbid"
  workflow_template  = workflow_template.hello
}
"""


def starter_module(stack: str) -> str:
    return STARTER % {"stack": stack}
