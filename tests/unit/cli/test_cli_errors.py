"""Every failure reaches the user as `Error: file:line:col: message` with exit 1, never a
traceback (unless GP_DEBUG=1); validate lists them all; --no-color means no escapes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from cli_helpers import GP, TEMPLATE, Run, files_under, module


def pos_of(root: Path, needle: str, col: int | None = None) -> str:
    """'file:line:col' of the first line holding ``needle`` (col: its first non-blank)."""
    path = root / "main.gp.hcl"
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if needle in line:
            column = col if col is not None else len(line) - len(line.lstrip()) + 1
            return f"main.gp.hcl:{number}:{column}"  # errors show files relative to -C
    raise AssertionError(f"{needle!r} not in {path}")


def assert_one_error(run: Run, where: str, message: str) -> None:
    assert run.code == 1, run
    assert "Traceback" not in run.err
    assert run.err.splitlines() == [f"Error: {where}: {message}"], run


def test_malformed_hcl(gp: GP, tmp_path: Path) -> None:
    root = module(tmp_path, 'workflow_template "t" {\n  step "a" {\n')
    run = gp("validate", "-C", root)
    assert run.code == 1, run
    assert re.fullmatch(r"Error: main\.gp\.hcl:\d+:\d+: .+\n", run.err), run


def test_unknown_field_suggests_the_known_one(gp: GP, tmp_path: Path) -> None:
    root = module(tmp_path, TEMPLATE.replace("image = ", "imagee = "))
    assert_one_error(
        gp("validate", "-C", root),
        pos_of(root, "imagee"),
        'unknown field "imagee" in container; did you mean "image"?',
    )


def test_depends_on_an_unknown_task_names_it(gp: GP, tmp_path: Path) -> None:
    body = TEMPLATE.replace(
        '  step "a" {',
        '  step "b" {\n    depends = "a && nope"\n'
        '    container {\n      image = "x"\n    }\n  }\n  step "a" {',
    )
    root = module(tmp_path, body)
    assert_one_error(
        gp("validate", "-C", root),
        pos_of(root, "depends"),
        'task "b" depends on unknown task "nope"',
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('schedule = "0 2 * *"', 'invalid schedule "0 2 * *"'),
        ('timezone = "Mars/Olympus"', 'unknown time zone "Mars/Olympus": expected an IANA name'),
    ],
)
def test_bad_schedule_and_time_zone(gp: GP, tmp_path: Path, line: str, message: str) -> None:
    cron = (
        'cron_workflow "c" {\n  schedule = "0 2 * * *"\n  timezone = "UTC"\n'
        "  workflow_template = workflow_template.t\n}\n"
    )
    key = line.split(" =")[0]
    cron = re.sub(rf"  {key} = .*", "  " + line, cron)
    root = module(tmp_path, TEMPLATE + cron)
    run = gp("plan", "-C", root)
    assert run.code == 1, run
    assert run.err.startswith(f"Error: {pos_of(root, line)}: {message}"), run
    assert "Traceback" not in run.err and run.out == ""


def test_unknown_reference(gp: GP, tmp_path: Path) -> None:
    root = module(tmp_path, TEMPLATE.replace('"busybox"', "var.missing"))
    assert_one_error(
        gp("render", "-C", root),
        pos_of(root, "var.missing", col=15),
        'Unknown variable "var.missing"',
    )


VALIDATED = """
variable "tile" {
  type    = string
  default = "T10UDV"
  validation {
    condition     = can(regex("^T[0-9]{2}[A-Z]{3}$", var.tile))
    error_message = "A tile id looks like T10UDV, not ${var.tile}."
  }
}

variable "token" {
  type      = string
  sensitive = true
  default   = "hunter2-very-secret"
  validation {
    condition     = length(var.token) > 12
    error_message = "The token ${var.token} is too short."
  }
}

