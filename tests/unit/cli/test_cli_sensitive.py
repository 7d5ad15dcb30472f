"""Values derived from a sensitive variable stay masked in everything gp prints: plan (text,
JSON, markdown), show of a saved plan, apply, and validate's errors (text and --json). The
objects gp writes (and `gp render`) hold the real values."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from cli_helpers import GP, module

SECRET = "hunter2-very-secret"

HEAD = f"""
variable "token" {{
  type      = string
  sensitive = true
  default   = "{SECRET}"
}}

locals {{
  conf = {{ user = "app-user", password = var.token }}
  tail = trimprefix(var.token, "hunter2-")
}}
"""

CHILD = """
variable "secret" {
  type = string
}
output "url" {
  value = "postgres://u:${replace(var.secret, "-", "_")}@db"
}
"""

# (expression for an env value, the text it evaluates to). Each transforms the secret, so
# the exact value of the variable never appears: only the mark can tell the result is secret.
DERIVED = {
    "upper": ("upper(var.token)", SECRET.upper()),
    "substr": ("substr(var.token, 0, 12)", SECRET[:12]),
    "base64encode": ("base64encode(var.token)", base64.b64encode(SECRET.encode()).decode()),
    "format": ('format("%.12s|%s", var.token, "x")', SECRET[:12] + "|x"),
    "template": ('"%{ for p in split("-", var.token) }${p}/%{ endfor }"', "hunter2/very/secret/"),
    "jsonencode": ('jsonencode(split("-", var.token))', '["hunter2","very","secret"]'),
    "local": ("local.tail", "very-secret"),
    "module_output": ("module.child.url", "postgres://u:hunter2_very_secret@db"),
    "conditional": ('var.token == "" ? "no-token-given" : "token-is-given"', "token-is-given"),
    "for": ('join("+", [for p in split("-", var.token) : p])', "hunter2+very+secret"),
    "strrev": ("strrev(var.token)", SECRET[::-1]),
}


def derived_module(tmp_path: Path, expr: str) -> Path:
    body = (
        HEAD
        + f"""
module "child" {{
  source = "./child"
  secret = var.token
}}

workflow_template "t" {{
  step "a" {{
    container {{
      image = "busybox"
      env   = {{ TOKEN = {expr}, USER = local.conf.user }}
    }}
  }}
}}
"""
    )
    root = module(tmp_path, body)
    (root / "child").mkdir()
    (root / "child" / "main.gp.hcl").write_text(CHILD)
    return root


@pytest.mark.parametrize("name", sorted(DERIVED))
def test_derived_values_are_masked_in_plans_show_and_apply(
    gp: GP, tmp_path: Path, name: str
) -> None:
    expr, value = DERIVED[name]
    root = derived_module(tmp_path, expr)
    rendered = gp("render", "-C", root)
    assert rendered.code == 0 and value in rendered.out, rendered  # the object holds the value
    # --verbose: a create shows its shape alone by default, not the field that holds the secret.
    for fmt in ("text", "json", "markdown"):
        run = gp("plan", "-C", root, "--format", fmt, "--no-color", "--verbose")
        assert run.code == 0, run
        assert value not in run.out + run.err, (fmt, run)
        assert "(sensitive value)" in run.out and "app-user" in run.out, (fmt, run)
    saved = tmp_path / "plan.json"
    assert gp("plan", "-C", root, "--out", saved).code == 0
    for fmt in ("text", "json", "markdown"):
        shown = gp("show", saved, "--format", fmt, "--no-color", "--verbose")
        assert shown.code == 0 and value not in shown.out, (fmt, shown)
        assert "(sensitive value)" in shown.out and "app-user" in shown.out, (fmt, shown)
    applied = gp("apply", "-C", root, "--auto-approve", "--no-color")
    assert applied.code == 0 and value not in applied.out + applied.err, applied
    assert "workflow_template.t will be created" in applied.out
    written = (root / "deploy" / "pipeline" / "workflowtemplate" / "t.yaml").read_text()
    assert value in written or json.dumps(value)[1:-1] in written


def test_json_plan_lists_the_sensitive_paths(gp: GP, tmp_path: Path) -> None:
    root = derived_module(tmp_path, "upper(var.token)")
    data = json.loads(gp("plan", "-C", root, "--format", "json").out)
    (change,) = data["resource_changes"]
    assert change["change"]["sensitive"] == ['spec.templates["a"].container.env["TOKEN"].value']
    env = change["change"]["after"]["spec"]["templates"][1]["container"]["env"]
    assert env == [
        {"name": "TOKEN", "value": "(sensitive value)"},
        {"name": "USER", "value": "app-user"},
    ]


def test_a_later_plan_masks_the_old_value_and_a_deleted_object(gp: GP, tmp_path: Path) -> None:
    """The record keeps the marks: the value being replaced, and an object leaving the
    configuration, are masked although the configuration no longer holds their secret."""
    root = derived_module(tmp_path, "upper(var.token)")
    assert gp("apply", "-C", root, "--auto-approve").code == 0
    main = root / "main.gp.hcl"
    main.write_text(main.read_text().replace(f'"{SECRET}"', '"another-secret-value"'))
    run = gp("plan", "-C", root, "--no-color")
    assert SECRET.upper() not in run.out and "ANOTHER-SECRET-VALUE" not in run.out, run
    assert '"(sensitive value)" -> "(sensitive value)"' in run.out
    main.write_text(main.read_text().replace('workflow_template "t"', 'workflow_template "u"'))
    run = gp("plan", "-C", root, "--no-color")
    assert "workflow_template.t will be destroyed" in run.out
    assert SECRET.upper() not in run.out, run


ERRORS = {
    # A function's error quoting a value computed from the secret.
    "function": ("env = { N = parseint(upper(var.token), 10) }", SECRET.upper()),
    # An index into a map by a key computed from the secret.
    "index": ('env = { N = { a = "b" }[upper(var.token)] }', SECRET.upper()),
    # A compile error quoting a field's value: an invalid schedule derived from the secret.
    "compile": ("schedule = upper(var.token)", SECRET.upper()),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_validate_errors_do_not_quote_derived_values(gp: GP, tmp_path: Path, name: str) -> None:
    line, value = ERRORS[name]
    if name == "compile":
        body = (
            HEAD
            + f"""
