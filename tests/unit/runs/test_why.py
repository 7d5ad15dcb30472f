"""Why a run failed when its task table does not say it (gp/runs/why.py), on the node trees
Argo's controller wrote on the dev cluster."""

from __future__ import annotations

from gp.runs.model import run_from_workflow
from gp.runs.why import failure_reason


def _run(phase: str, nodes: list[dict], message: str | None = None) -> dict:
    status = {"phase": phase, "nodes": {n["id"]: n for n in nodes}}
    if message:
        status["message"] = message
    return {"metadata": {"name": "why-1", "namespace": "ns"}, "status": status}


def _n(id_, name, type_, phase, children=(), message=None):
    node = {"id": id_, "name": name, "displayName": name.rpartition(".")[2], "type": type_}
    node.update(phase=phase, children=list(children))
    if message:
        node["message"] = message
    return node


def test_a_leaf_omitted_below_a_handled_failure():
    wf = _run(
        "Failed",
        [
            _n("why-1", "why-1", "DAG", "Failed", ["a"]),
            _n("a", "why-1.a", "Pod", "Failed", ["b", "c"], "main: Error (exit code 1)"),
            _n("b", "why-1.b", "Skipped", "Omitted", (), "omitted: depends condition not met"),
            _n("c", "why-1.c", "Pod", "Succeeded"),
        ],
    )
    assert failure_reason(run_from_workflow(wf)) == [
        "b was omitted below a, which failed: Argo's controller fails a DAG when a leaf task is "
        "omitted below a failed task (it takes its branch's phase), even when another task "
        "handled the failure"
    ]


def test_the_exit_handler_and_the_runs_message_in_task_names():
    wf = _run(
        "Failed",
        [
            _n("why-1", "why-1", "Steps", "Succeeded", ["s"]),
            _n("s", "why-1[0].s", "Pod", "Succeeded"),
            _n("x", "why-1.onExit", "Pod", "Failed", (), "main: Error (exit code 2)"),
        ],
        message="main: Error (exit code 2)",
    )
    assert failure_reason(run_from_workflow(wf)) == [
        "the exit handler (onExit) failed: main: Error (exit code 2)"
    ]
    wf = _run("Failed", [_n("why-1-9", "why-1.load", "Pod", "Failed")], "child 'why-1-9' failed")
    assert failure_reason(run_from_workflow(wf)) == ["child 'load' failed"]
    wf["status"]["phase"] = "Succeeded"
    assert failure_reason(run_from_workflow(wf)) == []
