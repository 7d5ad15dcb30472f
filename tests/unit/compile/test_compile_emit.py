import json

import yaml
from hcl_builders import a, b, decl, module, ref

from gp.compile.emit import files, out_path, to_json, to_yaml
from gp.compile.module import compile_module


def sample():
    return module(
        decl(
            "workflow_template",
            "sen2cor",
            a("labels", {"b": "2", "a": "1"}),
            b("parameter", "tile", a("value", "T10UDV")),
            b(
                "step",
                "pre",
                b("script", a("image", "python:3.12"), a("source", "import os\nprint(os.name)\n")),
            ),
            b("step", "run", a("depends", "pre"), b("container", a("image", "geo/sen2cor"))),
        ),
        decl("cluster_workflow_template", "shared", b("container", "c", a("image", "alpine"))),
        decl(
            "cron_workflow",
            "nightly",
            a("schedule", "0 2 * * *"),
            a("workflow_template", ref("workflow_template.sen2cor", "sen2cor")),
        ),
    )


def test_same_inputs_give_identical_bytes():
    first = to_yaml(compile_module(sample()))
    second = to_yaml(compile_module(sample()))
    assert first == second
    assert to_json(compile_module(sample())) == to_json(compile_module(sample()))


def test_yaml_stream_in_argo_order_with_scripts_as_literal_blocks():
    text = to_yaml(compile_module(sample()))
    docs = list(yaml.safe_load_all(text))
    assert [d["kind"] for d in docs] == [
        "WorkflowTemplate",
        "ClusterWorkflowTemplate",
        "CronWorkflow",
    ]
    assert text.startswith(
        "apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata:\n  name: sen2cor\n"
    )
    assert "      source: |\n        import os\n        print(os.name)\n" in text
    assert text.count("---\n") == 2
    # user labels keep the order written, ownership marks follow
    assert list(docs[0]["metadata"]["labels"]) == [
        "b",
        "a",
        "app.kubernetes.io/managed-by",
        "gp.dev/stack",
    ]


def test_json_is_a_list_of_manifests():
    objs = compile_module(sample())
    assert json.loads(to_json(objs)) == [o.manifest for o in objs]


def test_cron_depends_on_its_template():
    objs = compile_module(sample())
    assert objs[2].depends_on == ("workflow_template.sen2cor",)
    assert objs[0].depends_on == ()


def test_out_dir_layout():
    objs = compile_module(sample())
    written = files(objs)
    assert [p.as_posix() for p, _ in written] == [
        "pipeline/WorkflowTemplate/sen2cor.yaml",
        "_cluster/ClusterWorkflowTemplate/shared.yaml",
        "pipeline/CronWorkflow/nightly.yaml",
    ]
    assert yaml.safe_load(written[0][1]) == objs[0].manifest
    assert out_path(objs[2], "json").as_posix() == "pipeline/CronWorkflow/nightly.json"
    ((json_path, json_text),) = files(objs[:1], "json")
    assert json_path.as_posix() == "pipeline/WorkflowTemplate/sen2cor.json"
    assert json.loads(json_text) == objs[0].manifest


def test_shared_values_are_written_in_full_never_as_anchors():
    from gp.compile.emit import manifest_yaml

    shared = {"requests": {"cpu": "1"}}
    text = manifest_yaml({"a": shared, "b": shared})
    assert "&" not in text and "*" not in text
    assert text == "a:\n  requests:\n    cpu: '1'\nb:\n  requests:\n    cpu: '1'\n"
