from __future__ import annotations

import pytest

from gp.errors import DiagnosticsError

MAIN = """
variable "image" {
  type    = string
  default = "default"
}
variable "replicas" {
  type    = number
  default = 1
}
variable "tags" {
  type    = list(string)
  default = []
}
output "image" { value = var.image }
output "replicas" { value = var.replicas }
output "tags" { value = var.tags }
"""


def outputs(module):
    return {k: v.value for k, v in module.outputs.items()}


def test_defaults(load):
    assert outputs(load({"main.gp.hcl": MAIN})) == {"image": "default", "replicas": 1, "tags": []}


def test_precedence_env_then_files_then_command_line(load, tmp_path):
    extra = tmp_path / "extra.hcl"
    extra.write_text('image = "from-var-file"\nreplicas = 4\n')
    files = {
        "main.gp.hcl": MAIN,
        "gp.vars.hcl": 'image = "from-gp-vars"\ntags = ["g"]\n',
        "b.auto.vars.hcl": 'image = "from-b-auto"\n',
        "a.auto.vars.hcl": 'image = "from-a-auto"\nreplicas = 2\n',
    }
    env = {"GP_VAR_image": "from-env", "GP_VAR_replicas": "9", "GP_VAR_tags": '["e1", "e2"]'}
    m = load(files, env=env)
    assert outputs(m) == {"image": "from-b-auto", "replicas": 2, "tags": ["g"]}
    m = load(
        files,
        env=env,
        var_order=[("var", "image=cli1"), ("file", str(extra)), ("var", "replicas=5")],
    )
    assert outputs(m) == {"image": "from-var-file", "replicas": 5, "tags": ["g"]}
    m = load(files, env=env, var_files=[extra], vars=[("image", "cli")])
    assert outputs(m)["image"] == "cli"


def test_env_values_are_parsed_as_hcl_unless_string(load):
    m = load(
        {"main.gp.hcl": MAIN}, env={"GP_VAR_image": '["not parsed"]', "GP_VAR_tags": '["a", 1]'}
    )
    assert outputs(m)["image"] == '["not parsed"]'
    assert outputs(m)["tags"] == ["a", "1"]


def test_type_error_names_variable(load):
    with pytest.raises(DiagnosticsError) as info:
        load({"main.gp.hcl": MAIN}, vars=[("replicas", '"many"')])
    assert 'Invalid value for variable "replicas": a number is required' in str(info.value)


def test_required_variable_missing(load):
    with pytest.raises(DiagnosticsError) as info:
        load({"main.gp.hcl": 'variable "x" {}\n'})
    (d,) = info.value.diagnostics
    assert d.message == 'No value for required variable "x"'
    assert (d.pos.line, d.pos.col) == (1, 1)


def test_undeclared_cli_variable(load):
    with pytest.raises(DiagnosticsError, match='undeclared variable "imag"; did you mean "image"'):
        load({"main.gp.hcl": MAIN}, vars=[("imag", "x")])


def test_validation_and_nullable(load):
    src = """
variable "n" {
  type     = number
  nullable = false
  default  = 3
  validation {
    condition     = var.n < 10
    error_message = "n must be below 10."
  }
}
output "n" { value = var.n }
"""
    assert outputs(load({"main.gp.hcl": src}, vars=[("n", "null")])) == {"n": 3}
    with pytest.raises(DiagnosticsError) as info:
        load({"main.gp.hcl": src}, vars=[("n", "12")])
    (d,) = info.value.diagnostics
    assert d.message == 'Invalid value for variable "n": n must be below 10.'
    assert d.pos.line == 7


def test_sensitive_values_are_collected_marked_and_masked(load):
    src = """
variable "token" {
  type      = string
  sensitive = true
}
locals { header = "Bearer ${var.token}" }
workflow_template "w" {
  annotations = { auth = local.header }
  labels      = { plain = "x" }
}
"""
    m = load({"main.gp.hcl": src}, vars=[("token", "s3cr3t-value")])
    assert "s3cr3t-value" in m.sensitive_values
    body = m.objects[0].body
    assert body.attrs["annotations"].sensitive is True
    assert body.attrs["labels"].sensitive is False
    bad = src + 'locals { boom = regex("zzz", var.token) + tonumber(var.token) }\n'
    with pytest.raises(DiagnosticsError) as info:
        load({"main.gp.hcl": bad}, vars=[("token", "s3cr3t-value")])
    assert "s3cr3t-value" not in str(info.value)


@pytest.mark.parametrize(
    "kwargs, origin",
    [
        ({"var_order": [("var", "port=abc")]}, "--var port"),
        ({"env": {"GP_VAR_port": "abc"}}, "GP_VAR_port"),
    ],
)
def test_bad_command_line_value_names_the_variable_and_its_origin(load, kwargs, origin):
    files = {"main.gp.hcl": 'variable "port" {\n  type = number\n}\n'}
    with pytest.raises(DiagnosticsError) as err:
        load(files, **kwargs)
    (diag,) = err.value.diagnostics
    assert diag.message.startswith(f'Invalid value for variable "port" from {origin}: ')
    assert "non-string variables take HCL values" in diag.message
