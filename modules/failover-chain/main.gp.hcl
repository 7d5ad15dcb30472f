# A fail-over chain of tool versions as one WorkflowTemplate:
#
#   preprocess -> v1 -(failed)-> v2 -(failed)-> ... -(failed)-> on_failure
#                  \______________\_____________ any succeeded -> on_success
#
# Each version runs only when the one before it failed; `on_success` runs when any version
# succeeded, `on_failure` when all of them failed.

variable "name" {
  type        = string
  description = "Name of the WorkflowTemplate."
}

variable "namespace" {
  type    = string
  default = null
}

variable "tool" {
  type        = string
  description = "Short tool name, used to name the steps: <tool>-<version without dots>."
}

variable "image" {
  type        = string
  description = "Image repository; each version is used as its tag."
}

variable "versions" {
  type        = list(string)
  description = "Versions to try, first choice first."

  validation {
    condition     = length(var.versions) > 0
    error_message = "At least one version is needed."
  }
}

variable "command" {
  type    = list(string)
  default = []
}

variable "args" {
  type    = list(string)
  default = []
}

variable "script_image" {
  type    = string
  default = "python:3.12-alpine"
}

variable "preprocess" {
  type        = string
  description = "Source of the preprocessing script."
}

variable "on_success" {
  type        = string
  description = "Source of the script run when a version succeeded."
}

variable "on_failure" {
  type        = string
  description = "Source of the script run when every version failed."
}

variable "node_selector" {
  type    = map(string)
  default = {}
}

variable "tolerations" {
  type = list(object({
    key      = string
    operator = optional(string, "Exists")
    effect   = optional(string, "NoSchedule")
  }))
  default = []
}

variable "parameters" {
  type        = map(string)
  default     = {}
  description = "Workflow parameters and their default values."
}

locals {
  names = [for v in var.versions : "${var.tool}-${replace(v, ".", "")}"]
  chain = [for i, v in var.versions : {
    name    = local.names[i]
    version = v
    depends = i == 0 ? "preprocess.Succeeded" : "${local.names[i - 1]}.Failed"
  }]
}

workflow_template "chain" {
  name          = var.name
  namespace     = var.namespace
  node_selector = var.node_selector
  tolerations   = var.tolerations

  dynamic "parameter" {
    for_each = var.parameters
    labels   = [parameter.key]
    content {
      value = parameter.value
    }
  }

  step "preprocess" {
    script {
      image   = var.script_image
      command = ["python"]
      source  = var.preprocess
    }
  }

  dynamic "step" {
    for_each = local.chain
    labels   = [step.value.name]
    content {
      depends = step.value.depends
      container {
        image   = "${var.image}:${step.value.version}"
        command = var.command
        args    = var.args
      }
    }
  }

  step "all-failed" {
    depends = "${local.names[length(local.names) - 1]}.Failed"
    script {
      image   = var.script_image
      command = ["python"]
      source  = var.on_failure
    }
  }

  step "finalize" {
    depends = join(" || ", [for n in local.names : "${n}.Succeeded"])
    script {
      image   = var.script_image
      command = ["python"]
      source  = var.on_success
    }
  }
}

output "name" {
  value = workflow_template.chain.name
}

output "template" {
  value = workflow_template.chain
}
