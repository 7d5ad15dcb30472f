"""Every field of Argo's own schema.json, reachable from a WorkflowSpec or a CronWorkflowSpec,
is known to gp's vocabulary (hera's models plus gp/compile/argo_newer.py), by Argo's name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gp.compile import schema

pytestmark = pytest.mark.corpus

ARGO = "io.argoproj.workflow.v1alpha1."


def _unknown_fields(defs: dict, def_name: str, node, seen: set) -> list[str]:
    if def_name in seen or node is None:
        return []
    seen.add(def_name)
    missing = []
    for prop, spec in defs[def_name].get("properties", {}).items():
        field = node.by_argo_name(prop)
        if field is None:
            missing.append(f"{def_name.rsplit('.', 1)[-1]}.{prop}")
            continue
        ref = spec.get("$ref") or spec.get("items", {}).get("$ref")
        if not ref and isinstance(spec.get("additionalProperties"), dict):
            ref = spec["additionalProperties"].get("$ref")
        if ref:
            missing += _unknown_fields(defs, ref.rsplit("/", 1)[-1], field.child, seen)
    return missing


@pytest.mark.parametrize(
    "root, node",
    [("WorkflowSpec", schema.workflow_spec), ("CronWorkflowSpec", schema.cron_workflow_spec)],
)
def test_every_argo_field_is_known(corpus_dir: Path, root: str, node):
    defs = json.loads((corpus_dir / "schema.json").read_text())["definitions"]
    seen: set = set()
    missing = _unknown_fields(defs, ARGO + root, node(), seen)
    assert len(seen) > 50  # the walk really went deep (Template, Container, volumes, ...)
    assert missing == []


def test_newer_fields_compile_to_argo_names():
    spec = schema.workflow_spec()
    assert spec.field("pod_resources").argo_name == "podResources"
    claims = spec.field("resource_claims")
    assert claims.kind is schema.FieldKind.LIST_OF_MODEL
    assert (
        claims.child.field("resource_claim_template_name").argo_name == "resourceClaimTemplateName"
    )
    plugin = spec.field("executor_plugins").child
    assert (
        plugin.field("spec")
        .child.field("sidecar")
        .child.field("container")
        .child.field("image")
        .argo_name
        == "image"
    )
    assert schema.template().field("pending_timeout").argo_name == "pendingTimeout"
