# Sentinel-2 atmospheric correction with fail-over between Sen2Cor versions:
# preprocess, then 2.9.0; 2.8.0 only if 2.9.0 failed; 2.5.5 only if 2.8.0 failed.
# `all-failed` reports when every version failed, `finalize` runs when any succeeded.

gp {
  stack = "sen2cor"
}

provider "directory" {
  path      = "deploy"
  namespace = "pipeline"
}

variable "tile" {
  type    = string
  default = "T10UDV"

  validation {
    condition     = can(regex("^T[0-9]{2}[A-Z]{3}$", var.tile))
    error_message = "A tile id looks like T10UDV."
  }
}

module "sen2cor" {
  source = "../../modules/failover-chain"

  name     = "sen2cor"
  tool     = "sen2cor"
  image    = "geo/sen2cor"
  versions = ["2.9.0", "2.8.0", "2.5.5"]
  command  = ["L2A_Process"]
  args     = ["--resolution", "10", "/data/{{workflow.parameters.tile}}"]

  preprocess = file("${path.module}/scripts/preprocess.py")
  on_success = file("${path.module}/scripts/finalize.py")
  on_failure = file("${path.module}/scripts/all_failed.py")

  parameters    = { tile = var.tile }
  node_selector = { pipeline = "small" }
  tolerations   = [{ key = "ga.nodepool/type" }]
}

output "template" {
  value = module.sen2cor.name
}
