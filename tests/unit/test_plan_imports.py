"""What `gp plan` loads: a plan with nothing to do loads no console, no runs or tests code and
no DAG summary; a plan right after one image changed compiles and checks the changed block
without hera's models, pydantic or deepdiff. (What they cost is measured in bench/, never here.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAD = 'gp {\n  stack = "imports"\n}\n\nprovider "directory" {\n  path = "deploy"\n}\n'


def template(i: int, image: str) -> str:
    return (
        f'workflow_template "t{i}" {{\n  step "a" {{\n    container {{ image = "{image}" }}\n'
        f'  }}\n  step "b" {{\n    depends = "a"\n    container {{ image = "{image}" }}\n  }}\n}}\n'
    )


@pytest.fixture
def module(tmp_path: Path) -> Path:
    root = tmp_path / "m"
    root.mkdir()
    (root / "main.gp.hcl").write_text(HEAD + "".join(template(i, "busybox:1") for i in range(5)))
    return root


def loaded(module: Path, tmp_path: Path, *argv: str) -> list[str]:
    """The listed modules a fresh `gp ARGV -C MODULE` process has loaded when it ends."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    env.pop("FORCE_COLOR", None)
    env.pop("TTY_COMPATIBLE", None)
    watched = (
        "rich",
        "hera",
        "pydantic",
        "deepdiff",
        "lark",
        "yaml",
        "gp.config.ast",  # the language's tree: a plan served from the cache has none
        "gp.runs.awareness",
        "gp.testing",
        "gp.planner.dag",
        "gp.render.text",
        "gp.api.views",
        "gp.api.runs",
    )
    code = (
        "import json, sys\nfrom gp.cli.main import main\n"
        f"main([*{list(argv)!r}, '-C', {str(module)!r}])\n"
        f"print(json.dumps([m for m in {watched!r} if m in sys.modules]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def applied(module: Path, tmp_path: Path) -> None:
    """`gp apply` of the module, with the cache ``loaded`` reads."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    subprocess.run(
        [sys.executable, "-m", "gp", "apply", "--auto-approve", "-C", str(module)],
        env=env,
        check=True,
        capture_output=True,
    )


def test_a_plan_with_nothing_to_do_loads_what_it_uses(module: Path, tmp_path: Path):
    applied(module, tmp_path)
    assert loaded(module, tmp_path, "plan") == ["yaml"]  # the folder's object files are YAML


def test_a_plan_after_an_edit_compiles_without_the_models(module: Path, tmp_path: Path):
    applied(module, tmp_path)
    main = module / "main.gp.hcl"
    main.write_text(main.read_text().replace('"busybox:1"', '"busybox:2"', 1))
    found = loaded(module, tmp_path, "plan")
    for heavy in ("hera", "pydantic", "deepdiff"):
        assert heavy not in found, found
    assert "lark" in found  # the edited block is parsed again: the others are not
