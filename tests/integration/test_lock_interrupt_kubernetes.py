"""A lost Lease and Ctrl-C during apply/destroy, on a real kube-apiserver.

The lock is lost at a chosen point: the progress hook runs in the main thread after the k-th
write finished and before the next one is handed out (``--parallelism 1``). The interrupt is a
real SIGINT sent to a real ``python3 -m gp`` process writing several hundred objects.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import re
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from kubernetes import client
from life_helpers import record_addresses
from test_provider_kubernetes import change, manifest

from gp.cli import output
from gp.compile.objects import STACK_LABEL
from gp.planner.plan import Action, Mode, PlanData
from gp.providers.kubernetes import KubernetesProvider
from gp.providers.lease import LOCK_ID_ANNOTATION, micro_time

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
STACK = "geo"


def _many(n: int) -> str:
    return f"""
workflow_template "t" {{
  count = {n}
  name  = "t-${{count.index}}"
  step "a" {{
    container {{
      image   = "alpine:3.20"
      command = ["true"]
    }}
  }}
}}
"""


def _after(k: int, act):
    done: list[str] = []

    def hook(change, error):
        done.append(change.address)
        if len(done) == k:
            act()

    return hook


class Clock:
    def __init__(self):
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


def _patch_lease(kube, namespace: str, patch: dict) -> None:
    client.CoordinationV1Api(kube).patch_namespaced_lease(f"gp-lock-{STACK}", namespace, patch)


def _take_over(kube, namespace: str) -> None:
    """Another run's takeover: same Lease, new holder, new lock id, fresh renew time."""
    _patch_lease(
        kube,
        namespace,
        {
            "metadata": {"annotations": {LOCK_ID_ANNOTATION: "bobs-lock"}},
            "spec": {
                "holderIdentity": "bob@ci",
                "renewTime": micro_time(datetime.now(UTC)),
            },
        },
    )


def _renewed_by_someone_else(kube, namespace: str) -> None:
    """Same holder and lock id, but a renew time this run did not write."""
    later = datetime.now(UTC) + timedelta(seconds=7)
    _patch_lease(kube, namespace, {"spec": {"renewTime": micro_time(later)}})


LOSSES = ["taken over", "deleted by gp unlock", "expired while paused", "renewed by another"]


@pytest.mark.parametrize("how", LOSSES)
def test_a_lost_lease_stops_apply_before_its_next_write(kube, namespace, how):
    clock = Clock()
    provider = KubernetesProvider(
        kube, namespace, identity="ci@runner", lease_seconds=30, poll_s=0.05, clock=clock
    )
    made = [manifest("WorkflowTemplate", f"t{i}", namespace) for i in range(6)]
    plan = PlanData(
        STACK, provider.target, Mode.NORMAL, tuple(change(Action.CREATE, None, m) for m in made)
    )
    with provider.lock(STACK, "ci@runner", 0) as lock:
        lose = {
            "taken over": lambda: _take_over(kube, namespace),
            "deleted by gp unlock": lambda: provider.unlock(STACK, lock.lock_id),
            "expired while paused": lambda: setattr(
                clock, "now", clock.now + timedelta(seconds=31)
            ),
            "renewed by another": lambda: _renewed_by_someone_else(kube, namespace),
        }[how]
        result = provider.apply(plan, parallelism=1, progress=_after(2, lose), lock=lock)
    assert [c.ref.name for c in result.applied] == ["t0", "t1"]
    assert [c.ref.name for c in result.not_attempted] == ["t2", "t3", "t4", "t5"]
    assert result.stopped.startswith("the stack's lock was lost: ") and result.lock_lost
    objs = client.CustomObjectsApi(kube)
    items = objs.list_namespaced_custom_object(
        "argoproj.io", "v1alpha1", namespace, "workflowtemplates"
    )
    assert {i["metadata"]["name"] for i in items["items"]} == {"t0", "t1"}
    assert {e.ref.name for e in provider.owned(STACK).entries.values()} == {"t0", "t1"}
    lease = client.CoordinationV1Api(kube).list_namespaced_lease(namespace).items
    if how == "taken over":
        assert "bob@ci" in result.stopped and "bobs-lock" in result.stopped
        assert [le.metadata.annotations[LOCK_ID_ANNOTATION] for le in lease] == ["bobs-lock"], (
            "the run must leave the other run's lock alone"
        )
    if how == "deleted by gp unlock":
        assert "was released while this run held it" in result.stopped and lease == []
    if how == "expired while paused":
        assert "expired at" in result.stopped
    if how == "renewed by another":
        assert "was rewritten by someone else" in result.stopped


