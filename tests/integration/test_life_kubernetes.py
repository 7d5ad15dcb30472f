"""The whole life of a stack on a real kube-apiserver, driven through the gp CLI in-process."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from life_helpers import (
    CRON,
    FLAKY,
    FULL,
    TEMPLATE,
    Cluster,
    Run,
    block_line,
    etl,
    image_of,
    record_addresses,
    write_module,
)

from gp.compile.objects import API_VERSION, STACK_LABEL
from gp.devcluster import lifecycle, process
from gp.devcluster.kubeconfig import api_client
from gp.providers.kubernetes import KubernetesProvider
from gp.providers.lease import LOCK_ID_ANNOTATION, micro_time

pytestmark = pytest.mark.integration


def nightly_blocks() -> str:
    """examples/nightly's objects, without its directory provider block."""
    text = (Path(__file__).parents[2] / "examples" / "nightly" / "main.gp.hcl").read_text()
    text = re.sub(r"gp \{[^}]*\}", "", text, count=1)
    return re.sub(r'provider "directory" \{[^}]*\}', "", text, count=1)


def foreign_template(name: str, image: str = "foreign:1") -> dict:
    return {
        "apiVersion": API_VERSION,
        "kind": "WorkflowTemplate",
        "metadata": {"name": name},
        "spec": {"entrypoint": "x", "templates": [{"name": "x", "container": {"image": image}}]},
    }


def test_apply_then_plan_again_shows_no_changes(module, gp, cluster, namespace):
    module(*etl())
    code, out, err = gp("apply", "--auto-approve")
    assert code == 0, err
    assert "# workflow_template.etl will be created" in out
    assert "# cron_workflow.etl-nightly will be created" in out
    assert "Apply complete! Resources: 2 added, 0 changed, 0 destroyed." in out
    template, cron = (
        cluster.get("WorkflowTemplate", "etl"),
        cluster.get("CronWorkflow", "etl-nightly"),
    )
    assert image_of(template) == "alpine:3.20"
    assert template["metadata"]["labels"][STACK_LABEL] == "life"
    assert cron["spec"]["schedules"] == ["0 2 * * *"]
    assert cron["spec"]["workflowSpec"]["workflowTemplateRef"]["name"] == "etl"
    assert record_addresses(cluster.record()) == [
        "cron_workflow.etl-nightly",
        "workflow_template.etl",
    ]

    code, out, err = gp("plan", "--detailed-exitcode")
    assert (code, err) == (0, "")
    assert "No changes. Your pipelines match the configuration." in out


def test_examples_nightly_applies_and_converges(module, gp, cluster):
    module(nightly_blocks(), stack="nightly")
    code, out, err = gp("apply", "--auto-approve", "--var", "tile=T10UDV")
    assert code == 0, err
    assert "Apply complete! Resources: 2 added, 0 changed, 0 destroyed." in out
    cron = cluster.get("CronWorkflow", "nightly-sen2cor")
    assert cron["spec"]["timezone"] == "America/Toronto"
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"
    assert cron["spec"]["workflowSpec"]["arguments"]["parameters"] == [
        {"name": "tile", "value": "T10UDV"}
    ]
    assert (
        image_of(cluster.get("WorkflowTemplate", "sen2cor-nightly"), "correct")
        == "geo/sen2cor:2.9.0"
    )

    code, out, err = gp("plan", "--detailed-exitcode", "--var", "tile=T10UDV")
    assert (code, err) == (0, ""), out
    assert "No changes." in out
    # The variable is part of the configuration: another value is a change of one field.
    code, out, _ = gp("plan", "--detailed-exitcode")
    assert code == 2
    assert "Plan: 0 to add, 1 to change, 0 to destroy." in out
    assert block_line(out, '~ arguments.parameter "tile" {', '~ value = "T10UDV" -> "T11UNQ"'), out


