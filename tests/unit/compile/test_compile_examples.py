"""Every example module compiles cleanly and its objects satisfy Argo's API schema: hera's
models always, and the corpus's `schema.json` (Argo's own) when the corpus is present."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hcl_builders import a, decl, module

from gp.compile.compiler import compile_object
from gp.compile.module import compile_module, validate_module
from gp.compile.schema import object_model

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = sorted(
    p for p in (ROOT / "examples").glob("*") if p.is_dir() and any(p.glob("*.gp.hcl"))
)


def compiled_example(path: Path):
    from gp.config import load_module

    return compile_module(load_module(path, compile_object=compile_object, env={}))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_validates_against_hera_models(example: Path):
    objects = compiled_example(example)
    assert objects, f"{example.name} declares no objects"
    for obj in objects:
        model = object_model(obj.ref.kind)
        dumped = model.model_validate(obj.manifest).model_dump(by_alias=True, exclude_none=True)
        # nothing the compiler wrote was dropped by the model, i.e. no field unknown to Argo
        assert dumped == obj.manifest


@pytest.fixture(scope="module")
def argo_schema(corpus_dir: Path):
    jsonschema = pytest.importorskip("jsonschema")
    doc = json.loads((corpus_dir / "schema.json").read_text())
    # The generated JSON schema types IntOrString as a string only; Argo (and its CRDs, with
    # x-kubernetes-int-or-string) take either.
    doc["definitions"]["io.k8s.apimachinery.pkg.util.intstr.IntOrString"] = {
        "type": ["string", "integer"]
    }

    def validator(kind: str):
        ref = {
            "$ref": f"#/definitions/io.argoproj.workflow.v1alpha1.{kind}",
            "definitions": doc["definitions"],
        }
        return jsonschema.Draft202012Validator(ref)

    return validator


@pytest.mark.corpus
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_validates_against_argo_schema_json(example: Path, argo_schema):
    for obj in compiled_example(example):
        errors = [
            f"{list(e.absolute_path)}: {e.message}"
            for e in argo_schema(obj.ref.kind).iter_errors(obj.manifest)
        ]
        assert errors == [], f"{obj.address}"


@pytest.mark.corpus
def test_argo_examples_pass_as_manifest_blocks(corpus_dir: Path):
    failing = {}
    for path in sorted((corpus_dir / "examples").rglob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if not isinstance(doc, dict) or doc.get("apiVersion") != "argoproj.io/v1alpha1":
                continue
            doc.setdefault("metadata", {}).setdefault("name", "generated")
            diags = validate_module(module(decl("manifest", "x", a("content", doc))))
            if diags:
                failing[path.name] = [str(d) for d in diags]
    assert failing == {}
