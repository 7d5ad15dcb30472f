"""Pipelines run on Argo's own controller: what gp applies executes as the module means.

Every expectation here is Argo's decision, read back from the Workflow's status: node phases
(Succeeded, Failed, Omitted, Skipped) and the Workflow's phase. Tasks are made to fail through
the run's scenario (gp/devcluster/scenario.py), never by editing the module.
"""

from __future__ import annotations

import time
from datetime import datetime

import pytest
from engine_helpers import Runs, example_on_cluster, gp_apply, phases, summary, task_nodes

from gp.devcluster.scenario import EngineScenario

pytestmark = [pytest.mark.integration, pytest.mark.engine]


@pytest.fixture
def runs(engine, kube, namespace) -> Runs:
    return Runs(kube, namespace)


@pytest.fixture
def example(engine, namespace, tmp_path):
    kubeconfig = engine.kubeconfig()

    def apply(name: str, *args: str):
        root = example_on_cluster(name, tmp_path, kubeconfig, namespace)
        gp_apply(root, *args)
        return root

    return apply


def _time(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def _assert_dependency_order(wf: dict, edges: dict[str, list[str]]) -> None:
    nodes = task_nodes(wf)
    for task, parents in edges.items():
        for parent in parents:
            assert _time(nodes[task]["startedAt"]) >= _time(nodes[parent]["finishedAt"]), (
                f"{task} started before {parent} finished"
            )


def test_whalesay_linear_runs_in_order(example, runs):
    example("whalesay-linear")
    wf = runs.wait(runs.submit("whalesay-linear"))
    assert wf["status"]["phase"] == "Succeeded", summary(wf)
    got = phases(wf)
    assert set(got.values()) == {"Succeeded"} and len(got) == 3, got
    names = sorted(got, key=lambda n: task_nodes(wf)[n]["startedAt"])
    _assert_dependency_order(wf, {names[1]: [names[0]], names[2]: [names[1]]})


def test_whalesay_diamond_joins_after_both_branches(example, runs):
    example("whalesay-diamond")
    wf = runs.wait(runs.submit("whalesay-diamond"))
    assert wf["status"]["phase"] == "Succeeded", summary(wf)
    assert phases(wf) == dict.fromkeys("ABCD", "Succeeded")
    _assert_dependency_order(wf, {"B": ["A"], "C": ["A"], "D": ["B", "C"]})
    d_inputs = task_nodes(wf)["D"]["inputs"]["parameters"]
    assert d_inputs == [{"name": "message", "value": "I am D"}]


SEN2COR = {
    "2.9.0 succeeds": (
        {},
        "Succeeded",
        {
            "preprocess": "Succeeded",
            "sen2cor-290": "Succeeded",
            "sen2cor-280": "Omitted",
            "sen2cor-255": "Omitted",
            "all-failed": "Omitted",
            "finalize": "Succeeded",
        },
    ),
    "2.9.0 fails, 2.8.0 succeeds": (
        {"sen2cor-290": "Failed"},
        "Succeeded",
        {
            "preprocess": "Succeeded",
            "sen2cor-290": "Failed",
            "sen2cor-280": "Succeeded",
            "sen2cor-255": "Omitted",
            "all-failed": "Omitted",
            "finalize": "Succeeded",
        },
    ),
    "2.9.0 and 2.8.0 fail, 2.5.5 succeeds": (
        {"sen2cor-290": "Failed", "sen2cor-280": "Failed"},
        "Succeeded",
        {
            "preprocess": "Succeeded",
            "sen2cor-290": "Failed",
            "sen2cor-280": "Failed",
            "sen2cor-255": "Succeeded",
            "all-failed": "Omitted",
            "finalize": "Succeeded",
        },
    ),
    # finalize is an omitted leaf under failed tasks: Argo's DAG takes the branch's Failed.
    "all three fail": (
        {"sen2cor-290": "Failed", "sen2cor-280": "Failed", "sen2cor-255": "Failed"},
        "Failed",
        {
            "preprocess": "Succeeded",
            "sen2cor-290": "Failed",
            "sen2cor-280": "Failed",
            "sen2cor-255": "Failed",
            "all-failed": "Succeeded",
            "finalize": "Omitted",
        },
    ),
}


@pytest.fixture(scope="module")
def sen2cor_runs(engine, tmp_path_factory):
    """The four fail-over scenarios, submitted together and awaited together (each its own run)."""
    from kubernetes import client

    from gp.devcluster.kubeconfig import api_client

    with api_client(engine.kubeconfig()) as api:
        ns = f"sen2cor-{tmp_path_factory.getbasetemp().name[-6:].lower().replace('_', '-')}"
        client.CoreV1Api(api).create_namespace({"metadata": {"name": ns}})
        root = example_on_cluster(
            "sen2cor", tmp_path_factory.mktemp("sen2cor"), engine.kubeconfig(), ns
        )
        gp_apply(root)
        r = Runs(api, ns)
        names = {
            label: r.submit(
                "sen2cor",
                {"tile": "T11UNQ"},
                EngineScenario(outcomes={task: (phase,) for task, phase in outcomes.items()}),
            )
            for label, (outcomes, _, _) in SEN2COR.items()
        }
        yield {label: r.wait(name) for label, name in names.items()}


@pytest.mark.parametrize("label", SEN2COR)
def test_sen2cor_failover_scenario(sen2cor_runs, label):
    _, workflow_phase, nodes = SEN2COR[label]
    wf = sen2cor_runs[label]
    assert phases(wf) == nodes, summary(wf)
    assert wf["status"]["phase"] == workflow_phase, summary(wf)


def test_nightly_cron_fires_with_the_modules_arguments(example, runs):
    example("nightly", "--var", "schedule=* * * * *", "--var", "tile=T33TTG")
    # Argo's cron controller checks schedules on the minute: at most a minute and a bit.
    deadline = time.monotonic() + 130.0
    while not runs.list():
        assert time.monotonic() < deadline, "the cron never fired"
        time.sleep(1)
    wf = runs.list()[0]
    assert wf["metadata"]["labels"]["workflows.argoproj.io/cron-workflow"] == "nightly-sen2cor"
    assert wf["spec"]["workflowTemplateRef"] == {"name": "sen2cor-nightly"}
    assert wf["spec"]["arguments"]["parameters"] == [{"name": "tile", "value": "T33TTG"}]
    done = runs.wait(wf["metadata"]["name"])
    assert done["status"]["phase"] == "Succeeded", summary(done)
    # `correct` retries: a Retry node and its first (and only) attempt.
    assert phases(done) == {"correct": "Succeeded", "correct(0)": "Succeeded"}


OUTPUTS = """
workflow_template "flow" {
  container "probe" {
    image   = "alpine:3.20"
    command = ["sh", "-c", "echo 3 > /tmp/count"]
    outputs = {
      parameters = [{ name = "count", value_from = { path = "/tmp/count" } }]
    }
  }
  container "use" {
    parameter "count" {}
    image   = "alpine:3.20"
    command = ["echo", "{{inputs.parameters.count}}"]
  }
  step "probe" {
    template = "probe"
  }
  step "many" {
    depends  = "probe"
    template = "use"
    when     = "{{tasks.probe.outputs.parameters.count}} > 2"
    arguments = {
      parameters = [{ name = "count", value = "{{tasks.probe.outputs.parameters.count}}" }]
    }
  }
  step "few" {
    depends  = "probe"
    template = "use"
    when     = "{{tasks.probe.outputs.parameters.count}} <= 2"
    arguments = {
      parameters = [{ name = "count", value = "{{tasks.probe.outputs.parameters.count}}" }]
    }
  }
}
"""


def test_outputs_flow_into_arguments_and_when(engine, module, runs):
    root = module(OUTPUTS, stack="outputs")
    gp_apply(root)
    wf = runs.wait(runs.submit("flow", scenario=EngineScenario(outputs={"probe": {"count": "3"}})))
    assert wf["status"]["phase"] == "Succeeded", summary(wf)
    assert phases(wf) == {"probe": "Succeeded", "many": "Succeeded", "few": "Skipped"}
    nodes = task_nodes(wf)
    assert nodes["probe"]["outputs"]["parameters"][0]["value"] == "3"
    assert nodes["many"]["inputs"]["parameters"] == [{"name": "count", "value": "3"}]


CHANGING = """
workflow_template "etl" {{
  step "extract" {{
    container {{
      image   = "{image}"
      command = ["extract"]
    }}
  }}
}}
"""


def _image_run(wf: dict) -> str:
    spec = wf["status"]["storedWorkflowTemplateSpec"]
    main = next(t for t in spec["templates"] if t.get("container"))
    return main["container"]["image"]


def test_a_run_after_a_new_apply_uses_the_new_template(engine, module, runs):
    gp_apply(module(CHANGING.format(image="etl:1.0"), stack="changing"))
    first = runs.wait(runs.submit("etl"))
    gp_apply(module(CHANGING.format(image="etl:2.0"), stack="changing"))
    second = runs.wait(runs.submit("etl"))
    assert (first["status"]["phase"], second["status"]["phase"]) == ("Succeeded", "Succeeded")
    assert (_image_run(first), _image_run(second)) == ("etl:1.0", "etl:2.0")
