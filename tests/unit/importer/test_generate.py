import hcl2
import pytest

from gp.errors import ConfigError
from gp.importer import generate_config
from gp.importer.hcl_writer import heredoc, quote


def wt(spec, kind="WorkflowTemplate", **meta):
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": kind,
        "metadata": {"name": "demo", **meta},
        "spec": spec,
    }


def body(text: str, block: str, label: str) -> dict:
    (entry,) = hcl2.loads(text)[block]
    return entry[f'"{label}"']


DIAMOND = {
    "entrypoint": "main",
    "templates": [
        {
            "name": "main",
            "dag": {
                "tasks": [
                    {"name": "a", "template": "a"},
                    {
                        "name": "b",
                        "template": "b",
                        "depends": "a",
                        "arguments": {"parameters": [{"name": "x", "value": "1"}]},
                    },
                ]
            },
        },
        {"name": "a", "container": {"image": "busybox", "env": [{"name": "LOG", "value": "info"}]}},
        {
            "name": "b",
            "script": {"image": "python", "source": "print(1)\nprint(2)\n"},
            "inputs": {"parameters": [{"name": "x"}]},
        },
    ],
}


def test_implicit_dag_becomes_step_blocks_without_entrypoint():
    out = generate_config([wt(DIAMOND)])
    assert 'step "a" {' in out and 'step "b" {' in out
    assert "entrypoint" not in out and 'template "main"' not in out and "dag" not in out
    assert '      env   = { LOG = "info" }' in out
    assert '    depends   = "a"\n' in out and '    arguments = { x = "1" }\n' in out
    assert '    inputs {\n      parameter "x" {}\n    }' in out


def test_step_form_only_when_every_task_runs_its_own_template():
    spec = {
        **DIAMOND,
        "templates": [
            DIAMOND["templates"][0] | {"dag": {"tasks": [{"name": "a", "template": "b"}]}},
            *DIAMOND["templates"][1:],
        ],
    }
    out = generate_config([wt(spec)])
    assert "step " not in out
    assert (
        'entrypoint = "main"' in out
        and 'dag "main" {' in out
        and 'task "a" {\n      template = "b"' in out
    )


def test_other_entrypoints_keep_explicit_templates_and_steps_groups():
    spec = {
        "entrypoint": "s",
        "templates": [
            {
                "name": "s",
                "steps": [
                    [{"name": "one", "template": "t"}],
                    [{"name": "p1", "template": "t"}, {"name": "p2", "template": "t"}],
                ],
            },
            {"name": "t", "suspend": {}},
        ],
    }
    out = generate_config([wt(spec)])
    # gp's short forms: `steps "NAME" {}` holding its groups directly.
    assert 'steps "s" {\n    step "one" {' in out
    assert 'parallel {\n      step "p1" {' in out
    assert 'template "t" {\n    suspend {}\n  }' in out


def test_tolerations_parameters_and_snake_case_fields():
    spec = {
        "entrypoint": "x",
        "activeDeadlineSeconds": 30,
        "podGC": {"strategy": "OnPodSuccess"},
        "nodeSelector": {"pool.example/size": "small"},
        "tolerations": [{"key": "k", "operator": "Exists", "effect": "NoSchedule"}],
        "arguments": {"parameters": [{"name": "tile", "value": "T10UDV"}]},
        "templates": [{"name": "x", "container": {"image": "i"}}],
    }
    out = generate_config([wt(spec)])
    b = body(out, "workflow_template", "demo")
    assert b["active_deadline_seconds"] == 30
    assert b["node_selector"] == {'"pool.example/size"': '"small"'}
    assert b["pod_gc"][0]["strategy"] == '"OnPodSuccess"'
    assert b["toleration"][0]["operator"] == '"Exists"'
    assert b["parameter"][0]['"tile"']["value"] == '"T10UDV"'
    assert "arguments" not in b


def test_arguments_with_artifacts_stay_a_block():
    spec = {
        "arguments": {
            "parameters": [{"name": "p", "value": "v"}],
            "artifacts": [{"name": "a", "raw": {"data": "x"}}],
        }
    }
    out = generate_config([wt(spec)])
    assert 'arguments {\n    parameter "p" {' in out and 'artifact "a" {' in out


def test_env_with_value_from_is_a_list_of_blocks():
    spec = {
        "templates": [
            {
                "name": "t",
                "container": {
                    "image": "i",
                    "env": [
                        {"name": "A", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}
                    ],
                },
            }
        ]
    }
    out = generate_config([wt(spec)])
    assert (
        'container "t" {\n    image = "i"\n\n    env "A" {\n      value_from {\n        secret_key_ref {'
        in out
    )


def test_escapes_hcl_template_syntax_but_not_argo_placeholders():
    spec = {
        "templates": [
            {
                "name": "t",
                "container": {
                    "image": "i",
                    "args": ["${HOME} %{x} {{inputs.parameters.p}}", 'say "hi"\\'],
                },
            }
        ]
    }
    out = generate_config([wt(spec)])
    assert r'args  = ["$${HOME} %%{x} {{inputs.parameters.p}}", "say \"hi\"\\"]' in out


def test_multi_line_strings_become_heredocs_only_when_exact():
    assert heredoc("a\n  b\n", 1) == "<<-EOT\n    a\n      b\n    EOT"
    assert heredoc("  a\n  b\n", 1) == "<<EOT\n  a\n  b\nEOT"  # `<<-` would strip the common indent
    assert heredoc("a\nb", 1) is None  # a heredoc always ends with a newline
    assert heredoc("one line\n", 1) is None
    assert heredoc("a\n   \nb\n", 1) is None  # whitespace-only lines are not kept by `<<-`
    assert heredoc("EOT\nx ${y}\n", 0) == "<<-EOT1\n  EOT\n  x $${y}\n  EOT1"
    assert quote("tab\there\nline") == r'"tab\there\nline"'


