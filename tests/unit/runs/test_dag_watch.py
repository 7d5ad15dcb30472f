from datetime import UTC, datetime

from run_fixtures import SPEC, node, workflow

from gp.render.runs import change_line, fan_out_summary
from gp.runs.dag import rows_of, spec_rows
from gp.runs.model import run_from_workflow
from gp.runs.watch import WatchState, step

NOW = datetime(2025, 1, 1, 0, 1, 0, tzinfo=UTC)


def test_rows_follow_dependency_order_from_the_spec():
    rows = spec_rows(SPEC)
    assert [r.name for r in rows] == ["prep", "correct", "resize", "finalize"]
    assert [r.key for r in rows] == [".prep", ".correct", ".resize", ".finalize"]
    assert rows[2].fan_out and rows[3].after == ("correct", "resize")


def test_steps_and_nested_templates_are_keyed_as_argo_names_nodes():
    spec = {
        "entrypoint": "s",
        "templates": [
            {
                "name": "s",
                "steps": [[{"name": "a", "template": "inner"}], [{"name": "b", "template": "x"}]],
            },
            {"name": "inner", "dag": {"tasks": [{"name": "deep", "template": "x"}]}},
            {"name": "x", "container": {}},
        ],
    }
    assert [(r.key, r.depth) for r in spec_rows(spec)] == [
        ("[0].a", 0),
        ("[0].a.deep", 1),
        ("[1].b", 0),
    ]


def _run(nodes, phase="Running"):
    return run_from_workflow(workflow(nodes=nodes, phase=phase))


def test_tasks_not_started_show_as_pending_and_fan_outs_are_counted():
    run = _run(
        [
            node("wf-1", "", "Running", "DAG"),
            node("wf-1", ".prep", "Succeeded", finished="2025-01-01T00:00:10Z"),
            node(
                "wf-1",
                ".resize",
                "Running",
                "TaskGroup",
                children=[".resize(0:a)", ".resize(1:b)", ".resize(2:c)"],
            ),
            node("wf-1", ".resize(0:a)", "Succeeded"),
            node("wf-1", ".resize(1:b)", "Failed"),
            node("wf-1", ".resize(2:c)", "Running"),
        ]
    )
    rows = {r.name: r for r in rows_of(run, NOW)}
    assert list(rows) == ["prep", "correct", "resize", "finalize"]  # children are not rows
    assert rows["correct"].phase == "Pending" and rows["finalize"].phase == "Pending"
    assert rows["prep"].seconds == 10
    assert fan_out_summary(rows["resize"]) == "resize x3: 1 done, 1 failed, 1 running"


def test_a_node_the_spec_does_not_draw_gets_its_own_row():
    run = _run([node("wf-1", "", "Running", "DAG"), node("wf-1", ".onExit", "Running")])
    assert [r.name for r in rows_of(run, NOW) if not r.from_spec] == ["onExit"]


def test_watch_reports_each_state_change_once():
    state = WatchState()
    first = _run([node("wf-1", "", "Running", "DAG"), node("wf-1", ".prep", "Running")])
    _, changes = step(state, first, NOW)
    # Pending tasks are drawn, not reported; the run's phase and the started task are
    assert [(c.name, c.before, c.after) for c in changes] == [
        ("prep", None, "Running"),
        ("wf-1", None, "Running"),
    ]
    _, again = step(state, first, NOW)
    assert again == []
    failed = _run(
        [
            node("wf-1", "", "Failed", "DAG"),
            node("wf-1", ".prep", "Failed", message="Error (exit code 1)"),
        ],
        phase="Failed",
    )
    _, changes = step(state, failed, NOW)
    assert [(c.name, c.before, c.after, c.message) for c in changes] == [
        ("prep", "Running", "Failed", "Error (exit code 1)"),
        ("wf-1", "Running", "Failed", None),
    ]
    assert change_line(changes[0], NOW).plain.endswith(
        "prep Running -> Failed: Error (exit code 1)"
    )


def test_a_retry_attempt_is_a_state_change():
    state = WatchState()
    base = [node("wf-1", "", "Running", "DAG")]
    step(
        state,
        _run(
            base
            + [
                node("wf-1", ".prep", "Running", "Retry", children=[".prep(0)"]),
                node("wf-1", ".prep(0)", "Failed"),
            ]
        ),
        NOW,
    )
    _, changes = step(
        state,
        _run(
            base
            + [
                node("wf-1", ".prep", "Running", "Retry", children=[".prep(0)", ".prep(1)"]),
                node("wf-1", ".prep(0)", "Failed"),
                node("wf-1", ".prep(1)", "Running"),
            ]
        ),
        NOW,
    )
    assert [(c.name, c.row.attempts) for c in changes] == [("prep", 2)]


def test_failed_nodes_name_the_leaf_not_the_group():
    run = _run(
        [node("wf-1", "", "Failed", "DAG"), node("wf-1", ".prep", "Failed", message="boom")],
        "Failed",
    )
    assert [n.display_name for n in run.failed_nodes()] == ["prep"]
