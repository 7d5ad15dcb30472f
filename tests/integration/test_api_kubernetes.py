"""The Python API against the dev cluster: plan, apply, a saved plan, the lock and stale plans
on a real API server, and one module on two clusters (two API servers) side by side."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from kubernetes import client

import gp
from gp.cli.main import main
from gp.devcluster import lifecycle
from gp.devcluster.cluster import down
from gp.devcluster.kubeconfig import api_client

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
CHAIN = "module.sen2cor.workflow_template.chain"


@pytest.fixture
def sen2cor(tmp_path: Path) -> Path:
    """A copy of examples/sen2cor (with modules/ beside it): its provider block still names the
    directory; the tests give the cluster through provider=."""
    for name in ("examples/sen2cor", "modules"):
        shutil.copytree(REPO / name, tmp_path / name)
    return tmp_path / "examples" / "sen2cor"


def on(kubeconfig: Path, namespace: str) -> dict:
    return {"kubernetes": {"kubeconfig": str(kubeconfig), "namespace": namespace}}


def test_plan_apply_and_a_saved_plan_on_the_cluster(
    sen2cor: Path, dev_cluster, namespace, tmp_path
):
    stack = gp.Stack(
        sen2cor, vars={"tile": "T11UNQ"}, provider=on(dev_cluster.kubeconfig(), namespace)
    )
    plan = stack.plan()
    assert plan.summary == {"add": 1, "change": 0, "destroy": 0}
    assert [(c.address, c.action) for c in plan.changes] == [(CHAIN, "create")]
    result = stack.apply(plan)
    assert result.ok and result.applied == [CHAIN]
    assert not stack.plan().has_changes
    assert stack.state().addresses == [CHAIN]

    # A plan saved here is applied by the CLI; one made before a change is refused as stale.
    changed = gp.Stack(
        sen2cor, vars={"tile": "T12ABC"}, provider=on(dev_cluster.kubeconfig(), namespace)
    )
    early = changed.plan()
    assert early.summary == {"add": 0, "change": 1, "destroy": 0}
    early.save(tmp_path / "p.json")
    assert changed.apply(changed.plan()).ok
    with pytest.raises(gp.StalePlanError, match="stale"):
        changed.apply(early)
    assert main(["apply", "--no-color", "-C", str(sen2cor), str(tmp_path / "p.json")]) == 1


def test_the_lock_on_the_cluster(sen2cor: Path, dev_cluster, namespace):
    provider = on(dev_cluster.kubeconfig(), namespace)
    with gp.Stack(sen2cor, provider=provider).lock() as session:
        with pytest.raises(gp.LockError, match=session.lock_id):
            gp.Stack(sen2cor, provider=provider).plan()
        assert session.apply(session.plan()).ok
    assert not gp.Stack(sen2cor, provider=provider).plan().has_changes


@pytest.fixture
def second_cluster(dev_binaries, tmp_path_factory) -> Iterator[Path]:
    """Another dev cluster (its own etcd and API server): a kubeconfig with a namespace made."""
    state_dir = tmp_path_factory.mktemp("second-cluster")
    try:
        state = lifecycle.start(state_dir, dev_binaries, "project", die_with_parent=True)
        with api_client(state.kubeconfig()) as api:
            client.CoreV1Api(api).create_namespace({"metadata": {"name": "pipeline"}})
        yield state.kubeconfig()
    finally:
        down(state_dir)


def test_one_module_on_two_clusters_side_by_side(
    sen2cor: Path, dev_cluster, namespace, second_cluster
):
    one = gp.Stack(sen2cor, provider=on(dev_cluster.kubeconfig(), namespace))
    two = gp.Stack(sen2cor, provider=on(second_cluster, "pipeline"))
    plan_one, plan_two = one.plan(), two.plan()
    assert plan_one.raw.target.server != plan_two.raw.target.server
    assert one.apply(plan_one).ok
    assert two.plan().summary["add"] == 1, "the second cluster is untouched"
    with pytest.raises(gp.StalePlanError, match="made for kubernetes"):
        one.apply(plan_two)
    assert two.apply(plan_two).ok
    assert not one.plan().has_changes and not two.plan().has_changes
    assert one.state().addresses == two.state().addresses == [CHAIN]
