"""The simulator against Argo's DAG rules, each derived by hand from the controller source."""

import pytest

from gp.errors import NotModelledError, SimulationError
from gp.simulate import Scenario, simulate
from tests.unit.simulate.builders import dag_template, phases, pod, run


def test_unmet_depends_are_omitted_and_a_failed_leaf_branch_fails_the_workflow():
    m = dag_template([{"name": "a"}, {"name": "b", "depends": "a.Succeeded"}])
    r = run(m, {"a": "Failed"})
    # dag.go assessDAGPhase: b is omitted (did not complete) so it carries a's Failed.
    assert phases(r) == {"a": "Failed", "b": "Omitted"}
    assert r.phase == "Failed"


def test_an_omitted_leaf_under_a_succeeded_task_does_not_fail():
    m = dag_template([{"name": "a"}, {"name": "b", "depends": "a.Failed"}])
    r = run(m)
    assert phases(r) == {"a": "Succeeded", "b": "Omitted"}
    assert r.phase == "Succeeded"


def test_failed_task_handled_by_a_failure_branch_that_is_a_leaf():
    m = dag_template([{"name": "a"}, {"name": "on-fail", "depends": "a.Failed"}])
    r = run(m, {"a": "Failed"})
    # The only leaf, on-fail, succeeded: the DAG succeeds though a failed.
    assert phases(r) == {"a": "Failed", "on-fail": "Succeeded"}
    assert r.phase == "Succeeded"


def test_bare_dependency_means_succeeded_skipped_or_daemoned():
    # One DAG each: Argo refuses depends and dependencies in the same DAG.
    with_depends = dag_template([{"name": "a", "when": "1 == 2"}, {"name": "b", "depends": "a"}])
    assert phases(run(with_depends)) == {"a": "Skipped", "b": "Succeeded"}
    with_list = dag_template(
        [{"name": "a", "when": "1 == 2"}, {"name": "c", "dependencies": ["a"]}]
    )
    assert phases(run(with_list)) == {"a": "Skipped", "c": "Succeeded"}


def test_continue_on_failed_lets_dependents_run_and_keeps_the_dag_green():
    m = dag_template(
        [{"name": "a", "continueOn": {"failed": True}}, {"name": "b", "dependencies": ["a"]}]
    )
    r = run(m, {"a": "Failed"})
    assert phases(r) == {"a": "Failed", "b": "Succeeded"}
    assert r.phase == "Succeeded"


def test_continue_on_failed_leaf_does_not_fail_the_dag_but_an_error_does():
    m = dag_template([{"name": "a", "continueOn": {"failed": True}}])
    assert run(m, {"a": "Failed"}).phase == "Succeeded"
    assert run(m, {"a": "Error"}).phase == "Error"


def test_depends_operators_not_and_or_parentheses():
    m = dag_template(
        [
            {"name": "a"},
            {"name": "b"},
            {"name": "c", "depends": "!a.Succeeded || (b.Succeeded && !b.Failed)"},
            {"name": "d", "depends": "a.Failed && b.Succeeded"},
            {"name": "e", "depends": "(a.Errored || a.Failed) || d.Omitted"},
        ]
    )
    r = run(m, {"a": "Error"})
    assert phases(r)["c"] == "Succeeded"
    assert phases(r)["d"] == "Omitted"
    assert phases(r)["e"] == "Succeeded"


def test_when_false_is_skipped_and_a_skipped_leaf_succeeds():
    m = dag_template(
        [{"name": "a", "when": "'{{workflow.parameters.mode}}' == full"}], params={"mode": "quick"}
    )
    r = run(m)
    assert phases(r) == {"a": "Skipped"}
    assert r.phase == "Succeeded"
    assert phases(run(m, mode="full")) == {"a": "Succeeded"}


def test_when_that_cannot_be_evaluated_errors_the_task():
    m = dag_template([{"name": "a", "when": "abc > 3"}])
    r = run(m)
    # steps.go shouldExecute: govaluate's type check fails; dag.go makes the node Error.
    assert phases(r) == {"a": "Error"}
    assert r.phase == "Error"


def test_when_reads_an_ancestor_output():
    m = dag_template(
        [{"name": "a"}, {"name": "b", "depends": "a", "when": "{{tasks.a.outputs.result}} > 5"}]
    )
    assert phases(run(m, outputs={"a": {"result": "7"}}))["b"] == "Succeeded"
    assert phases(run(m, outputs={"a": {"result": "3"}}))["b"] == "Skipped"
    with pytest.raises(SimulationError, match="tasks.a.outputs.result"):
        run(m)


def test_retries_until_success_then_the_task_succeeds():
    m = dag_template([{"name": "a"}], templates=[pod("a", retryStrategy={"limit": 2})])
    r = run(m, {"a": ["Failed", "Failed", "Succeeded"]})
    assert r.find("a").phase == "Succeeded" and r.find("a").type == "Retry"
    assert [n.phase for n in r.nodes if n.name.startswith("a(")] == [
        "Failed",
        "Failed",
        "Succeeded",
    ]


def test_retry_limit_counts_retries_not_attempts():
    m = dag_template([{"name": "a"}], templates=[pod("a", retryStrategy={"limit": 1})])
    r = run(m, {"a": "Failed"})
    assert [n.name for n in r.nodes if n.name.startswith("a(")] == ["a(0)", "a(1)"]
    assert r.find("a").phase == "Failed" and r.phase == "Failed"


