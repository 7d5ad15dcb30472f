"""Every object in Argo's own examples: import -> HCL -> load -> compile -> the same object."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from gp.compile.objects import ADDRESS_ANNOTATION, LABEL_PREFIX, MANAGED_BY_LABEL
from gp.importer import generate_config
from gp.importer.checked import generate_checked

_ROOT = Path(__file__).resolve().parents[2]
# ../shared beside the checkout (further up for a nested git worktree), as in tests/conftest.py.
EXAMPLES = (
    next(
        (d / "shared" for d in _ROOT.parents if (d / "shared" / "corpus").is_dir()),
        _ROOT.parent / "shared",
    )
    / "corpus"
    / "argo"
    / "examples"
)

# Files that cannot round-trip, each with its reason; they xfail strictly, so a fix shows up.
CANNOT_ROUND_TRIP: dict[str, str] = {
    "testvolume.yaml": "a PersistentVolumeClaim, not an Argo object: gp manages Argo kinds only",
}

# Argo examples kept in this repository (see argo_extra/README.md): the DAG `dependencies` list.
EXTRA = Path(__file__).resolve().parent / "argo_extra"

# How Workflow kinds compare: a Workflow is imported as a WorkflowTemplate body.
COMPILED_KIND = {"Workflow": "WorkflowTemplate"}


def _example_files() -> list[str]:
    extra = sorted(f"extra/{p.name}" for p in EXTRA.glob("*.yaml"))
    if not EXAMPLES.is_dir():
        return extra
    return sorted(str(p.relative_to(EXAMPLES)) for p in EXAMPLES.rglob("*.yaml")) + extra


def _params() -> list:
    return [
        pytest.param(rel, marks=pytest.mark.xfail(reason=CANNOT_ROUND_TRIP[rel], strict=True))
        if rel in CANNOT_ROUND_TRIP
        else rel
        for rel in _example_files()
    ]


def _load_and_compile(module_dir: Path) -> list:
    from gp.compile.module import compile_module
    from gp.config import load_module

    return [c.manifest for c in compile_module(load_module(module_dir))]


def _by_name(items: list) -> list:
    # Argo keys templates by name, so their order carries no meaning.
    return (
        sorted(items, key=lambda t: t.get("name", ""))
        if all(isinstance(t, dict) for t in items)
        else items
    )


def _normal_spec(spec: dict) -> dict:
    spec = copy.deepcopy(spec)
    for holder in (spec, spec.get("workflowSpec") or {}):
        if isinstance(holder.get("templates"), list):
            holder["templates"] = _by_name(holder["templates"])
    return spec


def _normal_meta(meta: dict, has_namespace: bool) -> dict:
    labels = {
        k: v
        for k, v in (meta.get("labels") or {}).items()
        if k != MANAGED_BY_LABEL and not k.startswith(f"{LABEL_PREFIX}/")
    }
    annotations = {
        k: v for k, v in (meta.get("annotations") or {}).items() if k != ADDRESS_ANNOTATION
    }
    out = {
        "name": meta.get("name") or meta.get("generateName", "").rstrip("-"),
        "labels": labels,
        "annotations": annotations,
    }
    if has_namespace:
        out["namespace"] = meta.get("namespace")
    return out


@pytest.mark.corpus
@pytest.mark.parametrize("rel", _params())
def test_import_round_trips(rel: str, tmp_path: Path):
    path = EXTRA / rel.removeprefix("extra/") if rel.startswith("extra/") else EXAMPLES / rel
    originals = [d for d in yaml.safe_load_all(path.read_text()) if d is not None]
    (tmp_path / "main.gp.hcl").write_text(
        generate_config(originals, source_names=[rel] * len(originals))
    )
    compiled = _load_and_compile(tmp_path)
    assert len(compiled) == len(originals)
    for original, got in zip(originals, compiled):
        assert got["kind"] == COMPILED_KIND.get(original["kind"], original["kind"])
        has_ns = "namespace" in original.get("metadata", {})
        assert _normal_meta(got["metadata"], has_ns) == _normal_meta(original["metadata"], has_ns)
        assert _normal_spec(got.get("spec", {})) == _normal_spec(original.get("spec", {}))
    # `gp import --generate-config` proves the same itself before it writes anything.
    assert generate_checked(originals, [rel] * len(originals)).text
