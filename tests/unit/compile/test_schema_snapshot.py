"""The vocabulary written to gp/compile/schema_data.py is what hera's models say, and compiling
with it makes what compiling with the models makes; a finding of the schema check is reused
only for a manifest of the same shape."""

from __future__ import annotations

import copy

from gp.compile import schema_data
from gp.compile.checks import schema_errors
from gp.compile.schema import SchemaNode, node, schema_for, vocabulary
from gp.compile.schema_shape import TEXT, shape
from gp.compile.schema_snapshot import build, fingerprint


def test_the_written_vocabulary_is_current():
    """After a hera upgrade or an edit of the schema code: python3 scripts/schema_snapshot.py"""
    assert schema_data.SNAPSHOT["fingerprint"] == fingerprint()
    assert schema_data.SNAPSHOT == build()
    assert vocabulary() is not None


def describe(n: SchemaNode, depth: int = 3) -> dict:
    out = {}
    for hcl, f in sorted(n.fields.items()):
        child = describe(f.child, depth - 1) if f.child is not None and depth else None
        out[hcl] = (f.argo_name, f.kind, f.scalar, f.required, child, n.block_name(f))
    return out


def test_its_nodes_are_the_models_nodes():
    from hera.workflows import models

    for name in ("WorkflowSpec", "CronWorkflowSpec", "Template", "DAGTask", "WorkflowStep"):
        written, live = node(name), schema_for(getattr(models, name))
        assert type(written) is not SchemaNode  # served from the table
        assert written.name == live.name
        assert describe(written) == describe(live)
        for word in ("toleration", "env", "volumes", "hook", "template", "parameter"):
            ours, theirs = written.repeated(word), live.repeated(word)
            assert (ours and ours.argo_name) == (theirs and theirs.argo_name)
            assert written.closest(word) == live.closest(word)


MANIFEST = {
    "apiVersion": "argoproj.io/v1alpha1",
    "kind": "WorkflowTemplate",
    "metadata": {"name": "t", "labels": {"a": "b"}},
    "spec": {
        "entrypoint": "main",
        "templates": [
            {
                "name": "main",
                "container": {"image": "busybox:1", "args": ["x"], "imagePullPolicy": "Always"},
                "retryStrategy": {"limit": 2},
            }
        ],
    },
}


def test_a_changed_string_keeps_the_shape_and_the_findings():
    edited = copy.deepcopy(MANIFEST)
    edited["spec"]["templates"][0]["container"]["image"] = "alpine:3"
    edited["spec"]["templates"][0]["container"]["args"] = ["y"]
    assert shape("WorkflowTemplate", edited) == shape("WorkflowTemplate", MANIFEST)
    assert shape("WorkflowTemplate", MANIFEST)["spec"]["templates"][0]["container"]["image"] == TEXT
    assert schema_errors("WorkflowTemplate", edited) == schema_errors("WorkflowTemplate", MANIFEST)


def test_what_validation_reads_stays_in_the_shape():
    def with_container(**fields):
        m = copy.deepcopy(MANIFEST)
        m["spec"]["templates"][0]["container"].update(fields)
        return m

    base = shape("WorkflowTemplate", MANIFEST)
    # A value of another type, a boolean field's string, a list's length: each is kept.
    for changed in (
        with_container(image=5),
        with_container(stdin="maybe"),
        with_container(args=["x", {"not": "a string"}]),
    ):
        assert shape("WorkflowTemplate", changed) != base
        assert schema_errors("WorkflowTemplate", changed)
    retry = copy.deepcopy(MANIFEST)
    retry["spec"]["templates"][0]["retryStrategy"]["limit"] = "two"  # an int-or-string: kept
    assert shape("WorkflowTemplate", retry)["spec"]["templates"][0]["retryStrategy"] == {
        "limit": "two"
    }
