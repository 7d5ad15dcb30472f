"""`gp retry` and `gp resubmit` on the dev cluster's Argo engine: a failed run's failed nodes
run again in the same Workflow (Argo's retry), the succeeded ones are kept, the exit handler
runs again; a resubmitted run names the run it came from, as `argo resubmit` labels it."""

from __future__ import annotations

import pytest
from engine_helpers import Runs, summary, task_nodes
from kubernetes.client import CoreV1Api
from test_engine_gp_runs import ADDR, ETL, scenario

from gp.devcluster.scenario import SCENARIO_ANNOTATION
from gp.runs.retry import nodes_of, pod_name

pytestmark = [pytest.mark.integration, pytest.mark.engine]


def _exit_id(wf: dict) -> str:
    return next(
        i for i, n in nodes_of(wf).items() if n["name"] == f"{wf['metadata']['name']}.onExit"
    )


@pytest.fixture
def runs(engine, kube, namespace) -> Runs:
    return Runs(kube, namespace)


def test_retry_reruns_the_failed_node_in_the_same_workflow(engine, module, gp, runs):
    module(ETL.format(image="alpine:3.20"), stack="retry")
    assert gp("apply", "--auto-approve")[0] == 0
    code, out, err = gp(
        "run",
        ADDR,
        "-p",
        "tile=T1",
        "--wait",
        "--annotation",
        scenario(outcomes={"load": ("Failed",)}),
    )
    assert code == 1, err
    name = out.splitlines()[0]
    failed = runs.get(name)
    before = task_nodes(failed)
    assert (before["extract"]["phase"], before["load"]["phase"]) == ("Succeeded", "Failed")
    # gp names the pods to delete as Argo's controller named them.
    pods = {
        p.metadata.name for p in CoreV1Api(runs.objs.api_client).list_namespaced_pod(runs.ns).items
    }
    assert pod_name(failed, before["load"]) in pods
    exit_started = nodes_of(failed)[_exit_id(failed)]["startedAt"]

    # The cause is fixed: the load task succeeds next time.
    runs.objs.patch_namespaced_custom_object(
        "argoproj.io",
        "v1alpha1",
        runs.ns,
        "workflows",
        name,
        {"metadata": {"annotations": {SCENARIO_ANNOTATION: "{}"}}},
    )
    code, out, err = gp("retry", name)  # a finished run only: this one is
    assert code == 0, err
    assert f"Retrying {name}" in err

    done = runs.wait(name)
    assert done["status"]["phase"] == "Succeeded", summary(done)
    after = task_nodes(done)
    assert after["load"]["phase"] == "Succeeded"
    # extract was not run again: the same node, started when it first did.
    assert after["extract"]["startedAt"] == before["extract"]["startedAt"]
    assert after["extract"]["id"] == before["extract"]["id"]
    assert done["metadata"]["name"] == name and len(runs.list()) == 1
    assert "workflows.argoproj.io/completed" in done["metadata"]["labels"]  # the controller's again
    assert nodes_of(done)[_exit_id(done)]["startedAt"] >= exit_started  # the exit handler ran again

    code, _, err = gp("retry", name)
    assert code == 1
    assert "succeeded: name the nodes to run again with --node" in err

    # --node runs a succeeded node again (Argo's --restart-successful with a node selector).
    code, _, err = gp("retry", name, "--node", "load", "--wait")
    assert code == 0, err
    again = task_nodes(runs.get(name))
    assert again["load"]["startedAt"] >= after["load"]["startedAt"]
    assert again["extract"]["startedAt"] == before["extract"]["startedAt"]


def test_resubmit_labels_the_run_it_came_from(engine, module, gp, runs):
    module(ETL.format(image="alpine:3.20"), stack="retry")
    assert gp("apply", "--auto-approve")[0] == 0
    code, out, err = gp("run", ADDR, "-p", "tile=T1")
    assert code == 0, err
    first = out.splitlines()[0]
    code, out, err = gp("resubmit", first)
    assert code == 0, err
    second = runs.get(out.splitlines()[0])
    assert second["metadata"]["labels"]["workflows.argoproj.io/resubmitted-from-workflow"] == first
