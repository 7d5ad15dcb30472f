"""Modules for the record tests: a root module on the directory provider with child modules
beside it, written whole for each step of a stack's life."""

from __future__ import annotations

import json
from pathlib import Path

HEAD = """\
gp {
  stack = "moves"
}

provider "directory" {
  path      = "deploy"
  namespace = "pipeline"
}
"""


def template(label: str, name: str = "sen2cor", image: str = "geo/sen2cor:2.9.0") -> str:
    return f"""
workflow_template "{label}" {{
  name = "{name}"
  step "correct" {{
    container {{
      image = "{image}"
    }}
  }}
}}
"""


def write(root: Path, main: str, modules: dict[str, str] | None = None) -> Path:
    """The root module's main.gp.hcl (after HEAD) and each child module's, replacing what
    was there."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "main.gp.hcl").write_text(HEAD + main)
    for name, body in (modules or {}).items():
        folder = root / name
        folder.mkdir(exist_ok=True)
        (folder / "main.gp.hcl").write_text(body)
    return root


def record(root: Path, stack: str = "moves") -> dict:
    return json.loads((root / "deploy" / ".gp" / f"{stack}.json").read_text())


def addresses(root: Path, stack: str = "moves") -> list[str]:
    """The record's addresses, one per object (keyed by identity on disk)."""
    return sorted(o["address"] for o in record(root, stack)["objects"].values())
