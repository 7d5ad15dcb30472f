"""The stack page lists a moved object once, under its new address, before and after the apply
that moves it (an object is one row, whatever its address history)."""

from __future__ import annotations

from pathlib import Path

from ui_helpers import apply, client_for

MODULE = """
provider "directory" {{
  path      = "deploy"
  namespace = "pipeline"
}}

workflow_template "{label}" {{
  name = "sen2cor"
  step "correct" {{
    container {{
      image = "geo/sen2cor:2.9.0"
    }}
  }}
}}
"""


def test_a_renamed_block_is_one_row(tmp_path: Path) -> None:
    root = tmp_path / "m"
    root.mkdir()
    (root / "main.gp.hcl").write_text(MODULE.format(label="diamond"))
    apply(root)
    (root / "main.gp.hcl").write_text(MODULE.format(label="renamed"))
    client = client_for(root)
    page = client.get("/?states=1").text
    assert "workflow_template.renamed" in page
    assert "workflow_template.diamond" not in page
    apply(root)
    page = client.get("/?states=1").text
    assert "workflow_template.renamed" in page and "workflow_template.diamond" not in page