def test_changed_image_and_schedule_are_planned_field_by_field(module, gp, cluster):
    module(*etl())
    assert gp("apply", "--auto-approve")[0] == 0
    module(*etl(image="alpine:3.21", schedule="30 3 * * *"))

    code, out, err = gp("plan", "--detailed-exitcode")
    assert (code, err) == (2, "")
    changed = sorted(
        line.strip()
        for line in out.splitlines()
        if line.strip().startswith(("~ ", "+ ", "- ")) and " = " in line
    )
    assert changed == [
        '~ container.image = "alpine:3.20" -> "alpine:3.21"',
        '~ spec.schedules = ["0 2 * * *"] -> ["30 3 * * *"]',
    ]
    assert block_line(
        out, '~ template "extract" {', '~ container.image = "alpine:3.20" -> "alpine:3.21"'
    )
    assert '# schedule after: ["30 3 * * *"] UTC; next runs' in out
    assert re.search(r"# schedule after: .*next runs \S+T03:30:00\+00:00", out)
    assert "Plan: 0 to add, 2 to change, 0 to destroy." in out

    code, out, err = gp("apply", "--auto-approve")
    assert code == 0, err
    assert "Apply complete! Resources: 0 added, 2 changed, 0 destroyed." in out
    assert image_of(cluster.get("WorkflowTemplate", "etl")) == "alpine:3.21"
    assert cluster.get("CronWorkflow", "etl-nightly")["spec"]["schedules"] == ["30 3 * * *"]
    assert gp("plan", "--detailed-exitcode")[0] == 0


def test_edit_by_an_update_manager_is_drift_that_apply_reverts(module, gp, cluster):
    cron = CRON.replace("timezone", "suspend           = false\n  timezone")
    module(TEMPLATE.format(image="alpine:3.20"), cron.format(schedule="0 2 * * *"))
    assert gp("apply", "--auto-approve")[0] == 0
    # kubectl edit: read, change, write the whole object back (an Update, not an Apply).
    live = cluster.get("WorkflowTemplate", "etl")
    {t["name"]: t for t in live["spec"]["templates"]}["extract"]["container"]["image"] = "evil:1"
    cluster.replace(live, manager="kubectl-edit")
    # The Argo UI suspending the cron: a patch.
    cluster.edit("CronWorkflow", "etl-nightly", {"spec": {"suspend": True}}, manager="argo-ui")

    code, out, err = gp("plan", "--detailed-exitcode")
    assert (code, err) == (2, "")
    drift, _, planned = out.partition("gp will perform the following actions:")
    assert "Objects changed outside gp" in drift
    assert "# workflow_template.etl has changed" in drift
    assert block_line(
        drift, '~ template "extract" {', '~ container.image = "alpine:3.20" -> "evil:1"'
    ), drift
    assert "# cron_workflow.etl-nightly has changed" in drift
    assert "~ spec.suspend = false -> true" in drift
    assert block_line(
        planned, '~ template "extract" {', '~ container.image = "evil:1" -> "alpine:3.20"'
    ), planned
    assert "~ spec.suspend = true -> false" in planned
    assert "Plan: 0 to add, 2 to change, 0 to destroy." in planned

    code, out, err = gp("apply", "--auto-approve")
    assert code == 0, err
    assert "Apply complete! Resources: 0 added, 2 changed, 0 destroyed." in out
    assert image_of(cluster.get("WorkflowTemplate", "etl")) == "alpine:3.20"
    assert cluster.get("CronWorkflow", "etl-nightly")["spec"]["suspend"] is False
    code, out, _ = gp("plan", "--detailed-exitcode")
    assert code == 0 and "Objects changed outside gp" not in out


def test_removed_block_is_pruned(module, gp, cluster):
    module(*etl())
    assert gp("apply", "--auto-approve")[0] == 0
    module(etl()[0])

    code, out, err = gp("plan", "--detailed-exitcode")
    assert (code, err) == (2, "")
    assert "# cron_workflow.etl-nightly will be destroyed" in out
    assert "# (because cron_workflow.etl-nightly is not in the configuration)" in out
    assert "Plan: 0 to add, 0 to change, 1 to destroy." in out

    code, out, err = gp("apply", "--auto-approve")
    assert code == 0, err
    assert "Apply complete! Resources: 0 added, 0 changed, 1 destroyed." in out
    assert cluster.get("CronWorkflow", "etl-nightly") is None
    assert cluster.get("WorkflowTemplate", "etl") is not None
    assert record_addresses(cluster.record()) == ["workflow_template.etl"]
    assert gp("plan", "--detailed-exitcode")[0] == 0


