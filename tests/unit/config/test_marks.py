"""Sensitivity is a mark carried by values through every expression (gp.config.marks), and
the compiler turns the marks on attributes into manifest paths; renderers mask by path
alone, without knowing any secret text."""

from __future__ import annotations

import pytest

from gp.compile import compile_module
from gp.planner.plan import Action, FieldDiff, Mode, PlanData, ResourceChange, Target
from gp.render.json import plan_json
from gp.render.text import render_plan

HEAD = """
variable "token" {
  type      = string
  sensitive = true
  default   = "hunter2-secret"
}
variable "plain" {
  type    = string
  default = "visible"
}
locals {
  conf = { user = "app", password = var.token }
}
"""


def env_marks(load, expr: str) -> tuple:
    src = HEAD + f'workflow_template "w" {{\n  annotations = {{ a = {expr} }}\n}}\n'
    m = load({"main.gp.hcl": src})
    return m.objects[0].body.attrs["annotations"].marks


@pytest.mark.parametrize(
    "expr",
    [
        "upper(var.token)",
        "substr(var.token, 1, 3)",
        "base64encode(var.token)",
        'format("%s!", var.token)',
        '"x-${var.token}"',
        "jsonencode(local.conf)",
        "local.conf.password",
        'var.token == "" ? "a" : "b"',
        "[for c in [1] : var.token][0]",
        'length(var.token) > 3 ? "y" : "n"',
        '!(var.token == "")',
        "length(var.token) + 1",
        '{ k = var.token }["k"]',
        'sensitive("lit")',
        '"%{ if var.token != "" }yes%{ endif }"',
        # Functions see plain values, so a marked part of an argument marks the whole result.
        'lookup(local.conf, "user")',
    ],
)
def test_derived_values_are_marked(load, expr):
    assert env_marks(load, expr) == (("a",),)


@pytest.mark.parametrize(
    "expr",
    [
        "var.plain",
        "upper(var.plain)",
        "local.conf.user",
        "nonsensitive(var.token)",
        'length([for c in ["x"] : c])',
        '[for k, v in local.conf : v if k == "user"][0]',
    ],
)
def test_plain_values_are_not_marked(load, expr):
    assert env_marks(load, expr) == ()


def test_only_the_marked_elements_of_a_collection_are_marked(load):
    src = (
        HEAD
        + """workflow_template "w" {
  step "a" {
    container {
      image = "busybox"
      args  = ["plain", upper(var.token)]
      env   = local.conf
    }
  }
}
"""
    )
    m = load({"main.gp.hcl": src})
    container = m.objects[0].body.blocks[0].blocks[0]
    assert container.attrs["args"].marks == ((1,),)
    assert container.attrs["env"].marks == (("password",),)
    (obj,) = compile_module(m)
    base = ("spec", "templates", 1, "container")
    assert obj.sensitive_paths == ((*base, "args", 1), (*base, "env", 1, "value"))


def test_module_outputs_carry_marks_and_sensitive_outputs_mark(load):
    files = {
        "main.gp.hcl": HEAD
        + """module "c" {
  source = "./c"
  secret = var.token
}
workflow_template "w" {
  annotations = { a = module.c.derived, b = module.c.declared, c = module.c.plain }
}
""",
        "c/main.gp.hcl": """variable "secret" {
  type = string
}
output "derived" {
  value = "pre-${var.secret}"
}
output "declared" {
  value     = "not-secret-but-declared"
  sensitive = true
}
output "plain" {
  value = "open"
}
""",
    }
    m = load(files)
    assert sorted(m.objects[0].body.attrs["annotations"].marks) == [("a",), ("b",)]


def test_sensitive_for_each_and_count_are_refused(load):
    from gp.errors import DiagnosticsError

    for meta in ("count = length(var.token)", "for_each = toset([var.token])"):
        src = HEAD + f'workflow_template "w" {{\n  {meta}\n}}\n'
        with pytest.raises(DiagnosticsError) as info:
            load({"main.gp.hcl": src})
        assert "sensitive value cannot be used" in str(info.value)


