from __future__ import annotations

import pytest

from gp.config.objects_eval import REF_KEY
from gp.errors import DiagnosticsError

CHILD = """
variable "tile" { type = string }
variable "template" {}
cron_workflow "tile" {
  name              = "tile-${lower(var.tile)}"
  schedules         = ["0 3 * * *"]
  workflow_template = var.template
}
output "name" { value = cron_workflow.tile.name }
"""


def test_objects_count_for_each_and_references(load):
    root = """
gp { stack = "geo" }
provider "directory" {
  path      = "deploy"
  namespace = "pipeline"
}
workflow_template "tile" {
  step "a" {
    container { image = "x" }
  }
}
workflow_template "copy" {
  count = 2
  name  = "copy-${count.index}"
}
module "sched" {
  source   = "./child"
  for_each = toset(["T10UDV", "T11UNQ"])
  tile     = each.key
  template = workflow_template.tile
}
output "names" { value = [for m in module.sched : m.name] }
output "copies" { value = workflow_template.copy[*].name }
"""
    m = load({"main.gp.hcl": root, "child/main.gp.hcl": CHILD})
    assert (
        m.stack == "geo" and m.provider.kind == "directory" and m.provider.namespace == "pipeline"
    )
    assert [o.address for o in m.objects] == [
        "workflow_template.tile",
        "workflow_template.copy[0]",
        "workflow_template.copy[1]",
        'module.sched["T10UDV"].cron_workflow.tile',
        'module.sched["T11UNQ"].cron_workflow.tile',
    ]
    cron = m.objects[3]
    assert cron.references == ("workflow_template.tile",)
    ref = cron.body.attrs["workflow_template"].value
    assert ref[REF_KEY] == "workflow_template.tile"
    assert (ref["name"], ref["namespace"], ref["kind"]) == ("tile", "pipeline", "workflow_template")
    assert m.outputs["names"].value == ["tile-t10udv", "tile-t11unq"]
    assert m.outputs["copies"].value == ["copy-0", "copy-1"]
    step = m.objects[0].body.blocks_of("step")[0]
    assert step.labels == ("a",) and step.blocks[0].attrs["image"].value == "x"
    assert m.objects[0].body.attrs == {}


def test_manifest_reference_uses_compile_callback(load):
    calls = []

    def compile_object(decl, provider, stack):
        calls.append((decl.address, provider.kind, stack))
        return {"kind": "WorkflowTemplate", "metadata": {"name": decl.label}}

    src = """
workflow_template "a" {}
manifest "b" {
  content = { copied = workflow_template.a.manifest.metadata.name }
}
"""
    m = load({"main.gp.hcl": src}, compile_object=compile_object)
    assert m.objects[1].body.attrs["content"].value == {"copied": "a"}
    assert calls[0] == ("workflow_template.a", "kubernetes", "root")


def test_lifecycle_and_dynamic_blocks(load):
    src = """
workflow_template "w" {
  lifecycle {
    prevent_destroy = true
    ignore_changes  = [spec.suspend, "metadata.labels", spec.templates["main"].container]
  }
  dynamic "toleration" {
    for_each = ["a", "b"]
    content {
      key = toleration.value
    }
  }
}
"""
    (obj,) = load({"main.gp.hcl": src}).objects
    assert obj.lifecycle.prevent_destroy is True
    assert obj.lifecycle.ignore_changes == (
        "spec.suspend",
        "metadata.labels",
        'spec.templates["main"].container',
    )
    assert [b.attrs["key"].value for b in obj.body.blocks_of("toleration")] == ["a", "b"]
    assert "lifecycle" not in [b.type for b in obj.body.blocks]


def test_cycle_is_reported_with_its_path(load):
    with pytest.raises(DiagnosticsError) as info:
        load({"main.gp.hcl": "locals {\n  a = local.b\n  b = local.a\n}\n"})
    (d,) = info.value.diagnostics
    assert d.message == "Cycle: local.a -> local.b -> local.a"
    assert (d.pos.line, d.pos.col) == (3, 7)


def test_errors_are_collected_with_positions_and_suggestions(load):
    src = """variable "image" { default = "x" }
locals {
  a = var.imag
  b = local.nope
}
workflow_template "w" {
  labels = { x = module.missing.out }
  image  = upper(var.image)
}
bogus "x" {}
"""
    with pytest.raises(DiagnosticsError) as info:
        load({"main.gp.hcl": src})
    got = [(d.pos.line, d.pos.col, d.message) for d in info.value.diagnostics]
    assert got == [
        (3, 7, 'Unknown variable "var.imag"; did you mean "var.image"?'),
        (4, 7, 'Unknown local value "local.nope"'),
        (7, 18, 'Unknown module "module.missing"'),
        (10, 1, 'Unsupported block type "bogus"'),
    ]
    assert all(d.pos.file.endswith("main.gp.hcl") for d in info.value.diagnostics)


def test_syntax_errors_in_several_files(load):
    with pytest.raises(DiagnosticsError) as info:
        load({"a.gp.hcl": "locals {\n  a = 1 1\n}\n", "b.gp.hcl": 'x = "${'})
    got = [(d.pos.file.rsplit("/", 1)[-1], d.pos.line, d.pos.col) for d in info.value.diagnostics]
    # b.gp.hcl's mistake is the "${" that nothing closes, not the end of the file
    assert got == [("a.gp.hcl", 2, 9), ("b.gp.hcl", 1, 6)]


@pytest.mark.parametrize(
    "src,message",
    [
        (
            'provider "kubernetes" {}\nprovider "directory" { path = "d" }\n',
            "Only one provider block",
        ),
        ('provider "aws" {}\n', 'Unknown provider "aws"'),
        ('workflow_template "a" {}\nworkflow_template "a" {}\n', 'Duplicate workflow_template "a"'),
        (
            'workflow_template "a" {\n  count = 1\n  for_each = {}\n}\n',
            "sets both count and for_each",
        ),
        ('workflow_template "a" {\n  for_each = [1]\n}\n', "Invalid for_each"),
        (
            'cron_workflow "c" {\n  workflow_template = workflow_template.tmpl\n}\nworkflow_template "tpl" {}\n',
            'Unknown workflow_template "workflow_template.tmpl"; did you mean "workflow_template.tpl"?',
        ),
        ('module "m" {\n  source = "./nope"\n}\n', 'Module source "./nope" is not a directory'),
        (
            'output "o" { value = each.key }\n',
            '"each" can only be used in a block that sets for_each',
        ),
    ],
)
def test_module_errors(load, src, message):
    with pytest.raises(DiagnosticsError) as info:
        load({"main.gp.hcl": src})
    assert message in str(info.value)


def test_module_input_errors(load):
    with pytest.raises(DiagnosticsError) as info:
        load(
            {
                "main.gp.hcl": 'module "c" {\n  source = "./child"\n  tiel = "x"\n}\n',
                "child/main.gp.hcl": CHILD,
            }
        )
    text = str(info.value)
    assert 'Unsupported argument "tiel"' in text and 'did you mean "tile"' in text
    assert 'No value for required variable "tile"' in text


def test_examples_load(repo_root):
    examples = sorted(p for p in (repo_root / "examples").glob("*") if list(p.glob("*.gp.hcl")))
    assert len(examples) >= 5
    from gp.config import load_module

    for ex in examples:
        module = load_module(ex, env={})
        assert module.objects, ex