workflow_template "t" {{
  step "a" {{
    container {{
      image = "busybox"
    }}
  }}
}}

cron_workflow "c" {{
  {line}
  workflow_template = workflow_template.t
}}
"""
        )
    else:
        body = (
            HEAD
            + f"""
workflow_template "t" {{
  step "a" {{
    container {{
      image = "busybox"
      {line}
    }}
  }}
}}
"""
        )
    root = module(tmp_path, body)
    run = gp("validate", "-C", root, "--no-color")
    assert run.code == 1 and "Error: main.gp.hcl:" in run.err, run
    assert value not in run.out + run.err, run
    as_json = gp("validate", "-C", root, "--json")
    assert as_json.code == 1 and value not in as_json.out + as_json.err, as_json
    assert json.loads(as_json.out)["diagnostics"], as_json
    plan = gp("plan", "-C", root)
    assert plan.code == 1 and value not in plan.out + plan.err, plan


def test_validation_message_built_from_the_secret_is_withheld(gp: GP, tmp_path: Path) -> None:
    body = f"""
variable "token" {{
  type      = string
  sensitive = true
  default   = "{SECRET}"
  validation {{
    condition     = length(var.token) > 40
    error_message = "The token ${{upper(var.token)}} is too short."
  }}
}}
"""
    run = gp("validate", "-C", module(tmp_path, body))
    assert run.code == 1 and SECRET.upper() not in run.err, run
    assert "The token (sensitive value) is too short." in run.err, run


def test_the_record_keeps_a_fingerprint_not_the_value_and_still_sees_drift(
    gp: GP, tmp_path: Path
) -> None:
    root = derived_module(tmp_path, "upper(var.token)")
    assert gp("apply", "-C", root, "--auto-approve").code == 0
    record = next((root / "deploy" / ".gp").glob("*.json")).read_text()
    assert SECRET.upper() not in record and SECRET not in record
    assert '"value": "gp-sha256:' in record and '"value": "app-user"' in record
    assert "No changes" in gp("plan", "-C", root, "--no-color").out  # sealed both sides
    deployed = root / "deploy" / "pipeline" / "workflowtemplate" / "t.yaml"
    deployed.write_text(deployed.read_text().replace(SECRET.upper(), "CHANGED-BY-HAND"))
    run = gp("plan", "-C", root, "--no-color")
    assert "workflow_template.t has changed" in run.out, run
    assert 'container.env "TOKEN"' in run.out and "CHANGED-BY-HAND" not in run.out, run


def test_validate_warns_where_a_sensitive_value_is_written_in_plain_text(
    gp: GP, tmp_path: Path
) -> None:
    root = derived_module(tmp_path, "upper(var.token)")
    run = gp("validate", "-C", root, "--no-color")
    assert run.code == 0, run
    assert (
        'Warning: main.gp.hcl:30:7: a sensitive value is written in plain text at spec.templates["a"]'
        '.container.env["TOKEN"].value'
    ) in run.err, run
    assert "value_from { secret_key_ref" in run.err and SECRET.upper() not in run.err