def test_script_source_is_a_heredoc_that_parses_back():
    out = generate_config([wt(DIAMOND)])
    assert "source = <<-EOT\n        print(1)\n        print(2)\n        EOT\n" in out
    src = body(out, "workflow_template", "demo")["step"][1]['"b"']["script"][0]["source"]
    assert "print(1)" in src


def test_workflow_name_from_generate_name_and_server_metadata_dropped():
    obj = wt({}, kind="Workflow")
    obj["metadata"] = {
        "generateName": "hello-",
        "namespace": "argo",
        "uid": "u",
        "resourceVersion": "1",
        "labels": {
            "team": "geo",
            "workflows.argoproj.io/creator": "me",
            "app.kubernetes.io/managed-by": "gp",
        },
        "annotations": {"gp.dev/address": "x", "note": "kept"},
    }
    b = body(generate_config([obj]), "workflow_template", "hello")
    assert b["namespace"] == '"argo"'
    assert b["labels"] == {"team": '"geo"'} and b["annotations"] == {"note": '"kept"'}
    assert "name" not in b and "uid" not in b


def test_labels_are_identifiers_and_names_kept_when_different():
    objs = [wt({}, name="a.b"), wt({}, name="9lives"), wt({}, name="a_b")]
    out = generate_config(objs)
    assert 'workflow_template "a_b" {\n  name = "a.b"' in out
    assert 'workflow_template "_9lives" {\n  name = "9lives"' in out
    assert 'workflow_template "a_b_2" {\n  name = "a_b"' in out


def test_cron_short_forms_reference_a_template_in_the_same_import():
    cron = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "CronWorkflow",
        "metadata": {"name": "nightly"},
        "spec": {
            "schedule": "0 2 * * *",
            "timezone": "UTC",
            "workflowSpec": {
                "workflowTemplateRef": {"name": "demo"},
                "arguments": {"parameters": [{"name": "tile", "value": "T11"}]},
            },
        },
    }
    out = generate_config([wt({}), cron], source_names=["a.yaml", "b.yaml#2"])
    assert '# imported from b.yaml#2\ncron_workflow "nightly" {' in out
    assert '  schedule          = "0 2 * * *"\n' in out
    assert "  workflow_template = workflow_template.demo\n" in out
    assert '  arguments         = { tile = "T11" }\n' in out


def test_cron_with_unknown_template_keeps_a_workflow_spec_block():
    cron = {
        "kind": "CronWorkflow",
        "metadata": {"name": "c"},
        "spec": {
            "schedules": ["@hourly"],
            "workflowSpec": {"workflowTemplateRef": {"name": "elsewhere"}},
        },
    }
    out = generate_config([cron])
    assert 'schedules = ["@hourly"]' in out
    assert 'workflow_spec {\n    workflow_template_ref {\n      name = "elsewhere"' in out


def test_other_argo_kinds_become_manifest_blocks():
    binding = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "WorkflowEventBinding",
        "metadata": {"name": "on-push", "uid": "x"},
        "spec": {"event": {"selector": "true"}},
        "status": {"phase": "x"},
    }
    b = body(generate_config([binding]), "manifest", "on-push")
    content = b["content"]
    assert content["kind"] == '"WorkflowEventBinding"' and "status" not in content
    assert content["metadata"] == {"name": '"on-push"'}


def test_kinds_gp_does_not_manage_are_refused():
    # A manifest block of another kind would be written, then rejected by gp itself.
    pvc = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "vol"}}
    with pytest.raises(ConfigError) as err:
        generate_config([pvc], source_names=["vol.yaml"])
    assert str(err.value).startswith(
        "vol.yaml: a PersistentVolumeClaim is not an Argo object; gp manages "
    )


def test_output_is_canonically_formatted():
    from gp.config.fmt import format_source

    out = generate_config([wt(DIAMOND)])
    assert format_source(out, "x.gp.hcl") == out


@pytest.mark.parametrize(
    "obj, message",
    [
        ({"metadata": {"name": "x"}}, "object 1: not a Kubernetes object (no kind)"),
        (
            {"kind": "Workflow", "metadata": {}},
            "object 1: Workflow has neither metadata.name nor generateName",
        ),
    ],
)
def test_errors(obj, message):
    with pytest.raises(ConfigError) as err:
        generate_config([obj])
    assert str(err.value) == message


def test_short_forms_compile_back_to_the_same_objects(tmp_path):
    from gp.compile.module import compile_module
    from gp.config import load_module

    spec = {
        **DIAMOND,
        "tolerations": [{"key": "k", "operator": "Exists"}],
        "arguments": {"parameters": [{"name": "p", "value": "v"}]},
    }
    cron = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "CronWorkflow",
        "metadata": {"name": "nightly"},
        "spec": {
            "schedules": ["0 2 * * *"],
            "timezone": "UTC",
            "workflowSpec": {
                "workflowTemplateRef": {"name": "demo"},
                "arguments": {"parameters": [{"name": "tile", "value": "T11"}]},
            },
        },
    }
    (tmp_path / "main.gp.hcl").write_text(generate_config([wt(spec), cron]))
    template, got_cron = [c.manifest for c in compile_module(load_module(tmp_path))]
    by_name = sorted(template["spec"]["templates"], key=lambda t: t["name"])
    assert {**template["spec"], "templates": by_name} == {
        **spec,
        "templates": sorted(spec["templates"], key=lambda t: t["name"]),
    }
    assert got_cron["spec"] == cron["spec"]
