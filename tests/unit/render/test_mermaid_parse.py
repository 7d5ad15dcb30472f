"""The Mermaid that markdown plans carry parses with the mermaid package itself.

Needs Node and the npm packages `mermaid` and `jsdom` in GP_MERMAID_DIR (default
~/.cache/gp/mermaid; .ci/run installs them there); skipped without them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gp.render.markdown import render_plan_markdown

sys.path.insert(0, str(Path(__file__).parents[1] / "planner"))
from test_planner_dag import CASES, case_plan

MODULES = Path(os.environ.get("GP_MERMAID_DIR", Path.home() / ".cache" / "gp" / "mermaid"))
SCRIPT = Path(__file__).with_name("mermaid_parse.mjs")

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not (MODULES / "node_modules" / "mermaid").is_dir(),
    reason=f"needs node and the mermaid npm package in {MODULES}",
)


def parse(sources: list[str]) -> list[str | None]:
    run = subprocess.run(
        ["node", str(SCRIPT)],
        input=json.dumps(sources),
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "GP_MERMAID_DIR": str(MODULES)},
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_every_diagram_of_the_golden_cases_parses():
    diagrams = []
    for name in sorted(CASES):
        md = render_plan_markdown(case_plan(name))
        diagrams += re.findall(r"```mermaid\n(.*?)```", md, re.S)
    assert len(diagrams) == len(CASES)
    assert parse(diagrams) == [None] * len(diagrams)


def test_the_parser_rejects_a_broken_diagram():
    (error,) = parse(["flowchart LR\n  t0 -->\n"])
    assert error and "Parse error" in error
