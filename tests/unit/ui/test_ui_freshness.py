"""gp ui compiles again when anything the load read changes: a file() of a sibling folder, a
file under a dot-folder, a variables file; not only the module folders' own files."""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_helpers import apply, client_for

MODULE = """
gp {
  stack = "fresh"
}

provider "directory" {
  path      = "deploy"
  namespace = "pipeline"
}

workflow_template "t" {
  step "a" {
    script {
      image  = "python:3.12-alpine"
      source = file("${path.module}/%s")
    }
  }
}
"""


@pytest.mark.parametrize("script", ["../shared/run.py", ".hidden/run.py"])
def test_an_edit_to_a_file_the_load_read_is_seen(tmp_path: Path, script: str):
    root = tmp_path / "repo" / "m"
    root.mkdir(parents=True)
    (root / "main.gp.hcl").write_text(MODULE % script)
    read = (root / script).resolve()
    read.parent.mkdir(parents=True, exist_ok=True)
    read.write_text("print('one')\n")
    apply(root)
    client = client_for(root)
    assert "No changes." in client.get("/plan").text
    read.write_text("print('two')\n")
    page = client.get("/plan").text
    assert "No changes." not in page and "two" in page
