"""A plan says how the module's `gp test` tests fare on the code it applies: text, markdown,
JSON and the UI's /plan, with the first failure, so a reviewer sees a change of behaviour."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from cli_helpers import GP, edit

from gp.planner.plan import TestsOutcome

sys.path.insert(0, str(Path(__file__).parents[1] / "ui"))

FIRST = 'test "B fails" (diamond.gptest.hcl:13): task "D": expected Omitted, got Succeeded'


@pytest.fixture
def diamond(workspace: Path, gp: GP) -> Path:
    root = workspace / "examples" / "whalesay-diamond"
    assert gp("apply", "-C", root, "--auto-approve").code == 0
    return root


def test_a_change_of_behaviour_fails_the_tests_in_every_format(gp: GP, diamond: Path) -> None:
    assert "Tests (gp test)" not in gp("plan", "-C", diamond).out  # no change: no tests run
    edit(diamond / "main.gp.hcl", 'D = ["B", "C"]', 'D = ["C"]')
    text = gp("plan", "-C", diamond).out
    assert "Tests (gp test) on this change: 3 tests: 1 fails on this change" in text
    assert f"  first: {FIRST}" in text
    markdown = gp("plan", "-C", diamond, "--format", "markdown").out
    assert "**Tests (`gp test`) on this change:** :x: 3 tests: 1 fails on this change" in markdown
    data = json.loads(gp("plan", "-C", diamond, "--format", "json").out)
    assert data["tests"] == {"total": 3, "failed": 1, "first_failure": FIRST}

    from html import unescape

    from ui_helpers import client_for

    page = unescape(client_for(diamond).get("/plan").text)
    assert "Tests (gp test) on this change:</strong> 3 tests: 1 fails on this change" in page
    assert f"first: {FIRST}" in page


def test_a_change_that_keeps_the_behaviour_passes(gp: GP, diamond: Path) -> None:
    edit(diamond / "main.gp.hcl", '"docker/whalesay:latest"', '"docker/whalesay:1.1"')
    text = gp("plan", "-C", diamond).out
    assert "Tests (gp test) on this change: 3 tests: all pass on this change" in text
    assert "first:" not in text


def test_the_summary_reads_as_the_reviewer_expects() -> None:
    assert TestsOutcome(6, 6, "x").summary() == "6 tests: 6 fail on this change"
    assert TestsOutcome(1, 0).summary() == "1 test: it passes on this change"
    assert TestsOutcome(0, 0, "the tests do not load: x").summary() == "the tests do not load: x"
