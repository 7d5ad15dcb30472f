"""Where the simulator fell short of Argo's controller on Argo's own examples, each confirmed on
the engine (bench/argo_examples.py runs them all both ways): the controller's rule, then ours."""

import pytest

from gp.errors import SimulationError
from tests.unit.simulate.builders import dag_template, phases, pod, run
from tests.unit.simulate.test_steps_and_when import steps_template


def script(name: str, **extra) -> dict:
    return {"name": name, "script": {"image": "alpine", "source": "echo"}, **extra}


def test_an_empty_retry_strategy_retries_without_limit():
    # retry-container-to-completion.yaml: `retryStrategy: {}` is not "no retry strategy".
    m = dag_template([{"name": "a"}], templates=[pod("a", retryStrategy={})])
    r = run(m, {"a": ["Failed", "Failed", "Succeeded"]})
    assert r.phase == "Succeeded"
    assert [n.name for n in r.nodes if n.name.startswith("a(")] == ["a(0)", "a(1)", "a(2)"]


def test_a_steps_loop_runs_whether_or_not_its_outputs_are_read():
    m = steps_template([[{"name": "say", "template": "say", "withItems": ["a", "b"]}]])
    r = run(m)
    assert r.phase == "Succeeded"
    assert {n for n in phases(r) if "say(" in n} == {"[0].say(0:a)", "[0].say(1:b)"}


def test_a_loop_over_nothing_is_skipped():
    m = steps_template([[{"name": "say", "template": "say", "withParam": "[]"}]])
    r = run(m)
    assert r.find("[0].say").phase == "Skipped" and r.phase == "Succeeded"


def test_loop_outputs_aggregate_by_name_and_only_succeeded_items_count():
    # processAggregateNodeOutputs: {{tasks.X.outputs.parameters.NAME}} is the list of values of
    # the items that succeeded; a fan-out after a failed item sees one item fewer.
    gen = pod("gen", outputs={"parameters": [{"name": "n", "valueFrom": {"path": "/n"}}]})
    m = dag_template(
        [
            {"name": "gen", "withItems": [1, 2, 3], "continueOn": {"failed": True}},
            {
                "name": "use",
                "dependencies": ["gen"],
                "withParam": "{{tasks.gen.outputs.parameters.n}}",
            },
        ],
        templates=[gen],
    )
    m["spec"]["templates"][0]["dag"]["tasks"][0].pop("continueOn")
    m["spec"]["templates"][0]["dag"]["tasks"][1]["depends"] = "gen.AnySucceeded"
    del m["spec"]["templates"][0]["dag"]["tasks"][1]["dependencies"]
    outputs = {"gen(0:1)": {"n": "a"}, "gen(1:2)": {"n": "b"}, "gen(2:3)": {"n": "c"}}
    r = run(m, {"gen(1:2)": "Failed"}, outputs)
    assert sorted(n for n in phases(r) if n.startswith("use(")) == ["use(0:a)", "use(1:c)"]


def test_a_loop_result_that_is_not_json_errors_the_reader_as_argo_does():
    m = steps_template(
        [
            [{"name": "gen", "template": "gen", "withItems": [1, 2]}],
            [{"name": "after", "template": "say"}],
        ],
        templates=[script("gen")],
    )
    r = run(m, outputs={"gen": {"result": "hi"}})
    assert r.phase == "Error" and r.find("after") is None
    assert "not JSON" in r.message or any("not JSON" in n.message for n in r.nodes)


def test_dag_target_is_substituted():
    # dag-targets.yaml: target = "{{workflow.parameters.target}}".
    m = dag_template(
        [{"name": "a"}, {"name": "b", "dependencies": ["a"]}, {"name": "c"}], params={"target": "b"}
    )
    m["spec"]["templates"][0]["dag"]["target"] = "{{workflow.parameters.target}}"
    assert set(phases(run(m))) == {"a", "b"}


def test_the_workflow_s_own_pod_is_keyed_by_its_template_name():
    m = {
        "kind": "WorkflowTemplate",
        "metadata": {"name": "wf"},
        "spec": {"entrypoint": "hello", "templates": [pod("hello", retryStrategy={"limit": 2})]},
    }
    r = run(m, {"hello": ["Failed", "Succeeded"]})
    assert r.phase == "Succeeded"
    assert [n.name for n in r.nodes] == ["", "(0)", "(1)"]


