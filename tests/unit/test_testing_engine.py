"""gp test's engine backend, its pure parts: the Workflow it submits and the Run it reads back."""

from __future__ import annotations

import json

from gp.devcluster.scenario import node_key, outcome_for, parse_scenario
from gp.simulate import Scenario
from gp.testing.engine import SCENARIO_ANNOTATION, run_of, workflow_for

TEMPLATE = {
    "apiVersion": "argoproj.io/v1alpha1",
    "kind": "WorkflowTemplate",
    "metadata": {"name": "chain"},
    "spec": {
        "entrypoint": "main",
        "arguments": {"parameters": [{"name": "tile", "value": "T10UDV"}]},
        "templates": [
            {"name": "main", "dag": {"tasks": [{"name": "a", "template": "c"}]}},
            {"name": "c", "container": {"image": "alpine", "command": ["true"]}},
        ],
    },
}


def test_the_workflow_runs_the_spec_inline_with_the_tests_arguments_and_outcomes():
    s = Scenario(
        TEMPLATE,
        (TEMPLATE,),
        {"tile": "T11UNQ"},
        {"a": "Failed", "b": ("Failed", "Succeeded")},
        {"a": {"count": "3"}},
    )
    wf = workflow_for(s, "pipeline")
    assert wf["metadata"]["namespace"] == "pipeline"
    assert wf["metadata"]["generateName"] == "chain-test-"
    assert wf["spec"]["arguments"]["parameters"] == [{"name": "tile", "value": "T11UNQ"}]
    assert wf["spec"]["templates"] == TEMPLATE["spec"]["templates"]
    assert TEMPLATE["spec"]["arguments"]["parameters"][0]["value"] == "T10UDV"  # not mutated
    # The dev cluster's executor reads what the backend writes.
    sim = parse_scenario(wf["metadata"]["annotations"][SCENARIO_ANNOTATION])
    assert outcome_for(sim, node_key("x.a", "x")) == "Failed"
    assert [outcome_for(sim, node_key(f"x.b({n})", "x")) for n in range(3)] == [
        "Failed",
        "Succeeded",
        "Succeeded",
    ]
    assert sim.outputs == {"a": {"count": "3"}}


def test_a_crons_test_runs_the_template_it_refers_to_with_its_arguments():
    cron = {
        "kind": "CronWorkflow",
        "metadata": {"name": "nightly"},
        "spec": {
            "workflowSpec": {
                "workflowTemplateRef": {"name": "chain"},
                "arguments": {"parameters": [{"name": "tile", "value": "T33TTG"}]},
            }
        },
    }
    wf = workflow_for(Scenario(cron, (TEMPLATE, cron)), "ns")
    assert wf["spec"]["entrypoint"] == "main"
    assert wf["spec"]["arguments"]["parameters"] == [{"name": "tile", "value": "T33TTG"}]
    assert json.loads(wf["metadata"]["annotations"][SCENARIO_ANNOTATION]) == {
        "outcomes": {},
        "outputs": {},
    }


def _node(name, display, type_, phase, started=None, children=()):
    return {
        "id": name,
        "name": name,
        "displayName": display,
        "type": type_,
        "phase": phase,
        **({"startedAt": started} if started else {}),
        "children": list(children),
    }


def test_argos_status_reads_as_a_run_with_start_ranks_ordered_within_a_second():
    nodes = [
        _node("wf", "wf", "DAG", "Failed", "2026-01-01T00:00:00Z", ["wf.a"]),
        _node("wf.a", "a", "Pod", "Succeeded", "2026-01-01T00:00:01Z", ["wf.b", "wf.c"]),
        # b and c start in the second a started in: after a (deeper), together with each other.
        _node("wf.b", "b", "Pod", "Failed", "2026-01-01T00:00:01Z", ["wf.d"]),
        _node("wf.c", "c", "Pod", "Succeeded", "2026-01-01T00:00:01Z"),
        _node("wf.d", "d", "Skipped", "Omitted", "2026-01-01T00:00:02Z"),
    ]
    wf = {
        "metadata": {"name": "wf"},
        "status": {
            "phase": "Failed",
            "message": "child failed",
            "nodes": {n["id"]: n for n in nodes},
        },
    }
    run = run_of(wf)
    assert run.phase == "Failed" and run.message == "child failed"
    got = {n.name: (n.phase, n.started) for n in run.nodes}
    assert got[""] == ("Failed", 0)
    assert got["a"][1] < got["b"][1] == got["c"][1]
    assert got["d"] == ("Omitted", None)
    assert run.find("a").children == ("b", "c")