workflow_template "t" {
  step "a" {
    container {
      image = "busybox"
      args  = [var.tile]
      env   = { TOKEN = var.token }
    }
  }
}
"""


def test_failed_variable_validation(gp: GP, tmp_path: Path) -> None:
    root = module(tmp_path, VALIDATED)
    assert_one_error(
        gp("plan", "-C", root, "--var", "tile=nowhere"),
        pos_of(root, "condition"),
        'Invalid value for variable "tile": A tile id looks like T10UDV, not nowhere.',
    )


def test_a_sensitive_value_is_never_printed(gp: GP, tmp_path: Path) -> None:
    root = module(tmp_path, VALIDATED)
    short = gp("validate", "-C", root, "--var", "token=pw-short")
    assert short.code == 1 and "pw-short" not in short.err + short.out, short
    assert "The token (sensitive value) is too short." in short.err

    secret = "hunter2-very-secret"
    for fmt in ("text", "json", "markdown"):
        run = gp("plan", "-C", root, "--format", fmt)
        assert run.code == 0 and secret not in run.out + run.err, run
    # A created object shows its shape; its every field, the masked one too, with --verbose.
    verbose = gp("plan", "-C", root, "--verbose").out
    assert "(sensitive value)" in verbose and secret not in verbose
    saved = tmp_path / "plan.json"
    gp("plan", "-C", root, "--out", saved)
    assert secret not in gp("show", saved).out
    run = gp("apply", "-C", root, "--auto-approve")
    assert run.code == 0 and secret not in run.out + run.err, run
    # apply writes the real value: masking is for people, not for the target.
    assert secret in (root / "deploy" / "pipeline" / "workflowtemplate" / "t.yaml").read_text()


def test_missing_module_dirs(gp: GP, tmp_path: Path) -> None:
    root = module(tmp_path, 'module "m" {\n  source = "./nowhere"\n}\n')
    assert_one_error(
        gp("validate", "-C", root),
        pos_of(root, "./nowhere", col=12),
        'Module source "./nowhere" is not a directory',
    )
    run = gp("validate", "-C", tmp_path / "absent")
    assert run.code == 1 and "does not exist" in run.err and str(tmp_path / "absent") in run.err, (
        run
    )


def test_an_unreachable_cluster_is_a_clear_error(gp: GP, tmp_path: Path) -> None:
    root = tmp_path / "k8s"
    root.mkdir()
    (root / "kubeconfig").write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "current-context": "dead",
                "clusters": [
                    {
                        "name": "dead",
                        "cluster": {
                            "server": "https://127.0.0.1:1",
                            "insecure-skip-tls-verify": True,
                        },
                    }
                ],
                "users": [{"name": "u", "user": {"token": "abc"}}],
                "contexts": [{"name": "dead", "context": {"cluster": "dead", "user": "u"}}],
            }
        )
    )
    (root / "main.gp.hcl").write_text(
        'gp {\n  stack = "k"\n}\n\nprovider "kubernetes" {\n  kubeconfig = "kubeconfig"\n'
        '  namespace  = "pipeline"\n}\n' + TEMPLATE
    )
    for command in (("plan",), ("show",)):
        run = gp(*command, "-C", root)
        assert run.code == 1, run
        assert run.err.startswith(
            "Error: cannot reach the Kubernetes API at https://127.0.0.1:1"
        ), run
        assert "Traceback" not in run.err


def test_a_kubeconfig_variable_naming_no_file_says_so(gp: GP, tmp_path: Path, monkeypatch) -> None:
    root = tmp_path / "k8s"
    root.mkdir()
    (root / "main.gp.hcl").write_text(TEMPLATE)
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "nowhere.yaml"))
    run = gp("plan", "-C", root)
    assert run.code == 1, run
    assert (
        run.err == f"Error: $KUBECONFIG is {tmp_path / 'nowhere.yaml'}, and no such file exists\n"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"format_version": "1.0",\n  "stack": ', r"plan\.json:2:\d+: plan file is not JSON"),
        ("[1, 2]", r"plan\.json: not a gp plan file"),
        ('{"format_version": "1.0"}', r"plan\.json: not a gp plan file"),
    ],
)
def test_a_corrupt_saved_plan_names_the_file(
    gp: GP, tmp_path: Path, content: str, message: str
) -> None:
    root = module(tmp_path, TEMPLATE)
    saved = tmp_path / "plan.json"
    saved.write_text(content)
    for command in (("show", saved), ("apply", "-C", root, saved)):
        run = gp(*command)
        assert run.code == 1, run
        assert re.fullmatch(rf"Error: \S*{message}.*\n", run.err), run
    assert not (root / "deploy").exists(), "a broken plan file is refused before the lock"


def test_a_damaged_saved_plan_is_an_error_not_a_crash(gp: GP, tmp_path: Path) -> None:
    root = module(tmp_path, TEMPLATE)
    saved = tmp_path / "plan.json"
    assert gp("plan", "-C", root, "--out", saved).code == 0
    doc = json.loads(saved.read_text())
    for change in doc.get("resource_changes") or doc.get("changes") or []:
        change.clear()
    doc["target"] = "nowhere"
    saved.write_text(json.dumps(doc))
    run = gp("apply", "-C", root, saved)
    assert run.code == 1, run
    assert run.err.startswith("Error: ") and "internal error" not in run.err, run


def test_gp_debug_shows_the_traceback(
    gp: GP, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = module(tmp_path, TEMPLATE.replace("image = ", "imagee = "))
    monkeypatch.setenv("GP_DEBUG", "1")
    run = gp("validate", "-C", root)
    assert run.code == 1
    assert "Traceback (most recent call last)" in run.err
    assert "Error: " in run.err and 'did you mean "image"?' in run.err


BROKEN = (
    TEMPLATE.replace("image = ", "imagee = ")
    + """
