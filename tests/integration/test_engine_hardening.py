"""gp's run commands, gp test --engine and apply under careless and hostile conditions, on the
dev cluster (a real API server; Argo's real controller for the tests marked engine): another's
Workflow, the runs a cron starts on its schedule, a pod deleted under gp logs, a template that
calls itself, an apply killed with SIGKILL between its writes and its record."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from engine_helpers import REPO, Runs
from kubernetes import client, watch

from gp.providers.kubernetes import KubernetesProvider
from gp.providers.lease import LOCK_ID_ANNOTATION
from gp.simulate import Scenario, simulate
from gp.testing.engine import TEST_LABEL, EngineBackend

pytestmark = pytest.mark.integration
ENGINE = pytest.mark.engine

ETL = """
workflow_template "etl" {
  step "extract" {
    container {
      image   = "alpine:3.20"
      command = ["echo", "extract"]
    }
  }
}
"""
CRON = """
cron_workflow "every-minute" {
  schedule          = "* * * * *"
  workflow_template = workflow_template.etl
}
"""


@pytest.fixture
def runs(engine, kube, namespace) -> Runs:
    return Runs(kube, namespace)


def _wait(predicate, timeout_s: float, what: str):
    deadline = time.monotonic() + timeout_s
    while True:
        found = predicate()
        if found:
            return found
        assert time.monotonic() < deadline, what
        time.sleep(0.5)


@ENGINE
def test_stop_refuses_a_workflow_that_is_not_the_stacks(module, gp, runs, kube, namespace):
    module(ETL, stack="mine")
    assert gp("apply", "--auto-approve")[0] == 0
    other = runs.submit("etl")  # submitted with the argo CLI's marks: none of gp's
    code, _, err = gp("stop", other)
    assert code == 1 and "is not a run of the stack mine" in err, err
    assert "shutdown" not in runs.get(other)["spec"]
    for ident in ("default/someone-elses-run", f"{namespace}/UPPER", "", "pipeline/."):
        code, _, err = gp("stop", ident)
        assert code == 1 and "Traceback" not in err, (ident, err)


@ENGINE
def test_runs_a_cron_starts_on_its_schedule_are_the_stacks(module, gp, runs):
    module(ETL, CRON, stack="sched")
    assert gp("apply", "--auto-approve")[0] == 0
    # Argo's cron controller fires at the next minute: its run has the cron's label only.
    started = _wait(runs.list, 150, "the CronWorkflow never started a run")
    labels = started[0]["metadata"].get("labels") or {}
    assert labels.get("workflows.argoproj.io/cron-workflow") == "every-minute"
    assert "gp.dev/stack" not in labels
    code, out, err = gp("runs", "--format", "json")
    assert code == 0, err
    shown = json.loads(out)["runs"]
    assert started[0]["metadata"]["name"] in {r["name"] for r in shown}
    assert all(r["scheduled"] and r["pipeline"] == "cron_workflow.every-minute" for r in shown)
    code, out, _ = gp("runs", "cron_workflow.every-minute")
    assert started[0]["metadata"]["name"] in out and "scheduled (cron every-minute)" in out


@ENGINE
def test_logs_of_a_task_whose_pod_is_gone_say_so(module, gp, runs, kube, namespace):
    module(ETL, stack="logs")
    assert gp("apply", "--auto-approve")[0] == 0
    code, out, err = gp("run", "workflow_template.etl", "--wait")
    assert code == 0, err
    name = out.split()[0]
    assert gp("logs", name, "--task", "extract")[0] == 0
    core = client.CoreV1Api(kube)
    for pod in core.list_namespaced_pod(namespace).items:
        core.delete_namespaced_pod(pod.metadata.name, namespace, grace_period_seconds=0)
    _wait(lambda: not core.list_namespaced_pod(namespace).items, 60, "pods not deleted")
    code, out, err = gp("logs", name, "--task", "extract")
    assert code == 1 and "the pod of extract" in err and "is gone" in err, (out, err)


@ENGINE
def test_gp_test_engine_leaves_no_workflow_unless_asked(module, gp, runs):
    root = module(ETL, stack="tested")
    (root / "etl.gptest.hcl").write_text(
        'test "extract" {\n  pipeline = workflow_template.etl\n'
        '  expect {\n    phase = "Succeeded"\n  }\n}\n'
    )
    code, out, err = gp("test", "--engine")
    assert code == 0, out + err
    tested = [w for w in runs.list() if (w["metadata"].get("labels") or {}).get(TEST_LABEL)]
    assert tested == [] or all(w["metadata"].get("deletionTimestamp") for w in tested)
    code, out, err = gp("test", "--engine", "--keep-workflows")
    assert code == 0, out + err
    kept = [w for w in runs.list() if (w["metadata"].get("labels") or {}).get(TEST_LABEL)]
    assert len(kept) == 1 and kept[0]["status"]["phase"] == "Succeeded"


RECURSIVE = {
    "apiVersion": "argoproj.io/v1alpha1",
    "kind": "WorkflowTemplate",
    "metadata": {"name": "loop", "namespace": "x"},
    "spec": {
        "entrypoint": "loop",
        "templates": [{"name": "loop", "dag": {"tasks": [{"name": "again", "template": "loop"}]}}],
    },
}


@ENGINE
def test_a_dag_that_calls_itself_ends_as_the_simulator_says(engine, kube, namespace):
    backend = EngineBackend(KubernetesProvider(kube, namespace).engine(), namespace)
    scenario = Scenario(RECURSIVE)
    on_argo, simulated = backend.run(scenario), simulate(scenario)
    assert on_argo.phase == simulated.phase == "Error"

    def nodes(run) -> dict[str, tuple[str, str, str]]:
        return {n.name: (n.type, n.phase, n.message) for n in run.nodes}

    assert nodes(on_argo) == nodes(simulated)  # 100 nodes: 99 DAGs, the last one Skipped
    deepest = [n for n in on_argo.nodes if n.message.startswith("Maximum recursion depth")]
    assert len(deepest) == 1 and deepest[0].type == "Skipped" and len(on_argo.nodes) == 100


MANY = """
workflow_template "t" {{
  count = {n}
  name  = "t-${{count.index}}"
  step "a" {{
    container {{
      image   = "{image}"
      command = ["true"]
    }}
  }}
}}
"""


def test_an_apply_killed_between_writes_and_record_is_not_drift(module, gp, cluster):
    n = 120
    root = module(MANY.format(n=n, image="alpine:3.20"))
    assert gp("apply", "--auto-approve")[0] == 0
    (root / "main.gp.hcl").write_text(
        (root / "main.gp.hcl").read_text().replace("alpine:3.20", "alpine:3.21")
    )

    def list_templates() -> dict:
        return cluster.objs.list_namespaced_custom_object(
            "argoproj.io", "v1alpha1", cluster.ns, "workflowtemplates"
        )

    def updated() -> int:
        return sum("alpine:3.21" in json.dumps(i["spec"]) for i in list_templates()["items"])

    # The writes are watched and the apply killed at the tenth: polling between sleeps can
    # miss a fast apply's whole wave.
    since = list_templates()["metadata"]["resourceVersion"]
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    log = root.parent / "killed.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gp",
                "apply",
                "-C",
                str(root),
                "--auto-approve",
                "--parallelism",
                "2",
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            seen: set[str] = set()
            stream = watch.Watch()
            for event in stream.stream(
                cluster.objs.list_namespaced_custom_object,
                "argoproj.io",
                "v1alpha1",
                cluster.ns,
                "workflowtemplates",
                resource_version=since,
                timeout_seconds=120,
            ):
                if "alpine:3.21" in json.dumps(event["object"].get("spec")):
                    seen.add(event["object"]["metadata"]["name"])
                if len(seen) >= 10:
                    proc.send_signal(signal.SIGKILL)
                    break
            stream.stop()
            assert len(seen) >= 10, "no write started"
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
    written = updated()
    assert 0 < written < n, f"the kill came too late or too early: {written} of {n}"
    lease = cluster.lease("gp-lock-life")
    assert lease is not None  # the killed run's lock: released by hand, as gp unlock does
    assert gp("unlock", lease["metadata"]["annotations"][LOCK_ID_ANNOTATION])[0] == 0

    code, out, err = gp("plan", "--refresh-only", "--detailed-exitcode")
    assert code == 0, out + err  # a drift check does not page
    code, out, err = gp("plan", "--no-color")
    assert "changed outside gp" not in out and "interrupted gp apply" in out, out
    assert (
        f"{n - written} to change" in out
        and f"{written} objects written by an interrupted apply" in out
    ), out
    assert gp("apply", "--auto-approve")[0] == 0
    record = json.loads(cluster.record()["record.json"])["objects"]
    assert all("alpine:3.21" in json.dumps(o["applied"]) for o in record.values())
    code, out, _ = gp("plan", "--detailed-exitcode")
    assert code == 0 and "No changes." in out, out


@ENGINE
def test_text_someone_wrote_on_a_run_is_shown_escaped(module, gp, runs, kube, namespace):
    module(ETL, stack="shown")
    assert gp("apply", "--auto-approve")[0] == 0
    body = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Workflow",
        "metadata": {
            "generateName": "etl-",
            "labels": {"gp.dev/stack": "shown"},
            "annotations": {
                "gp.dev/address": "workflow_template.etl\x1b]0;owned\x07",
                "gp.dev/submitted-by": "mallory\x1b[2J\x1b[H",
            },
        },
        "spec": {"workflowTemplateRef": {"name": "etl"}},
    }
    made = runs.objs.create_namespaced_custom_object(
        "argoproj.io", "v1alpha1", namespace, "workflows", body
    )["metadata"]["name"]
    for argv in (("runs",), ("runs", "--no-color"), ("runs", "show", made, "--no-color")):
        code, out, err = gp(*argv)
        assert code == 0, err
        assert "\x1b[2J" not in out and "\x1b]0" not in out and "\x07" not in out, argv
        assert "^[[2J" in out or "^[]0;owned" in out, (argv, out)