def test_unmanaged_object_of_the_same_name_needs_gp_import(module, gp, cluster, namespace):
    cluster.create(foreign_template("etl"))
    root = module(*etl())
    line = (root / "main.gp.hcl").read_text().splitlines().index('workflow_template "etl" {') + 1

    code, out, err = gp("plan")
    assert code == 1
    assert (
        f"Error: main.gp.hcl:{line}:1: workflow_template.etl: WorkflowTemplate {namespace}/etl exists and is not managed "
        "by this stack; use gp import"
    ) in err
    code, _, err = gp("apply", "--auto-approve")
    assert code == 1 and "use gp import" in err
    assert cluster.names("CronWorkflow") == set()  # nothing was written
    assert image_of(cluster.get("WorkflowTemplate", "etl"), "x") == "foreign:1"

    code, out, err = gp("import", "workflow_template.etl", f"{namespace}/etl")
    assert (code, err) == (0, "")
    assert f"WorkflowTemplate/{namespace}/etl is now managed as workflow_template.etl" in out
    assert cluster.get("WorkflowTemplate", "etl")["metadata"]["labels"][STACK_LABEL] == "life"

    code, out, err = gp("apply", "--auto-approve")
    assert code == 0, err
    assert "Apply complete! Resources: 1 added, 1 changed, 0 destroyed." in out
    assert image_of(cluster.get("WorkflowTemplate", "etl")) == "alpine:3.20"
    assert gp("plan", "--detailed-exitcode")[0] == 0


def test_import_of_a_missing_or_undeclared_object_fails(module, gp, namespace):
    module(*etl())
    code, _, err = gp("import", "workflow_template.etl", f"{namespace}/etl")
    assert code == 1
    assert f"Error: WorkflowTemplate/{namespace}/etl does not exist on https://" in err
    code, _, err = gp("import", "workflow_template.etc", f"{namespace}/etl")
    assert code == 1
    assert (
        'workflow_template.etc is not declared in the configuration; did you mean "workflow_template.etl"?'
        in err
    )


def test_a_second_apply_waits_on_the_lock_then_names_the_holder(
    module, gp, cluster, kube, namespace
):
    module(*etl())
    other = KubernetesProvider(kube, namespace, identity="alice@laptop", lease_seconds=30)
    with other.lock("life", "alice@laptop", 0) as held:
        code, out, err = gp("apply", "--auto-approve", "--lock-timeout", "2s")
    assert code == 1
    assert f"the stack 'life' is locked by alice@laptop (lock id {held.lock_id}" in err
    assert "gave up after waiting 2s" in err
    assert cluster.names("WorkflowTemplate") == set()

    # A run that crashed holding the lock: its Lease stays until it expires or is unlocked.
    lock_id = "6f1e1c1a-0000-4000-8000-000000000001"
    now = datetime.now(UTC)
    cluster.objs.create_namespaced_custom_object(
        "coordination.k8s.io",
        "v1",
        namespace,
        "leases",
        {
            "apiVersion": "coordination.k8s.io/v1",
            "kind": "Lease",
            "metadata": {"name": "gp-lock-life", "annotations": {LOCK_ID_ANNOTATION: lock_id}},
            "spec": {
                "holderIdentity": "ci@runner-7",
                "leaseDurationSeconds": 3600,
                "acquireTime": micro_time(now),
                "renewTime": micro_time(now),
            },
        },
    )
    code, _, err = gp("plan", "--lock-timeout", "1s")
    assert code == 1
    assert f"locked by ci@runner-7 (lock id {lock_id}" in err and f"gp unlock {lock_id}" in err

    code, _, err = gp("unlock", "not-the-id")
    assert code == 1 and f"which is held by ci@runner-7 with lock id {lock_id}" in err
    code, out, err = gp("unlock", lock_id)
    assert (code, err) == (0, "")
    assert f"Released the lock {lock_id} of stack life." in out
    assert cluster.lease("gp-lock-life") is None
    code, out, err = gp("apply", "--auto-approve")
    assert code == 0, err
    assert cluster.lease("gp-lock-life") is None  # released after the apply too