cron_workflow "c" {
  schedule          = "0 25 * * *"
  timezone          = "Mars/Olympus"
  workflow_template = workflow_template.t
}
"""
)


def test_validate_lists_every_error_at_once_and_as_json(gp: GP, tmp_path: Path) -> None:
    root = module(tmp_path, BROKEN)
    run = gp("validate", "-C", root)
    assert run.code == 1, run
    lines = run.err.splitlines()
    assert len(lines) == 3 and all(line.startswith("Error: ") for line in lines), run
    expected = [pos_of(root, "imagee"), pos_of(root, "schedule"), pos_of(root, "timezone")]
    assert [line.split(": ")[1] for line in lines] == expected

    run = gp("validate", "-C", root, "--json")
    assert run.code == 1
    doc = json.loads(run.out)
    assert doc["valid"] is False and doc["error_count"] == 3
    as_text = [
        f"Error: {d['file']}:{d['line']}:{d['column']}: {d['message']}" for d in doc["diagnostics"]
    ]
    assert as_text == lines

    good = module(tmp_path, TEMPLATE, name="good")
    doc = json.loads(gp("validate", "-C", good, "--json").out)
    assert doc == {
        "format_version": "1.0",
        "valid": True,
        "error_count": 0,
        "warning_count": 0,
        "diagnostics": [],
    }


SUBMIT_TIME_PARAMETER = """
workflow_template "t" {
  container "main" {
    image   = "alpine"
    command = ["echo", "{{workflow.parameters.tile}}"]
  }
}
"""


def test_validate_shows_warnings_and_they_do_not_fail(gp: GP, tmp_path: Path) -> None:
    root = module(tmp_path, SUBMIT_TIME_PARAMETER)
    run = gp("validate", "-C", root)
    assert run.code == 0, run
    where = pos_of(root, "command")
    assert run.err.splitlines() == [
        f'Warning: {where}: {{{{workflow.parameters.tile}}}} may not resolve: no workflow parameter "tile" is '
        "declared in arguments; a workflow submitted from this template must pass it"
    ], run
    assert "Success!" in run.out
    doc = json.loads(gp("validate", "-C", root, "--json").out)
    assert doc["valid"] is True and doc["error_count"] == 0 and doc["warning_count"] == 1
    assert doc["diagnostics"][0]["severity"] == "warning"


def test_no_color_flag_and_env_strip_every_escape(
    gp: GP, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = module(tmp_path, TEMPLATE)
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich believes it writes to a terminal
    styled = gp("plan", "-C", root)
    assert "\x1b[" in styled.out, "the check below would prove nothing"
    plain = gp("plan", "-C", root, "--no-color")
    assert plain.code == 0 and "\x1b" not in plain.out + plain.err, plain
    assert "Plan: 1 to add, 0 to change, 0 to destroy." in plain.out
    monkeypatch.setenv("NO_COLOR", "1")
    run = gp("plan", "-C", root)
    assert "\x1b" not in run.out + run.err and run.out == plain.out, run
    error = gp("validate", "-C", tmp_path / "absent")
    assert error.err.startswith("Error: ") and "\x1b" not in error.err


def test_apply_without_approval_or_terminal_refuses(gp: GP, tmp_path: Path) -> None:
    root = module(tmp_path, TEMPLATE)
    run = gp("apply", "-C", root)
    assert run.code == 1, run
    assert (
        "Error: no terminal to ask for approval; run again with --auto-approve to apply" in run.err
    )
    assert "Plan: 1 to add" in run.out
    assert files_under(root / "deploy") == []


def test_usage_errors_exit_1_not_the_changes_code(gp: GP, tmp_path: Path) -> None:
    """click exits 2 on usage errors; 2 means "changes present" to a --detailed-exitcode script."""
    root = module(tmp_path, TEMPLATE)
    for argv, words in [
        (("plan", "--detailed-exitcode", "--lock-timeout", "soon"), "'soon' is not a duration"),
        (("plan", "--detailed-exitcode", "--no-such-flag"), "--no-such-flag"),
        (("import", "only-one-arg"), "expected ADDR NAMESPACE/NAME"),
    ]:
        run = gp(*argv, "-C", root)
        assert run.code == 1, run
        assert words in run.err and "Error" in run.err and "Traceback" not in run.err, run
