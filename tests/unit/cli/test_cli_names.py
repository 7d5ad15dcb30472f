"""Names Kubernetes would refuse are refused offline, at the attribute that sets them; null
means not set; nothing is written outside the directory provider's path."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from cli_helpers import GP, HEADER, TEMPLATE, files_under, module
from test_cli_errors import assert_one_error, pos_of

LABEL_RULE = (
    "is not a valid DNS-1123 label: use lowercase letters, digits and '-', starting and "
    "ending with a letter or digit"
)


@pytest.mark.parametrize(
    "namespace", ["../../x", "Pipeline", "my pipelines", "a/b", "-x", "x" * 64]
)
def test_an_invalid_object_namespace_is_an_error_at_its_attribute(
    gp: GP, tmp_path: Path, namespace: str
) -> None:
    body = TEMPLATE.replace(
        'workflow_template "t" {', f'workflow_template "t" {{\n  namespace = "{namespace}"'
    )
    root = module(tmp_path, body)
    run = gp("validate", "-C", root)
    rule = (
        f"is {len(namespace)} characters long; at most 63 are allowed"
        if len(namespace) > 63
        else LABEL_RULE
    )
    assert_one_error(
        run, pos_of(root, f'namespace = "{namespace}"'), f'namespace "{namespace}" {rule}'
    )
    assert gp("plan", "-C", root).code == 1
    assert not (tmp_path / "x").exists() and files_under(tmp_path / "mod") == ["main.gp.hcl"]


def test_an_invalid_provider_namespace_is_an_error_at_its_value(gp: GP, tmp_path: Path) -> None:
    root = module(tmp_path, TEMPLATE)
    (root / "main.gp.hcl").write_text((HEADER + TEMPLATE).replace('"pipeline"', '"../../x"'))
    run = gp("validate", "-C", root)
    assert_one_error(run, pos_of(root, '"../../x"', col=15), f'namespace "../../x" {LABEL_RULE}')
    run = gp("apply", "--auto-approve", "-C", root)
    assert run.code == 1, run
    assert files_under(root) == ["main.gp.hcl"] and not (tmp_path / "x").exists()


def test_a_manifest_namespace_is_checked_too(gp: GP, tmp_path: Path) -> None:
    body = (
        'manifest "m" {\n  content = {\n    apiVersion = "argoproj.io/v1alpha1"\n'
        '    kind = "WorkflowTemplate"\n    metadata = { name = "m", namespace = "UP" }\n'
        '    spec = { entrypoint = "a", templates = [{ name = "a", container = { image = "x" } }] }\n'
        "  }\n}\n"
    )
    root = module(tmp_path, body)
    assert_one_error(
        gp("validate", "-C", root), pos_of(root, "content ="), f'namespace "UP" {LABEL_RULE}'
    )


def test_a_folder_name_that_is_not_a_label_value_gives_the_stack_gp_init_would(
    gp: GP, tmp_path: Path
) -> None:
    root = module(tmp_path, TEMPLATE, name="My Pipelines (copy)")
    text = (root / "main.gp.hcl").read_text().replace('gp {\n  stack = "errs"\n}\n', "")
    (root / "main.gp.hcl").write_text(text)
    assert gp("validate", "-C", root).code == 0
    run = gp("render", "-C", root)
    assert run.code == 0, run
    assert yaml.safe_load(run.out)["metadata"]["labels"]["gp.dev/stack"] == "my-pipelines-copy"
    init = gp("init", tmp_path / "My Pipelines (copy) 2")
    assert init.code == 0, init
    assert (
        'stack = "my-pipelines-copy-2"'
        in (tmp_path / "My Pipelines (copy) 2" / "main.gp.hcl").read_text()
    )


def test_a_valid_folder_name_is_the_stack_as_it_is(gp: GP, tmp_path: Path) -> None:
    root = module(tmp_path, TEMPLATE, name="Geo_Pipes.v2")
    (root / "main.gp.hcl").write_text(
        (root / "main.gp.hcl").read_text().replace('  stack = "errs"\n', "")
    )
    run = gp("render", "-C", root)
    assert yaml.safe_load(run.out)["metadata"]["labels"]["gp.dev/stack"] == "Geo_Pipes.v2"


@pytest.mark.parametrize(
    ("stack", "problem"),
    [
        (
            "My Pipelines",
            "is not a valid Kubernetes label value: use letters, digits, '-', '_' and '.', "
            "starting and ending with a letter or digit",
        ),
        (
            "a/b",
            "is not a valid Kubernetes label value: use letters, digits, '-', '_' and '.', "
            "starting and ending with a letter or digit",
        ),
        ("s" * 64, "is 64 characters long; at most 63 are allowed"),
    ],
)
def test_an_explicit_stack_is_checked(gp: GP, tmp_path: Path, stack: str, problem: str) -> None:
    root = module(tmp_path, TEMPLATE)
    (root / "main.gp.hcl").write_text(
        (root / "main.gp.hcl").read_text().replace('"errs"', f'"{stack}"')
    )
    assert_one_error(
        gp("validate", "-C", root), pos_of(root, "stack =", col=11), f'stack "{stack}" {problem}'
    )


def test_null_name_and_namespace_mean_not_set(gp: GP, tmp_path: Path) -> None:
    body = (
        'variable "name" {\n  default = null\n}\nvariable "ns" {\n  default = null\n}\n'
        + TEMPLATE.replace(
            'workflow_template "t" {',
            'workflow_template "t" {\n  name = var.name\n  namespace = var.ns',
        )
        + 'cron_workflow "c" {\n  name = var.name\n  schedule = "0 1 * * *"\n'
        "  workflow_template = workflow_template.t\n}\n"
        + 'output "n" {\n  value = "${workflow_template.t.name}/${workflow_template.t.namespace}"\n}\n'
    )
    root = module(tmp_path, body)
    run = gp("render", "-C", root)
    assert run.code == 0, run
    template, cron = yaml.safe_load_all(run.out)
    assert template["metadata"]["name"] == "t" and template["metadata"]["namespace"] == "pipeline"
    assert cron["metadata"]["name"] == "c"
    assert cron["spec"]["workflowSpec"]["workflowTemplateRef"] == {"name": "t"}
    assert "None" not in run.out


def test_a_cron_cannot_refer_to_a_template_in_another_namespace(gp: GP, tmp_path: Path) -> None:
    body = (
        TEMPLATE.replace(
            'workflow_template "t" {', 'workflow_template "t" {\n  namespace = "other"'
        )
        + 'cron_workflow "c" {\n  schedule = "0 1 * * *"\n  workflow_template = workflow_template.t\n}\n'
    )
    root = module(tmp_path, body)
    assert_one_error(
        gp("validate", "-C", root),
        pos_of(root, "workflow_template = "),
        'workflow_template refers to workflow_template.t in namespace "other", but this CronWorkflow is '
        'in namespace "pipeline" and Argo looks the template up there only: put both in one namespace, '
        "or make the template a cluster_workflow_template",
    )


def test_a_cron_may_refer_to_a_cluster_template_from_any_namespace(gp: GP, tmp_path: Path) -> None:
    body = (
        TEMPLATE.replace('workflow_template "t" {', 'cluster_workflow_template "t" {')
        + 'cron_workflow "c" {\n  namespace = "other"\n  schedule = "0 1 * * *"\n'
        "  workflow_template = cluster_workflow_template.t\n}\n"
    )
    root = module(tmp_path, body)
    assert gp("validate", "-C", root).code == 0
    run = gp("render", "-C", root)
    cron = list(yaml.safe_load_all(run.out))[1]
    assert cron["spec"]["workflowSpec"]["workflowTemplateRef"] == {
        "name": "t",
        "clusterScope": True,
    }