def test_saved_plan_goes_stale_when_an_object_changes(module, gp, cluster, tmp_path, namespace):
    module(*etl())
    assert gp("apply", "--auto-approve")[0] == 0
    module(*etl(image="alpine:3.21"))
    saved = tmp_path / "plan.json"
    code, out, err = gp("plan", "--out", str(saved))
    assert (code, err) == (0, "")
    assert f"To apply exactly this plan: gp apply {saved}" in out
    cluster.edit(
        "WorkflowTemplate",
        "etl",
        {"metadata": {"labels": {"team": "geo"}}},
        manager="kubectl-label",
    )

    code, out, err = gp("apply", str(saved))
    assert code == 1
    assert (
        f"Error: the saved plan is stale: WorkflowTemplate/{namespace}/etl changed since it was "
        "made; run gp plan again"
    ) in err
    assert image_of(cluster.get("WorkflowTemplate", "etl")) == "alpine:3.20"

    # A fresh saved plan applies exactly, and only once.
    assert gp("plan", "--out", str(saved))[0] == 0
    code, out, err = gp("apply", str(saved))
    assert code == 0, err
    assert "Apply complete! Resources: 0 added, 1 changed, 0 destroyed." in out
    assert image_of(cluster.get("WorkflowTemplate", "etl")) == "alpine:3.21"
    code, _, err = gp("apply", str(saved))
    assert code == 1 and "the saved plan is stale" in err


def test_saved_plan_for_another_namespace_is_refused(
    module, gp, cluster, tmp_path, namespace, dev_cluster
):
    module(*etl())
    saved = tmp_path / "plan.json"
    assert gp("plan", "--out", str(saved))[0] == 0
    elsewhere = f"{namespace}-b"
    cluster.core.create_namespace({"metadata": {"name": elsewhere}})
    write_module(tmp_path / "stack", dev_cluster.kubeconfig(), elsewhere, *etl())

    code, _, err = gp("apply", str(saved))
    server = dev_cluster.apiservers["default"].server
    assert code == 1
    assert (
        f"Error: the plan was made for kubernetes {server} (namespace {namespace}), not kubernetes "
        f"{server} (namespace {elsewhere}); make a new plan"
    ) in err
    assert cluster.names("WorkflowTemplate") == set()


def test_conflict_with_another_applier_stops_that_object(module, gp, cluster):
    module(*etl())
    assert gp("apply", "--auto-approve")[0] == 0
    # Argo CD applies its own copy of the template, forcing its way in.
    taken = foreign_template("etl", image="argocd:1")
    taken["spec"]["templates"] = [{"name": "extract", "container": {"image": "argocd:1"}}]
    cluster.server_side_apply(taken, "argocd-controller")
    module(*etl(image="alpine:3.21", schedule="15 1 * * *"))

    code, out, err = gp("apply", "--auto-approve")
    assert code == 1
    assert "Apply failed." in err
    assert re.search(
        r'workflow_template\.etl .*is also managed by "argocd-controller" with server-side apply '
        r"\(.*\.spec.*\): two tools manage the same object",
        err.replace("\n", " "),
    )
    assert "--force-conflicts" in err
    # The cron waits for its template: not attempted, so nothing half-done.
    assert re.search(r"Not attempted:\s+~ cron_workflow\.etl-nightly", err)
    assert "0 added, 0 changed, 0 destroyed before stopping; 1 failed, 1 not attempted" in err
    # A rerun alone would meet the same conflict: say what to do instead.
    assert "Rerun to converge" not in err
    assert (
        "Running gp again will not fix this: another applier manages some fields: rerun with "
        "--force-conflicts (force_conflicts=True from Python) to take them over, or stop the "
        "other tool managing the object."
    ) in err.replace("\n", " ")
    assert cluster.get("CronWorkflow", "etl-nightly")["spec"]["schedules"] == ["0 2 * * *"]
    assert image_of(cluster.get("WorkflowTemplate", "etl")) == "argocd:1"

    code, out, err = gp("apply", "--auto-approve", "--force-conflicts")
    assert code == 0, err
    assert "Apply complete! Resources: 0 added, 2 changed, 0 destroyed." in out
    assert image_of(cluster.get("WorkflowTemplate", "etl")) == "alpine:3.21"
    assert cluster.get("CronWorkflow", "etl-nightly")["spec"]["schedules"] == ["15 1 * * *"]
    assert gp("plan", "--detailed-exitcode")[0] == 0