def test_a_declared_output_without_a_value_says_the_run_cannot_finish():
    gen = pod("gen", outputs={"parameters": [{"name": "n", "valueFrom": {"path": "/n"}}]})
    m = dag_template([{"name": "gen"}], templates=[gen])
    with pytest.raises(SimulationError, match='"gen" declares the output parameter "n"'):
        run(m)
    assert run(m, {"gen": "Failed"}).phase == "Failed"  # a failed pod owes no outputs
    assert run(m, outputs={"gen": {"n": "1"}}).phase == "Succeeded"


def test_with_sequence_expands_as_argo_does():
    m = dag_template(
        [{"name": "a", "withSequence": {"start": "3", "count": "2", "format": "n%02d"}}]
    )
    assert sorted(n for n in phases(run(m)) if "(" in n) == ["a(0:n03)", "a(1:n04)"]


def test_exit_codes_of_finished_steps_can_be_read():
    # exit-code-output-variable.yaml: {{steps.X.exitCode}}.
    m = steps_template(
        [
            [{"name": "fail", "template": "say", "continueOn": {"failed": True}}],
            [{"name": "after", "template": "say", "when": "{{steps.fail.exitCode}} == 1"}],
        ]
    )
    assert run(m, {"fail": "Failed"}).find("after").phase == "Succeeded"
    assert run(m).find("after").phase == "Skipped"


def test_inline_templates_run_as_pods_of_no_name():
    m = dag_template([{"name": "a", "inline": {"container": {"image": "alpine"}}}])
    r = run(m, {"a": "Failed"})
    assert r.phase == "Failed" and r.find("a").phase == "Failed"


def test_an_exit_code_that_cannot_exist_is_not_asked_of_the_test_s_outputs():
    # The old advice ("give the task's value in the test's outputs") led to a rejected key.
    inner = {"name": "inner", "dag": {"tasks": [{"name": "x", "template": "say"}]}}
    m = steps_template(
        [
            [{"name": "nested", "template": "inner"}],
            [{"name": "after", "template": "say", "when": "{{steps.nested.exitCode}} == 0"}],
        ],
        templates=[inner],
    )
    with pytest.raises(SimulationError, match="only a pod that ran has an exit code") as err:
        run(m)
    assert "outputs" not in str(err.value)


def test_a_container_set_is_one_pod_with_a_node_per_container():
    cset = {
        "name": "set",
        "containerSet": {
            "containers": [
                {"name": "a", "image": "alpine"},
                {"name": "b", "image": "alpine", "dependencies": ["a"]},
            ]
        },
    }
    m = dag_template([{"name": "s", "template": "set"}], templates=[cset])
    ok = run(m)
    assert {n.name: (n.type, n.phase) for n in ok.nodes if n.name.startswith("s")} == {
        "s": ("Pod", "Succeeded"),
        "s.a": ("Container", "Succeeded"),
        "s.b": ("Container", "Succeeded"),
    }
    failed = run(m, {"s": "Failed"})
    assert failed.phase == "Failed" and failed.find("s.b").phase == "Failed"


def test_a_task_after_a_container_set_hangs_from_its_last_containers():
    # outputs-result-workflow.yaml on the engine: with the set's pod in Error its `main`
    # container still Succeeded, the next task (omitted) hangs from it, and the DAG succeeds.
    group = {"name": "group", "containerSet": {"containers": [{"name": "main", "image": "i"}]}}
    m = dag_template(
        [
            {"name": "a", "template": "group"},
            {"name": "b", "template": "say", "dependencies": ["a"]},
        ],
        templates=[group],
    )
    r = run(m, {"a": "Error"})
    assert (r.find("a").phase, r.find("a.main").phase, r.find("b").phase) == (
        "Error",
        "Succeeded",
        "Omitted",
    )
    assert r.phase == "Succeeded"
    assert run(m, {"a": "Failed"}).find("a.main").phase == "Failed"
