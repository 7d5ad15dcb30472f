"""The README's module example validates as written, with no error and no warning."""

from __future__ import annotations

import json
import re
from pathlib import Path

from cli_helpers import GP, REPO


def test_the_readme_module_example_is_valid_and_warns_of_nothing(gp: GP, tmp_path: Path) -> None:
    example = re.findall(r"```hcl\n(.*?)```", (REPO / "README.md").read_text(), re.S)[0]
    assert 'parameter "tile"' in example and "command" in example
    (tmp_path / "main.gp.hcl").write_text(example)
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "preprocess.py").write_text("print('preprocess')\n")
    run = gp("validate", "-C", tmp_path, "--json")
    assert run.code == 0, run
    assert json.loads(run.out)["diagnostics"] == []