def test_cron_status_written_by_the_controller_survives_applies(module, gp, cluster):
    module(*etl())
    assert gp("apply", "--auto-approve")[0] == 0
    status = {
        "lastScheduledTime": "2026-01-02T02:00:00Z",
        "active": [],
        "phase": "Active",
        "succeeded": 4,
        "failed": 1,
    }
    cluster.edit("CronWorkflow", "etl-nightly", {"status": status}, manager="workflow-controller")

    code, out, _ = gp("plan", "--detailed-exitcode")
    assert code == 0 and "No changes." in out
    module(*etl(schedule="0 5 * * *"))
    code, out, err = gp("apply", "--auto-approve")
    assert code == 0, err
    assert not re.search(r"^\s*[-+~] status", out, re.MULTILINE)
    cron = cluster.get("CronWorkflow", "etl-nightly")
    assert cron["spec"]["schedules"] == ["0 5 * * *"]
    assert cron["status"]["lastScheduledTime"] == "2026-01-02T02:00:00Z"
    assert cron["status"]["succeeded"] == 4


def test_destroy_removes_what_the_stack_owned_and_nothing_else(
    module, gp, cluster, namespace, dev_cluster
):
    server = dev_cluster.apiservers["default"].server
    cluster.create(foreign_template("bystander"))
    module(*etl())
    assert gp("apply", "--auto-approve")[0] == 0
    assert cluster.record() is not None

    code, out, err = gp("destroy", "--auto-approve")
    assert code == 0, err
    assert "# (because the stack is being destroyed)" in out
    assert "Destroy complete! Resources: 2 destroyed." in out
    assert cluster.names("WorkflowTemplate") == {"bystander"}
    assert cluster.names("CronWorkflow") == set()
    assert cluster.record() is None
    assert cluster.lease("gp-lock-life") is None
    assert "managed-by" not in json.dumps(cluster.get("WorkflowTemplate", "bystander")["metadata"])

    code, out, _ = gp("plan", "--destroy", "--detailed-exitcode")
    assert code == 0 and "No changes." in out
    code, out, _ = gp("show")
    assert code == 0
    assert f'Stack "life" in kubernetes {server} (namespace {namespace}) owns no objects.' in out