def test_a_sensitive_name_is_refused(load):
    from gp.compile.module import validate_module

    m = load(
        {
            "main.gp.hcl": HEAD + 'workflow_template "w" {\n  name = lower(var.token)\n'
            '  step "a" {\n    container {\n      image = "x"\n    }\n  }\n}\n'
        }
    )
    assert any('"name" cannot be sensitive' in d.message for d in validate_module(m))


TARGET = Target("directory", "pipeline", "/tmp/x")


def _plan(change: ResourceChange) -> PlanData:
    return PlanData("geo", TARGET, Mode.NORMAL, (change,))


def test_renderers_mask_by_path_without_knowing_the_secret():
    from gp.compile.objects import ObjectRef

    ref = ObjectRef("argoproj.io/v1alpha1", "WorkflowTemplate", "pipeline", "w")
    before = {
        "spec": {
            "templates": [
                {
                    "name": "a",
                    "container": {
                        "env": [
                            {"name": "TOKEN", "value": "OLD-SECRET"},
                            {"name": "USER", "value": "app"},
                        ]
                    },
                }
            ]
        }
    }
    after = {
        "spec": {
            "templates": [
                {
                    "name": "a",
                    "container": {
                        "env": [
                            {"name": "TOKEN", "value": "NEW-SECRET"},
                            {"name": "USER", "value": "root"},
                        ]
                    },
                }
            ]
        }
    }
    fields = (
        FieldDiff('spec.templates["a"].container.env["TOKEN"].value', "OLD-SECRET", "NEW-SECRET"),
        FieldDiff('spec.templates["a"].container.env["USER"].value', "app", "root"),
    )
    change = ResourceChange(
        "workflow_template.w",
        ref,
        Action.UPDATE,
        None,
        before,
        after,
        "1",
        fields,
        sensitive_paths=('spec.templates["a"].container.env["TOKEN"].value',),
    )
    text = render_plan(_plan(change), color=False)
    assert "SECRET" not in text
    assert '"(sensitive value)" -> "(sensitive value)"' in text and '"app" -> "root"' in text
    data = plan_json(_plan(change))
    assert "SECRET" not in str(data) and "root" in str(data)
    # A mark on a whole list hides its items' names too: they would show in field paths.
    whole = ResourceChange(
        "workflow_template.w",
        ref,
        Action.DELETE,
        None,
        before,
        None,
        "1",
        sensitive_paths=('spec.templates["a"].container.env',),
    )
    text = render_plan(_plan(whole), color=False, verbose=True)
    assert "TOKEN" not in text and "SECRET" not in text
    assert '- container.env = "(sensitive value)" -> null' in text


def test_a_manifest_reference_carries_the_marks_of_its_fields_only(tmp_path):
    """`x.manifest` is marked where x's fields are sensitive, not as a whole: a cron naming a
    template with a secret in it shows its own fields in clear."""
    from gp.operations import Inputs, compile_inputs

    root = tmp_path / "root"
    root.mkdir()
    (root / "main.gp.hcl").write_text(
        HEAD
        + """
provider "directory" {
  path = "deploy"
}
workflow_template "t" {
  step "a" {
    container {
      image = "busybox"
      env   = { TOKEN = upper(var.token), USER = "app" }
    }
  }
}
cron_workflow "c" {
  schedule          = "0 2 * * *"
  workflow_template = workflow_template.t
}
workflow_template "copy" {
  annotations = {
    token = workflow_template.t.manifest.spec.templates[1].container.env[0].value
    user  = workflow_template.t.manifest.spec.templates[1].container.env[1].value
  }
  step "a" {
    container {
      image = "busybox"
    }
  }
}
"""
    )
    compiled = compile_inputs(Inputs(root, env={}))
    by_address = {o.address: o for o in compiled.objects}
    assert by_address["cron_workflow.c"].sensitive_paths == ()
    assert by_address["workflow_template.copy"].sensitive_paths == (
        ("metadata", "annotations", "token"),
    )
    assert "HUNTER2-SECRET" in compiled.module.sensitive_values
    assert not {"spec", "name", "busybox", "app"} & compiled.module.sensitive_values
