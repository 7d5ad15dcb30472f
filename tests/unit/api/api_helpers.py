"""Modules written for the API's tests."""

from __future__ import annotations

from pathlib import Path


def write_module(folder: Path, body: str, stack: str = "api", deploy: str = "deploy") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "main.gp.hcl").write_text(
        f'gp {{\n  stack = "{stack}"\n}}\n\nprovider "directory" {{\n  path      = "{deploy}"\n'
        f'  namespace = "pipeline"\n}}\n\n{body}'
    )
    return folder


TEMPLATE = """
variable "image" {
  type    = string
  default = "busybox:1.36"
}

variable "retries" {
  type    = number
  default = 1
}

workflow_template "hello" {
  step "say" {
    retry_strategy { limit = var.retries }
    container {
      image   = var.image
      command = ["echo", "hi"]
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
"""
