"""How the simulated executor reads a run's scenario and names each pod's node."""

from __future__ import annotations

import json

import pytest

from gp.devcluster.scenario import (
    EngineScenario,
    NodeKey,
    ScenarioError,
    delay_for,
    node_key,
    outcome_for,
    outputs_for,
    parse_scenario,
)


@pytest.mark.parametrize(
    "node_name, key",
    [
        ("wf-abc.preprocess", NodeKey("preprocess", "preprocess", None, 0)),
        ("wf-abc.flaky(1)", NodeKey("flaky", "flaky", None, 1)),
        ("wf-abc.resize(3:b.tif)", NodeKey("resize(3:b.tif)", "resize", "resize(3:b.tif)", 0)),
        ("wf-abc.resize(3:b.tif)(2)", NodeKey("resize(3:b.tif)", "resize", "resize(3:b.tif)", 2)),
        ("wf-abc.outer.inner", NodeKey("outer.inner", "inner", None, 0)),
        ("wf-abc[0].hello", NodeKey("[0].hello", "hello", None, 0)),
        ("wf-abc[1].nested[0].leaf(0)", NodeKey("[1].nested[0].leaf", "leaf", None, 0)),
    ],
)
def test_node_names_give_task_item_and_attempt(node_name, key):
    assert node_key(node_name, "wf-abc") == key


def test_unnamed_tasks_succeed_and_named_ones_take_their_outcome():
    s = parse_scenario(json.dumps({"outcomes": {"sen2cor-290": "Failed", "x": "Error"}}))
    assert outcome_for(s, node_key("wf.sen2cor-290", "wf")) == "Failed"
    assert outcome_for(s, node_key("wf.x", "wf")) == "Error"
    assert outcome_for(s, node_key("wf.finalize", "wf")) == "Succeeded"
    assert outcome_for(parse_scenario(None), node_key("wf.any", "wf")) == "Succeeded"


def test_attempts_follow_the_list_and_the_last_one_repeats():
    s = parse_scenario(json.dumps({"outcomes": {"flaky": ["Failed", "Failed", "Succeeded"]}}))
    got = [outcome_for(s, node_key(f"wf.flaky({n})", "wf")) for n in range(5)]
    assert got == ["Failed", "Failed", "Succeeded", "Succeeded", "Succeeded"]


def test_the_most_specific_name_wins():
    s = parse_scenario(
        json.dumps(
            {
                "outcomes": {
                    "resize": "Failed",
                    "resize(1:b)": "Succeeded",
                    "outer.resize(2:c)": "Error",
                }
            }
        )
    )
    assert outcome_for(s, node_key("wf.outer.resize(0:a)", "wf")) == "Failed"
    assert outcome_for(s, node_key("wf.outer.resize(1:b)", "wf")) == "Succeeded"
    assert outcome_for(s, node_key("wf.outer.resize(2:c)", "wf")) == "Error"


@pytest.mark.parametrize(
    "text, message",
    [
        ("{", "is not JSON"),
        ("[]", "must be a JSON object"),
        (
            '{"outcomes": {"a": "Crashed"}}',
            "outcome of 'a' must be one of Succeeded, Failed, Error",
        ),
        ('{"outcomes": {"a": []}}', "outcome of 'a'"),
    ],
)
def test_a_bad_scenario_is_refused_with_its_reason(text, message):
    with pytest.raises(ScenarioError, match=message):
        parse_scenario(text)


def test_outputs_take_the_scenario_then_the_default_and_skip_what_has_neither():
    template = {
        "outputs": {
            "parameters": [
                {"name": "count", "valueFrom": {"path": "/tmp/count", "default": "0"}},
                {"name": "tile", "valueFrom": {"path": "/tmp/tile"}},
                {"name": "none", "valueFrom": {"path": "/tmp/none"}},
            ]
        }
    }
    s = parse_scenario(json.dumps({"outputs": {"probe": {"tile": "T11UNQ", "result": "ok"}}}))
    assert outputs_for(s, node_key("wf.probe", "wf"), template) == {
        "parameters": [{"name": "count", "value": "0"}, {"name": "tile", "value": "T11UNQ"}],
        "result": "ok",
    }
    assert outputs_for(s, node_key("wf.other", "wf"), {}) == {}


def test_delays_and_the_annotation_round_trip():
    s = EngineScenario(
        outcomes={"a": ("Failed", "Succeeded")}, outputs={"b": {"p": "1"}}, delays={"c": 2.5}
    )
    again = parse_scenario(s.to_annotation())
    assert again == s
    assert delay_for(again, node_key("wf.c", "wf")) == 2.5
    assert delay_for(again, node_key("wf.a(0)", "wf")) == 0.0


def test_declared_output_artifacts_are_reported_saved_in_the_dev_cluster_s_store():
    template = {"outputs": {"artifacts": [{"name": "out", "path": "/tmp/out"}]}}
    got = outputs_for(EngineScenario(), node_key("wf.gen", "wf"), template, "wf/wf-gen-1")
    [art] = got["artifacts"]
    assert art["name"] == "out" and art["path"] == "/tmp/out"
    assert art["s3"]["bucket"] == "sim" and art["s3"]["key"] == "wf/wf-gen-1/out.tgz"


def test_the_workflow_s_own_pod_is_keyed_by_its_template():
    # The Workflow's name is generated, so its root pod cannot be named by it in a scenario.
    assert node_key("hello-x7k2p", "hello-x7k2p", "whalesay").task == "whalesay"
    retried = node_key("hello-x7k2p(1)", "hello-x7k2p", "whalesay")
    assert (retried.task, retried.attempt) == ("whalesay", 1)
    s = parse_scenario(json.dumps({"outcomes": {"whalesay": "Failed"}}))
    assert outcome_for(s, node_key("hello-x7k2p", "hello-x7k2p", "whalesay")) == "Failed"