def test_a_lost_lease_stops_the_cli_apply_and_the_next_plan_is_honest(
    module, gp, cluster, namespace, monkeypatch
):
    module(_many(10))

    def unlock_behind_its_back():
        lease = cluster.lease("gp-lock-life")
        cluster.coordination.delete_namespaced_lease("gp-lock-life", namespace)
        assert lease is not None

    monkeypatch.setattr(
        output, "apply_progress", lambda no_color: _after(4, unlock_behind_its_back)
    )
    code, out, err = gp("apply", "--auto-approve", "--parallelism", "1")
    assert code == 1, err
    assert "Apply stopped: the stack's lock was lost: the lock" in err
    assert "4 added, 0 changed, 0 destroyed before stopping; 0 failed, 6 not attempted" in err
    assert "run gp plan before applying again" in err and "Apply complete" not in out + err
    assert len(cluster.names("WorkflowTemplate")) == 4
    assert set(record_addresses(cluster.record())) == {
        f"workflow_template.t[{i}]"
        for i in range(10)
        if f"t-{i}" in cluster.names("WorkflowTemplate")
    }
    monkeypatch.setattr(output, "apply_progress", lambda no_color: None)
    code, out, _ = gp("plan", "--detailed-exitcode")
    assert code == 2 and "Plan: 6 to add, 0 to change, 0 to destroy." in out, out
    assert "outside" not in out


# -- Ctrl-C on a real process ------------------------------------------------------------

TOTAL = 400


def _run_interrupted(
    root: Path, command: str, ready, timeout_s: float = 180
) -> tuple[int, str, str]:
    """Start `gp COMMAND`, send it SIGINT once ``ready()``, and return (exit code, out, err)."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    logs = root.parent / f"{command}.out", root.parent / f"{command}.err"
    # Files, not pipes: the plan of hundreds of objects would fill a pipe and block gp.
    with open(logs[0], "w") as out, open(logs[1], "w") as err:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gp",
                command,
                "-C",
                str(root),
                "--auto-approve",
                "--no-color",
                "--parallelism",
                "2",
            ],
            env=env,
            stdout=out,
            stderr=err,
            text=True,
        )
        try:
            deadline = time.monotonic() + timeout_s
            while not ready():
                assert proc.poll() is None, "gp finished before it could be interrupted"
                assert time.monotonic() < deadline, "gp never started writing"
                time.sleep(0.02)
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=timeout_s)
        finally:
            if proc.poll() is None:
                proc.kill()
    return proc.returncode, logs[0].read_text(), logs[1].read_text()


def _counts(err: str) -> tuple[int, int, int]:
    found = re.search(
        r"Resources: (\d+) added, 0 changed, (\d+) destroyed before stopping; "
        r"0 failed, (\d+) not attempted",
        err,
    )
    assert found, err
    return int(found.group(1)), int(found.group(2)), int(found.group(3))


def _owned(cluster) -> set[str]:
    items = cluster.objs.list_namespaced_custom_object(
        "argoproj.io",
        "v1alpha1",
        cluster.ns,
        "workflowtemplates",
        label_selector=f"{STACK_LABEL}=life",
    )
    return {i["metadata"]["name"] for i in items["items"]}


def _recorded(cluster) -> set[str]:
    try:
        cm = cluster.core.read_namespaced_config_map("gp-stack-life", cluster.ns)
    except client.ApiException as exc:
        if exc.status == 404:
            return set()
        raise
    # Past 512 KiB (400 objects are) the record is stored gzipped, in binaryData.
    text = (cm.data or {}).get("record.json")
    if text is None:
        text = gzip.decompress(base64.b64decode(cm.binary_data["record.json.gz"])).decode()
    return {o["name"] for o in json.loads(text)["objects"].values()}


def test_sigint_to_a_real_apply_and_destroy_leaves_an_honest_record(module, gp, cluster):
    root = module(_many(TOTAL))
    code, out, err = _run_interrupted(root, "apply", lambda: len(_owned(cluster)) >= 20)
    assert code == 130, err
    assert "Interrupt received: no new write will start" in err
    assert "Apply stopped: interrupted (Ctrl-C)." in err and "Not attempted:" in err
    added, _, not_attempted = _counts(err)
    assert added >= 20 and not_attempted > 0 and added + not_attempted == TOTAL
    assert len(_owned(cluster)) == added and _recorded(cluster) == _owned(cluster)
    assert cluster.lease("gp-lock-life") is None, "the lock is released"
    assert "Error" not in err
    code, out, _ = gp("show")
    assert code == 0 and set(re.findall(r"\bt-\d+\b", out)) == _owned(cluster), out
    code, out, _ = gp("plan")
    assert code == 0 and f"Plan: {not_attempted} to add, 0 to change, 0 to destroy." in out, out
    assert "outside" not in out and "gp import" not in out

    code, out, err = gp("apply", "--auto-approve")
    assert code == 0 and len(_owned(cluster)) == TOTAL == len(_recorded(cluster)), err

    code, out, err = _run_interrupted(root, "destroy", lambda: len(_owned(cluster)) <= TOTAL - 20)
    assert code == 130, err
    _, destroyed, not_attempted = _counts(err)
    assert destroyed >= 20 and not_attempted > 0 and destroyed + not_attempted == TOTAL
    assert len(_owned(cluster)) == not_attempted and _recorded(cluster) == _owned(cluster)
    assert cluster.lease("gp-lock-life") is None
    code, out, _ = gp("plan")
    assert code == 0 and f"Plan: {destroyed} to add, 0 to change, 0 to destroy." in out, out
    assert "outside" not in out
    code, out, _ = gp("plan", "--destroy")
    assert f"Plan: 0 to add, 0 to change, {not_attempted} to destroy." in out, out
