"""gp.Run without a cluster: Workflow objects built here, served by an engine in memory behind
the directory provider. What a run shows (its values, nodes, HTML, markdown and logs) is
masked with the module's sensitive values; following, waiting, stopping and resubmitting
go through gp.runs' operations."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest
from fake_engine import ADDR, MASK, SECRET, failed_run, node, pod, workflow

import gp

SVG = "{http://www.w3.org/2000/svg}"


def drawn(html: str) -> dict[str, str]:
    """Task -> status of the one DAG picture in ``html``."""
    [picture] = [ElementTree.fromstring(m) for m in re.findall(r"<svg.*?</svg>", html, re.S)]
    return {
        g.get("data-task"): g.get("data-status")
        for g in picture.iter(f"{SVG}g")
        if g.get("data-task")
    }


def test_a_run_reads_its_workflow_and_masks_every_value(stack, engine):
    engine.add(failed_run())
    run = stack.get_run("wf-1")  # found by name in the stack's namespaces
    assert (run.name, run.namespace, run.ident, run.phase, run.done) == (
        "wf-1",
        "pipeline",
        "pipeline/wf-1",
        "Failed",
        True,
    )
    assert run.address == ADDR and run.finished_at == "2025-01-01T00:01:05Z"
    assert run.parameters == {"tile": "T1", "token": MASK}
    assert run.message == f"child failed: token {MASK} refused"
    assert set(run.nodes) == {"use", "done"}  # the run's own DAG node is left out
    use = run.nodes["use"]
    assert isinstance(use, gp.Node) and use.phase == "Failed" and use.started_at and use.finished_at
    assert use.message == f"exit 1: bad token {MASK}"
    assert use.outputs == {"parameters": [{"name": "echo", "value": MASK}]}
    assert SECRET not in repr(run.snapshot) and SECRET not in repr(run.nodes)
    assert SECRET in repr(run.raw)  # only the raw snapshot holds what was read
    assert repr(run) == "<gp.Run pipeline/wf-1 Failed>"


def test_a_missing_run_is_a_run_error(stack, engine):
    with pytest.raises(gp.RunError, match="no run wf-9 in namespace pipeline"):
        stack.get_run("wf-9")


def test_the_run_renders_as_html_with_its_dag_and_as_markdown(stack, engine):
    engine.add(failed_run())
    run = stack.get_run("pipeline/wf-1")
    html = run._repr_html_()
    assert SECRET not in html
    assert "<code>pipeline/wf-1</code>" in html and "Failed" in html and ADDR in html
    assert "<code>tile=T1</code>" in html and f"<code>token={MASK}</code>" in html
    assert f"child failed: token {MASK} refused" in html
    assert drawn(html) == {"use": "Failed", "done": "Omitted"}
    assert "<table" in html and f"exit 1: bad token {MASK}" in html

    markdown = run._repr_markdown_()
    assert SECRET not in markdown
    assert markdown.startswith("**Run `pipeline/wf-1` Failed**")
    assert f"| use | Failed | 30s | exit 1: bad token {MASK} |" in markdown
    assert "| done | Omitted |" in markdown


def test_a_task_not_started_yet_is_drawn_pending(stack, engine):
    engine.add(workflow("wf-2", "Running", nodes=[node("wf-2", "use", "Running", finished=None)]))
    run = stack.get_run("wf-2")
    assert "| done | Pending |" in run._repr_markdown_()
    assert drawn(run._repr_html_()) == {"use": "Running", "done": "Pending"}


def _states(name: str) -> list[dict]:
    return [
        workflow(name, "Running", nodes=[node(name, "use", "Running", finished=None)]),
        workflow(
            name,
            "Running",
            nodes=[node(name, "use", "Succeeded"), node(name, "done", "Running", finished=None)],
        ),
        workflow(
            name,
            "Succeeded",
            nodes=[node(name, "use", "Succeeded"), node(name, "done", "Succeeded")],
        ),
    ]


def test_follow_yields_each_change_and_wait_returns_the_end(stack, engine):
    engine.add(*_states("wf-3"))
    run = stack.get_run("wf-3")
    seen = [(r.phase, {t: n.phase for t, n in r.nodes.items()}) for r in run.follow()]
    assert seen == [
        ("Running", {"use": "Running"}),
        ("Running", {"use": "Succeeded", "done": "Running"}),
        ("Succeeded", {"use": "Succeeded", "done": "Succeeded"}),
    ]
    assert run.phase == "Succeeded" and run.done
    engine.add(*_states("wf-4"))
    assert stack.get_run("wf-4").wait() == "Succeeded"


def test_a_wait_that_times_out_is_a_run_error_and_the_run_goes_on(stack, engine):
    running = workflow("wf-5", "Running", nodes=[node("wf-5", "use", "Running", finished=None)])
    engine.add(running, running, running)
    run = stack.get_run("wf-5")
    with pytest.raises(gp.RunError, match="wf-5 is still Running after 0s"):
        run.wait(timeout=0)
    assert not run.done and engine.shutdowns == []


def test_watch_updates_one_display_in_place(stack, engine, monkeypatch):
    shown = []

    class Handle:
        def update(self, obj):
            shown.append((obj.phase, drawn(obj._repr_html_())))

    monkeypatch.setattr("gp.api.runs._display_handle", lambda run: Handle())
    engine.add(*_states("wf-6"))
    assert stack.get_run("wf-6").watch() == "Succeeded"
    assert shown == [
        ("Running", {"use": "Running", "done": "Pending"}),
        ("Running", {"use": "Succeeded", "done": "Running"}),
        ("Succeeded", {"use": "Succeeded", "done": "Succeeded"}),
    ]


def test_logs_are_merged_by_time_per_task_and_masked(stack, engine):
    engine.add(failed_run())
    engine.pods["wf-1"] = [pod("wf-1", "use", "Failed"), pod("wf-1", "done", "Pending")]
    engine.logs["wf-1-use-1"] = (
        f"2025-01-01T00:00:06Z reading {SECRET}\n2025-01-01T00:00:07Z bad token\n"
    )
    run = stack.get_run("wf-1")
    assert run.logs() == f"use: reading {MASK}\nuse: bad token\n"
    assert run.logs(task="use") == f"reading {MASK}\nbad token\n"
    lines = list(run.log_lines(follow=True))
    assert [(ln.task, ln.text) for ln in lines] == [
        ("use", f"reading {MASK}"),
        ("use", "bad token"),
    ]
    assert all(isinstance(ln, gp.LogLine) for ln in lines)
    with pytest.raises(gp.RunError, match="has no task 'uze'"):
        run.logs(task="uze")


def test_stop_asks_the_engine_and_refuses_an_ended_run(stack, engine):
    engine.add(workflow("wf-7", "Running"))
    run = stack.get_run("wf-7").stop(terminate=True)
    assert (
        engine.shutdowns == [("pipeline", "wf-7", "Terminate")] and run.raw.shutdown == "Terminate"
    )
    engine.add(failed_run())
    with pytest.raises(gp.RunError, match="already finished"):
        stack.get_run("wf-1").stop()


def test_run_submits_values_as_json_and_resubmit_keeps_them(stack, engine):
    stack.apply()
    first = stack.run(ADDR, tile=True, annotations={"note": "x"})
    [made] = engine.created
    assert made["spec"]["arguments"]["parameters"] == [{"name": "tile", "value": "true"}]
    assert first.parameters == {"tile": "true"} and first.address == ADDR
    again = first.resubmit(parameters={"tile": ["a"]})
    assert again.name != first.name and again.parameters == {"tile": '["a"]'}
    assert engine.created[-1]["metadata"]["annotations"]["note"] == "x"
    assert [r.name for r in stack.runs(ADDR)] == [again.name, first.name]
    with pytest.raises(gp.RunError, match="nope"):
        stack.run(ADDR, nope="x")
    assert len(engine.created) == 2


def test_parameter_problems_are_a_run_error_in_the_apis_words(stack, engine):
    with pytest.raises(gp.RunRefused) as missing:  # allowing drift would not help: nothing live
        stack.run(ADDR, tile="T1")
    assert missing.value.message == f"{ADDR} is not applied yet; apply it first"
    stack.apply()
    module = next(stack.root.glob("*.gp.hcl"))
    module.write_text(module.read_text().replace('"echo", "done"', '"echo", "done!"'))
    with pytest.raises(gp.RunRefused) as drift:
        stack.run(ADDR, tile="T1")
    assert drift.value.message.endswith(
        "apply first (Stack.plan shows how it differs), or pass allow_drift=True to run the "
        "live version anyway"
    )
    with pytest.raises(gp.RunRefused) as refused:
        stack.run(ADDR, allow_drift=True, tiles="T1")
    assert isinstance(refused.value, gp.RunError)
    lines = [d.message for d in refused.value.diagnostics]
    assert any('has no parameter "tiles"; did you mean "tile"?' in line for line in lines), lines
    assert all("-p " not in line and "--" not in line for line in lines), lines
