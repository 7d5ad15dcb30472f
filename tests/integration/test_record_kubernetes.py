"""The record stays true on a real kube-apiserver: each kind of move leaves one entry (followed
by an edit and a delete), an old record with duplicates heals, a removed block with destroy =
false lets go of the object, and `gp state` keeps its backup in a second ConfigMap."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kubernetes import client
from life_helpers import record_addresses

pytestmark = pytest.mark.integration

NO_CHANGES = "No changes. Your pipelines match the configuration."


def template(label: str, name: str = "sen2cor", image: str = "alpine:3.20") -> str:
    return f"""
workflow_template "{label}" {{
  name = "{name}"
  step "correct" {{
    container {{
      image = "{image}"
    }}
  }}
}}
"""


CALL = 'module "{0}" {{\n  source = "./{0}"\n}}\n'
FOR_EACH = """
workflow_template "tile" {{
  for_each = {{ {key} = "sen2cor" }}
  name     = each.value
  step "correct" {{
    container {{
      image = "alpine:3.20"
    }}
  }}
}}
"""
MOVES = {
    "label rename": (
        (template("diamond"), {}),
        (template("renamed"), {}),
        "workflow_template.diamond",
        "workflow_template.renamed",
    ),
    "into a module": (
        (template("sen2cor"), {}),
        (CALL.format("geo"), {"geo": template("sen2cor")}),
        "workflow_template.sen2cor",
        "module.geo.workflow_template.sen2cor",
    ),
    "between modules": (
        (CALL.format("geo"), {"geo": template("sen2cor")}),
        (CALL.format("eo"), {"eo": template("sen2cor")}),
        "module.geo.workflow_template.sen2cor",
        "module.eo.workflow_template.sen2cor",
    ),
    "for_each key": (
        (FOR_EACH.format(key="a"), {}),
        (FOR_EACH.format(key="b"), {}),
        'workflow_template.tile["a"]',
        'workflow_template.tile["b"]',
    ),
}


def written(module, main: str, children: dict[str, str]) -> Path:
    root = module(main, stack="moves")
    for name, body in children.items():
        (root / name).mkdir(exist_ok=True)
        (root / name / "main.gp.hcl").write_text(body)
    return root


def clean(gp) -> None:
    for extra in ((), ("--refresh-only",)):
        code, out, err = gp("plan", "--detailed-exitcode", *extra)
        assert (code, out.strip()) == (0, NO_CHANGES), out + err


def applied(gp) -> str:
    code, out, err = gp("apply", "--auto-approve")
    assert code == 0, out + err
    return out


@pytest.mark.parametrize("case", list(MOVES))
def test_a_move_leaves_one_entry_then_edit_and_delete(module, gp, cluster, case) -> None:
    (main, children), (main2, children2), old, new = MOVES[case]
    written(module, main, children)
    applied(gp)
    assert record_addresses(cluster.record("moves")) == [old]

    root = written(module, main2, children2)
    code, out, _ = gp("plan", "--detailed-exitcode")
    assert code == 2 and f"# {old} has moved to {new}" in out, out
    assert "1 moved" in applied(gp)
    assert record_addresses(cluster.record("moves")) == [new]
    live = cluster.get("WorkflowTemplate", "sen2cor")
    assert live["metadata"]["annotations"]["gp.dev/address"] == new
    clean(gp)
    shown = json.loads(gp("show", "--format", "json")[1])
    assert [o["address"] for o in shown["objects"]] == [new]

    for path in [root / "main.gp.hcl", *(root / c / "main.gp.hcl" for c in children2)]:
        path.write_text(path.read_text().replace("alpine:3.20", "alpine:3.21"))
    code, out, _ = gp("plan")
    assert f"# {new} will be updated in-place" in out, out
    applied(gp)
    clean(gp)
    module("", stack="moves")
    code, out, _ = gp("plan")
    assert f"# {new} will be destroyed" in out and f"# {old} " not in out, out
    applied(gp)
    assert cluster.get("WorkflowTemplate", "sen2cor") is None
    assert cluster.record("moves") is None


def test_a_record_with_duplicates_heals_on_the_next_apply(module, gp, cluster, kube) -> None:
    module(template("renamed"), stack="moves")
    applied(gp)
    core = client.CoreV1Api(kube)
    cm = core.read_namespaced_config_map("gp-stack-moves", cluster.ns)
    doc = json.loads(cm.data["record.json"])
    (entry,) = doc["objects"].values()
    stale = json.loads(json.dumps(entry))
    stale["applied"]["metadata"]["annotations"]["gp.dev/address"] = "workflow_template.diamond"
    # As gp wrote it before the record was keyed by identity, after the rename.
    doc = {
        **doc,
        "format_version": "1",
        "objects": {
            "workflow_template.diamond": {k: v for k, v in stale.items() if k != "address"},
            "workflow_template.renamed": {k: v for k, v in entry.items() if k != "address"},
        },
    }
    core.patch_namespaced_config_map(
        "gp-stack-moves", cluster.ns, {"data": {"record.json": json.dumps(doc)}}
    )
    code, out, _ = gp("plan", "--detailed-exitcode")
    assert code == 2, out
    assert "has changed" not in out
    assert "keeps it once, as workflow_template.renamed." in out
    applied(gp)
    assert record_addresses(cluster.record("moves")) == ["workflow_template.renamed"]
    assert json.loads(cluster.record("moves")["record.json"])["format_version"] == "2"
    clean(gp)


def test_removed_without_destroy_lets_go_of_the_object(module, gp, cluster) -> None:
    module(template("legacy", name="legacy") + template("kept", name="kept"), stack="moves")
    applied(gp)
    removed = "\nremoved {\n  from = workflow_template.legacy\n  lifecycle {\n    destroy = false\n  }\n}\n"
    module(template("kept", name="kept") + removed, stack="moves")
    _, out, _ = gp("plan")
    assert "# workflow_template.legacy will no longer be managed; it stays" in out, out
    assert "1 forgotten" in applied(gp)
    legacy = cluster.get("WorkflowTemplate", "legacy")
    meta = legacy["metadata"]
    assert "gp.dev/stack" not in (meta.get("labels") or {})
    assert "app.kubernetes.io/managed-by" not in (meta.get("labels") or {})
    assert "gp.dev/address" not in (meta.get("annotations") or {})
    # gp no longer owns its fields: whoever applies it next does not conflict with gp.
    assert "gp" not in {m.get("manager") for m in meta.get("managedFields") or []}
    assert legacy["spec"]["templates"]
    assert record_addresses(cluster.record("moves")) == ["workflow_template.kept"]
    clean(gp)


def test_state_commands_keep_a_backup_configmap(module, gp, cluster, kube) -> None:
    module(template("a", name="a") + template("b", name="b"), stack="moves")
    applied(gp)
    core = client.CoreV1Api(kube)
    code, out, err = gp("state", "mv", "workflow_template.a", "workflow_template.c")
    assert code == 0, err
    assert cluster.get("WorkflowTemplate", "a")["metadata"]["annotations"]["gp.dev/address"] == (
        "workflow_template.c"
    )
    backup = core.read_namespaced_config_map("gp-backup-moves", cluster.ns)
    assert "gp.dev/stack" not in (backup.metadata.labels or {})
    assert sorted(
        o["address"] for o in json.loads(backup.data["record.json"])["objects"].values()
    ) == ["workflow_template.a", "workflow_template.b"]

    code, out, err = gp("state", "rm", "workflow_template.b")
    assert code == 0, err
    assert "gp.dev/stack" not in (
        cluster.get("WorkflowTemplate", "b")["metadata"].get("labels") or {}
    )
    assert record_addresses(cluster.record("moves")) == ["workflow_template.c"]
    code, out, err = gp("state", "show", "workflow_template.b")
    assert code == 1 and 'did you mean "workflow_template.c"?' in err, err

    code, out, err = gp("state", "restore")
    assert code == 0, err
    # The record before the rm is back, and b's marks with it.
    assert record_addresses(cluster.record("moves")) == [
        "workflow_template.b",
        "workflow_template.c",
    ]
    assert cluster.get("WorkflowTemplate", "b")["metadata"]["labels"]["gp.dev/stack"] == "moves"
    assert gp("state", "list")[1].splitlines() == ["workflow_template.b", "workflow_template.c"]
    # The module still says a: the plan moves c back to it.
    code, out, _ = gp("plan", "--detailed-exitcode")
    assert code == 2 and "# workflow_template.c has moved to workflow_template.a" in out, out
