"""The run commands under hostile and careless input, on the engine in memory: text written by
whoever can create objects is shown as data, odd run names are refused before any request."""

from __future__ import annotations

import pytest
from fake_engine import failed_run, pod

from gp.cli.main import main

ESCAPES = "\x1b[2J\x1b]0;pwned\x07\x1b[31m"


@pytest.fixture
def gp(capsys, stack):
    def run(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main([*argv, "-C", str(stack.root)])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def _hostile(name: str) -> dict:
    wf = failed_run(name)
    wf["metadata"]["annotations"]["gp.dev/submitted-by"] = "mallory" + ESCAPES
    wf["status"]["message"] = "boom" + ESCAPES
    return wf


@pytest.mark.parametrize("color", [(), ("--no-color",)])
def test_runs_runs_show_and_logs_show_control_characters_escaped(gp, engine, color):
    engine.add(_hostile("wf-1"))
    engine.pods["wf-1"] = [pod("wf-1", "use", "Failed")]
    engine.logs["wf-1-use-1"] = f"2025-01-01T00:00:06Z line {ESCAPES}\n"
    for argv in (("runs",), ("runs", "show", "wf-1"), ("logs", "wf-1")):
        code, out, err = gp(*argv, *color)
        assert code == 0, err
        assert "^[[2J" in out, (argv, out)
        assert "\x1b[2J" not in out and "\x1b]0;" not in out and "\x07" not in out, argv
