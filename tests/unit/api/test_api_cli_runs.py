"""The run commands are a thin layer over gp.Stack and gp.Run: on the engine in memory, what
they print is what the API returns, masked as the API masks it, and a bad combination of
options is refused before anything is sent."""

from __future__ import annotations

import json

import pytest
from fake_engine import ADDR, MASK, SECRET, failed_run, node, pod, workflow

from gp.cli.main import main


@pytest.fixture
def gp(capsys, stack):
    def run(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main([*argv, "-C", str(stack.root)])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def test_runs_and_runs_show_print_the_apis_masked_values(gp, engine):
    engine.add(failed_run("wf-1"))
    engine.add(
        workflow("wf-2", "Succeeded", created="2025-01-01T01:00:00Z", parameters={"tile": "T2"})
    )
    code, out, err = gp("runs", "--format", "json")
    assert code == 0, err
    runs = json.loads(out)["runs"]
    assert [r["name"] for r in runs] == ["wf-2", "wf-1"]
    assert runs[1]["parameters"] == {"tile": "T1", "token": MASK}
    assert SECRET not in out
    code, out, err = gp("runs", "show", "wf-1")
    assert code == 0, err
    assert f"token={MASK}" in out and f"child failed: token {MASK} refused" in out
    assert f"exit 1: bad token {MASK}" in out and SECRET not in out
    code, out, _ = gp("runs", "show", "wf-1", "--format", "json")
    shown = {n["name"]: n for n in json.loads(out)["nodes"]}
    assert shown["use"]["outputs"] == {"parameters": [{"name": "echo", "value": MASK}]}
    assert SECRET not in out


def test_logs_print_the_apis_masked_lines(gp, engine):
    engine.add(failed_run("wf-1"))
    engine.pods["wf-1"] = [pod("wf-1", "use", "Failed")]
    engine.logs["wf-1-use-1"] = f"2025-01-01T00:00:06Z reading {SECRET}\n"
    for follow in ((), ("-f",)):
        code, out, err = gp("logs", "wf-1", *follow)
        assert code == 0, err
        assert out.splitlines() == [f"use | reading {MASK}"]


def test_run_wait_exits_with_the_result_naming_the_failed_task_masked(gp, stack, engine):
    stack.apply()
    engine.later[("pipeline", "r1")] = [
        workflow("r1", "Running", nodes=[node("r1", "use", "Running", finished=None)]),
        failed_run("r1"),
    ]
    code, out, err = gp("run", ADDR, "-p", "tile=T7", "--name", "r1", "--wait")
    assert code == 1 and out == "r1\n"
    assert "Submitted r1 in pipeline (workflow_template.secretive" in err
    assert f"Error: run r1 Failed: child failed: token {MASK} refused" in err
    assert f"\n  use Failed: exit 1: bad token {MASK}" in err and SECRET not in err
    [made] = engine.created
    assert made["spec"]["arguments"]["parameters"] == [{"name": "tile", "value": "T7"}]


def test_run_watch_without_a_terminal_prints_each_change(gp, stack, engine):
    stack.apply()
    engine.later[("pipeline", "r2")] = [
        workflow("r2", "Running", nodes=[node("r2", "use", "Running", finished=None)]),
        workflow(
            "r2",
            "Succeeded",
            nodes=[node("r2", "use", "Succeeded"), node("r2", "done", "Succeeded")],
        ),
    ]
    code, out, err = gp("run", ADDR, "--name", "r2", "--watch")
    assert code == 0, err
    changes = [line.split(" ", 1)[1] for line in out.splitlines()[1:]]
    assert "use Running" in changes and "use Running -> Succeeded" in changes
    assert changes[-1] == "run r2 Running -> Succeeded" and "r2 Succeeded" in err


def test_wait_and_watch_together_are_refused_before_anything_is_sent(gp, stack, engine):
    stack.apply()
    engine.add(failed_run("wf-1"))
    for argv in (("run", ADDR), ("resubmit", "wf-1")):
        code, out, err = gp(*argv, "--wait", "--watch")
        assert code == 1 and "--wait and --watch cannot be combined" in err and out == ""
    assert engine.created == []


def test_stop_and_resubmit_go_through_the_run(gp, stack, engine):
    stack.apply()
    engine.add(workflow("wf-3", "Running", parameters={"tile": "T3"}))
    code, out, err = gp("stop", "wf-3")
    assert code == 0, err
    assert out == "Stopping wf-3 (exit handlers run)\n"
    assert engine.shutdowns == [("pipeline", "wf-3", "Stop")]
    code, out, err = gp("resubmit", "wf-3", "-p", "tile=T4")
    assert code == 0, err
    [made] = engine.created
    assert out == made["metadata"]["name"] + "\n"
    assert made["spec"]["arguments"]["parameters"] == [{"name": "tile", "value": "T4"}]
    code, _, err = gp("stop", "wf-1")
    assert code == 1 and "no run wf-1 in namespace pipeline" in err