def test_default_retry_policy_does_not_retry_errors():
    m = dag_template([{"name": "a"}], templates=[pod("a", retryStrategy={"limit": 3})])
    r = run(m, {"a": "Error"})
    # RetryPolicyActual defaults to OnFailure: an Error ends the retry node at once.
    assert [n.name for n in r.nodes if n.name.startswith("a(")] == ["a(0)"]
    assert r.find("a").phase == "Error"


def test_outcomes_shorter_than_the_attempts_are_an_error():
    m = dag_template([{"name": "a"}], templates=[pod("a", retryStrategy={"limit": 3})])
    with pytest.raises(SimulationError, match="attempt 2"):
        run(m, {"a": ["Failed"]})


def test_fan_out_names_and_task_group_phase():
    m = dag_template(
        [
            {"name": "a", "withItems": ["x", "y"]},
            {"name": "b", "depends": "a.AnySucceeded"},
            {"name": "c", "depends": "a.AllFailed"},
        ]
    )
    r = run(m, {"a(1:y)": "Failed"})
    assert r.find("a(0:x)").phase == "Succeeded" and r.find("a(1:y)").phase == "Failed"
    assert r.find("a").type == "TaskGroup" and r.find("a").phase == "Failed"
    assert phases(r)["b"] == "Succeeded" and phases(r)["c"] == "Omitted"


def test_fan_out_with_param_from_an_output():
    m = dag_template(
        [
            {"name": "list"},
            {
                "name": "work",
                "depends": "list",
                "withParam": "{{tasks.list.outputs.result}}",
                "arguments": {"parameters": [{"name": "n", "value": "{{item}}"}]},
            },
        ],
        templates=[pod("work", inputs={"parameters": [{"name": "n"}]})],
    )
    r = run(m, outputs={"list": {"result": "[1, 2, 3]"}})
    assert [n.name for n in r.nodes if n.name.startswith("work(")] == [
        "work(0:1)",
        "work(1:2)",
        "work(2:3)",
    ]
    empty = run(m, outputs={"list": {"result": "[]"}})
    assert empty.find("work").phase == "Skipped"


def test_task_exit_handler_runs_and_dependents_wait_for_it():
    m = dag_template(
        [{"name": "a", "onExit": "cleanup"}, {"name": "b", "depends": "a"}],
        templates=[pod("cleanup")],
    )
    r = run(m, {"a.onExit": "Failed"})
    assert r.find("a.onExit").phase == "Failed"
    assert r.find("a.onExit").started < r.find("b").started
    # The exit handler is not a target: a failing handler does not fail the DAG.
    assert r.phase == "Succeeded"


def test_workflow_exit_handler_fails_a_succeeded_workflow_but_not_the_reverse():
    m = dag_template([{"name": "a"}], templates=[pod("bye")], onExit="bye")
    assert run(m, {"onExit": "Failed"}).phase == "Failed"
    assert run(m, {"onExit": "Error"}).phase == "Error"
    r = run(m, {"a": "Error", "onExit": "Failed"})
    assert r.phase == "Error" and r.find("onExit").phase == "Failed"


def test_nested_dag_phase_propagates_and_dependents_hang_from_its_leaves():
    inner = {
        "name": "inner",
        "dag": {
            "tasks": [
                {"name": "x", "template": "x"},
                {"name": "y", "template": "x", "depends": "x"},
            ]
        },
    }
    m = dag_template(
        [{"name": "outer", "template": "inner"}, {"name": "after", "depends": "outer.Failed"}],
        templates=[inner, pod("x")],
    )
    r = run(m, {"outer.y": "Failed"})
    assert r.find("outer").phase == "Failed" and r.find("outer.y").phase == "Failed"
    assert r.find("after").phase == "Succeeded"
    assert "after" in r.find("outer.y").children
    assert r.phase == "Succeeded"


def test_fail_fast_off_reports_the_last_failed_target():
    m = dag_template([{"name": "a"}, {"name": "b"}])
    m["spec"]["templates"][0]["dag"]["failFast"] = False
    assert run(m, {"a": "Failed", "b": "Error"}).phase == "Error"
    m["spec"]["templates"][0]["dag"]["failFast"] = True
    assert run(m, {"a": "Failed", "b": "Error"}).phase == "Failed"


def test_dag_target_limits_the_targets():
    m = dag_template([{"name": "a"}, {"name": "b"}])
    m["spec"]["templates"][0]["dag"]["target"] = "a"
    r = run(m, {"b": "Failed"})
    assert r.find("b") is None and r.phase == "Succeeded"


def test_not_modelled_constructs_say_so():
    m = dag_template([{"name": "a"}], templates=[{"name": "a", "suspend": {}}])
    with pytest.raises(NotModelledError, match="suspend"):
        run(m)


@pytest.mark.parametrize(
    "tasks, message",
    [
        (
            [
                {"name": "a", "template": "c"},
                {"name": "b", "template": "c", "dependencies": ["a"]},
                {"name": "d", "template": "c", "depends": "a"},
            ],
            "cannot use both depends and dependencies",
        ),
        (
            [
                {"name": "a", "template": "c"},
                {"name": "b", "template": "c", "depends": "a", "continueOn": {"failed": True}},
            ],
            "continueOn cannot be used with depends",
        ),
    ],
)
def test_specs_argo_refuses_are_refused_not_run(tasks, message):
    """Argo's controller fails such a Workflow at once ("invalid spec"), running nothing."""
    manifest = {
        "kind": "WorkflowTemplate",
        "metadata": {"name": "w"},
        "spec": {
            "entrypoint": "main",
            "templates": [
                {"name": "main", "dag": {"tasks": tasks}},
                {"name": "c", "container": {"image": "alpine", "command": ["true"]}},
            ],
        },
    }
    with pytest.raises(SimulationError, match=message):
        simulate(Scenario(manifest))