def test_api_server_going_away_mid_apply_reports_and_rerun_converges(
    dev_cluster, dev_binaries, tmp_path, capsys, monkeypatch
):
    server = lifecycle.add_server(dev_cluster, dev_binaries, FLAKY, "project", die_with_parent=True)
    try:
        with api_client(dev_cluster.kubeconfig(FLAKY)) as api:
            Cluster(api, "").core.create_namespace({"metadata": {"name": "flaky-life"}})
        blocks = [TEMPLATE.replace('"etl"', f'"{n}"').format(image="alpine:3.20") for n in "abc"]
        cron = CRON.replace("workflow_template.etl", "workflow_template.c").format(
            schedule="0 2 * * *"
        )
        root = write_module(
            tmp_path / "stack", dev_cluster.kubeconfig(FLAKY), "flaky-life", *blocks, cron
        )
        gp = Run(capsys, root)
        write = KubernetesProvider._write
        calls: list[str] = []

        def write_then_vanish(self, change, force_conflicts):
            calls.append(change.address)
            if len(calls) == 2:  # the server goes away once the first object is written
                process.stop(server.pid, server.argv0, grace_s=0.0)
            return write(self, change, force_conflicts)

        monkeypatch.setattr(KubernetesProvider, "_write", write_then_vanish)
        code, out, err = gp("apply", "--auto-approve", "--parallelism", "1")
        assert code == 1
        # c's check of the lock already failed to reach the server, so its write was not sent.
        assert calls == ["workflow_template.a", "workflow_template.b"]
        assert re.search(r"Applied:\s+\+ workflow_template\.a ", err)
        failed = err[err.index("Failed:") : err.index("Not attempted:")]
        assert "workflow_template.b" in failed and "workflow_template.c" in failed
        assert failed.count("cannot reach the Kubernetes API at https://") == 2
        assert re.search(r"Not attempted:\s+\+ cron_workflow\.etl-nightly", err)
        assert "1 added, 0 changed, 0 destroyed before stopping; 2 failed, 1 not attempted" in err
        assert "Rerun to converge." in err

        monkeypatch.setattr(KubernetesProvider, "_write", write)
        server = lifecycle.add_server(
            dev_cluster, dev_binaries, FLAKY, "project", die_with_parent=True
        )
        # The run could not release its lock either: the rerun names it, gp unlock frees it.
        code, _, err = gp("apply", "--auto-approve")
        assert code == 1
        lock_id = re.search(r"release it with `gp unlock (\S+)`", err).group(1)
        assert gp("unlock", lock_id)[0] == 0
        code, out, err = gp("apply", "--auto-approve")
        assert code == 0, err
        assert "# workflow_template.a will" not in out  # already there, and gp's
        assert "Apply complete! Resources: 3 added, 0 changed, 0 destroyed." in out
        code, out, _ = gp("plan", "--detailed-exitcode")
        assert code == 0 and "No changes." in out
        with api_client(dev_cluster.kubeconfig(FLAKY)) as api:
            again = Cluster(api, "flaky-life")
            assert again.names("WorkflowTemplate") == {"a", "b", "c"}
            assert again.names("CronWorkflow") == {"etl-nightly"}
            record = again.record()
        assert record_addresses(record) == [
            "cron_workflow.etl-nightly",
            "workflow_template.a",
            "workflow_template.b",
            "workflow_template.c",
        ]
    finally:
        process.stop(server.pid, server.argv0, grace_s=5.0)


def test_full_crds_defaults_are_no_perpetual_diff(
    full_cluster, kube_full, full_namespace, tmp_path, capsys
):
    kubeconfig = full_cluster.kubeconfig(FULL)
    root = write_module(tmp_path / "stack", kubeconfig, full_namespace, nightly_blocks(), *etl())
    gp = Run(capsys, root)
    code, out, err = gp("apply", "--auto-approve")
    assert code == 0, err
    assert "Apply complete! Resources: 4 added, 0 changed, 0 destroyed." in out
    cluster = Cluster(kube_full, full_namespace)
    assert cluster.get("CronWorkflow", "nightly-sen2cor")["spec"]["timezone"] == "America/Toronto"

    code, out, err = gp("plan", "--detailed-exitcode")
    assert (code, err) == (0, ""), out
    assert "No changes. Your pipelines match the configuration." in out

    write_module(root, kubeconfig, full_namespace, nightly_blocks(), *etl(image="alpine:3.21"))
    code, out, err = gp("plan", "--detailed-exitcode")
    assert (code, err) == (2, "")
    assert block_line(
        out, '~ template "extract" {', '~ container.image = "alpine:3.20" -> "alpine:3.21"'
    ), out
    assert "Plan: 0 to add, 1 to change, 0 to destroy." in out

    code, out, err = gp("plan", "--format", "json")
    assert (code, err) == (0, "")
    doc = json.loads(out)
    assert doc["target"]["namespace"] == full_namespace
    assert doc["target"]["server"] == full_cluster.apiservers[FULL].server
    changed = [c for c in doc["resource_changes"] if c["change"]["actions"] != ["no-op"]]
    assert [(c["address"], c["change"]["actions"]) for c in changed] == [
        ("workflow_template.etl", ["update"])
    ]
    after = {t["name"]: t for t in changed[0]["change"]["after"]["spec"]["templates"]}
    assert after["extract"]["container"]["image"] == "alpine:3.21"
    assert doc["applyable"] is True
