import pytest
from hcl_builders import a, b, compiled, decl, ref, spec_of

from gp.compile.compiler import compile_object
from gp.compile.objects import ADDRESS_ANNOTATION, MANAGED_BY_LABEL, STACK_LABEL
from gp.config.model import ProviderConfig
from gp.errors import DiagnosticsError


def container(image="alpine", *body, line=1):
    return b("container", a("image", image), *body, line=line)


def test_step_makes_a_template_and_a_task_of_the_implicit_main_dag():
    spec = spec_of(
        b("step", "pre", b("script", a("image", "python:3.12"), a("source", "print(1)"))),
        b("step", "run", a("depends", "pre.Succeeded"), container("geo/sen2cor:2.9.0")),
    )
    assert spec["entrypoint"] == "main"
    main, pre, run = spec["templates"]
    assert main == {
        "name": "main",
        "dag": {
            "tasks": [
                {"name": "pre", "template": "pre"},
                {"name": "run", "template": "run", "depends": "pre.Succeeded"},
            ]
        },
    }
    assert pre == {"name": "pre", "script": {"image": "python:3.12", "source": "print(1)"}}
    assert run == {"name": "run", "container": {"image": "geo/sen2cor:2.9.0"}}


def test_entrypoint_set_by_the_user_wins():
    spec = spec_of(a("entrypoint", "run"), b("step", "run", container()))
    assert spec["entrypoint"] == "run"


def test_step_routes_task_fields_and_template_fields():
    spec = spec_of(
        b(
            "step",
            "fan",
            a("with_items", ["a", "b"]),
            a("when", "{{workflow.parameters.go}} == true"),
            a("continue_on", {"failed": True}),
            a("retry_strategy", {"limit": 3}),
            a("active_deadline_seconds", 60),
            a("node_selector", {"pool": "big"}),
            a("arguments", {"item": "{{item}}"}),
            b("parameter", "item"),
            container(),
        ),
    )
    task = spec["templates"][0]["dag"]["tasks"][0]
    assert task == {
        "name": "fan",
        "template": "fan",
        "withItems": ["a", "b"],
        "when": "{{workflow.parameters.go}} == true",
        "continueOn": {"failed": True},
        "arguments": {"parameters": [{"name": "item", "value": "{{item}}"}]},
    }
    tmpl = spec["templates"][1]
    assert tmpl["retryStrategy"] == {"limit": 3}
    assert tmpl["activeDeadlineSeconds"] == 60
    assert tmpl["nodeSelector"] == {"pool": "big"}
    assert tmpl["inputs"] == {"parameters": [{"name": "item"}]}


def test_step_reusing_a_template_makes_no_template():
    spec = spec_of(
        b("container", "echo", a("image", "alpine"), b("parameter", "msg")),
        b("step", "a", a("template", "echo"), a("arguments", {"msg": "hi", "n": 3})),
        b("step", "b", a("template_ref", {"name": "lib", "template": "t"})),
    )
    names = [t["name"] for t in spec["templates"]]
    assert names == ["main", "echo"]
    a_task, b_task = spec["templates"][0]["dag"]["tasks"]
    assert a_task == {
        "name": "a",
        "template": "echo",
        "arguments": {"parameters": [{"name": "msg", "value": "hi"}, {"name": "n", "value": "3"}]},
    }
    assert b_task == {"name": "b", "templateRef": {"name": "lib", "template": "t"}}


def test_arguments_written_in_argo_form_are_kept():
    spec = spec_of(
        b(
            "step",
            "a",
            a("template", "x"),
            a("arguments", {"parameters": [{"name": "p", "value": "v"}]}),
        ),
        b("container", "x", a("image", "i")),
    )
    assert spec["templates"][0]["dag"]["tasks"][0]["arguments"] == {
        "parameters": [{"name": "p", "value": "v"}]
    }


def test_dependencies_become_depends():
    spec = spec_of(
        b("step", "a", container()),
        b("step", "b", container()),
        b("step", "c", a("dependencies", ["a", "b"]), container()),
    )
    task = spec["templates"][0]["dag"]["tasks"][2]
    assert task["depends"] == "a && b"
    assert "dependencies" not in task


def test_spec_level_parameters_tolerations_and_env_map():
    spec = spec_of(
        a("node_selector", {"pipeline": "small", "zone.example/Mixed.Case_Key": "x"}),
        b("toleration", a("key", "ga.nodepool/type"), a("operator", "Exists")),
        b("toleration", a("key", "other"), a("effect", "NoSchedule")),
        b("parameter", "tile", a("value", "T10UDV")),
        b("parameter", "count", a("value", 4)),
        b("step", "a", container("alpine", a("env", {"LOG_LEVEL": "info", "N": 1}))),
    )
    assert spec["nodeSelector"] == {"pipeline": "small", "zone.example/Mixed.Case_Key": "x"}
    assert spec["tolerations"] == [
        {"key": "ga.nodepool/type", "operator": "Exists"},
        {"key": "other", "effect": "NoSchedule"},
    ]
    assert spec["arguments"] == {
        "parameters": [{"name": "tile", "value": "T10UDV"}, {"name": "count", "value": "4"}]
    }
    assert spec["templates"][1]["container"]["env"] == [
        {"name": "LOG_LEVEL", "value": "info"},
        {"name": "N", "value": "1"},
    ]


def test_every_field_by_snake_case_name_at_any_depth():
    spec = spec_of(
        a(
            "pod_gc",
            {"strategy": "OnPodSuccess", "label_selector": {"match_labels": {"App.Name": "x"}}},
        ),
        a("active_deadline_seconds", 3600),
        a("pod_spec_patch", "{}"),
        a("ttl_strategy", {"seconds_after_completion": 60}),
        b("volume", "data", a("empty_dir", {})),
        b("volume_claim_gc", a("strategy", "OnWorkflowCompletion")),
        b(
            "step",
            "a",
            container(
                "alpine",
                a("resources", {"limits": {"cpu": 1, "memory": "1Gi"}}),
                b("volume_mount", a("name", "data"), a("mount_path", "/data")),
            ),
        ),
    )
    assert spec["podGC"] == {
        "strategy": "OnPodSuccess",
        "labelSelector": {"matchLabels": {"App.Name": "x"}},
    }
    assert spec["activeDeadlineSeconds"] == 3600
    assert spec["podSpecPatch"] == "{}"
    assert spec["ttlStrategy"] == {"secondsAfterCompletion": 60}
    assert spec["volumeClaimGC"] == {"strategy": "OnWorkflowCompletion"}
    c = spec["templates"][1]["container"]
    assert c["resources"] == {"limits": {"cpu": "1", "memory": "1Gi"}}
    assert c["volumeMounts"] == [{"name": "data", "mountPath": "/data"}]


def test_explicit_templates():
    spec = spec_of(
        a("entrypoint", "flow"),
        b(
            "dag",
            "flow",
            a("fail_fast", True),
            b("task", "x", a("template", "say")),
            b("task", "y", a("template", "say"), a("dependencies", ["x"])),
            b("parameter", "p"),
        ),
        b(
            "container",
            "say",
            a("image", "alpine"),
            a("command", ["echo"]),
            a("retry_strategy", {"limit": 2}),
        ),
        b("script", "py", a("image", "python"), a("source", "print(1)"), a("timeout", "1m")),
        b("template", "wait", a("suspend", {"duration": "10s"})),
    )
    flow, say, py, wait = spec["templates"]
    assert flow == {
        "name": "flow",
        "dag": {
            "failFast": True,
            "tasks": [
                {"name": "x", "template": "say"},
                {"name": "y", "template": "say", "depends": "x"},
            ],
        },
        "inputs": {"parameters": [{"name": "p"}]},
    }
    assert say == {
        "name": "say",
        "container": {"image": "alpine", "command": ["echo"]},
        "retryStrategy": {"limit": 2},
    }
    assert py == {
        "name": "py",
        "script": {"image": "python", "source": "print(1)"},
        "timeout": "1m",
    }
    assert wait == {"name": "wait", "suspend": {"duration": "10s"}}


def test_steps_template_with_parallel_groups():
    spec = spec_of(
        b(
            "steps",
            "flow",
            b("step", "first", a("template", "say")),
            b(
                "parallel",
                b("step", "left", a("template", "say")),
                b("step", "right", container("busybox")),
            ),
            b("step", "last", a("template", "say")),
        ),
        b("container", "say", a("image", "alpine")),
    )
    flow = spec["templates"][0]
    assert flow["steps"] == [
        [{"name": "first", "template": "say"}],
        [{"name": "left", "template": "say"}, {"name": "right", "template": "right"}],
        [{"name": "last", "template": "say"}],
    ]
    assert [t["name"] for t in spec["templates"]] == ["flow", "right", "say"]


def test_metadata_and_ownership_marks():
    (m,) = compiled(
        decl(
            "workflow_template",
            "wt",
            a("name", "real-name"),
            a("labels", {"team": "geo"}),
            a("annotations", {"note": "x"}),
            b("step", "a", container()),
        ),
        stack="prod",
    )
    assert list(m) == ["apiVersion", "kind", "metadata", "spec"]
    assert m["apiVersion"] == "argoproj.io/v1alpha1" and m["kind"] == "WorkflowTemplate"
    assert m["metadata"] == {
        "name": "real-name",
        "namespace": "pipeline",
        "labels": {"team": "geo", MANAGED_BY_LABEL: "gp", STACK_LABEL: "prod"},
        "annotations": {"note": "x", ADDRESS_ANNOTATION: "workflow_template.wt"},
    }


def test_cluster_template_has_no_namespace():
    (m,) = compiled(
        decl("cluster_workflow_template", "shared", b("container", "c", a("image", "alpine")))
    )
    assert m["kind"] == "ClusterWorkflowTemplate"
    assert "namespace" not in m["metadata"]


def test_cron_short_forms():
    wt = decl("workflow_template", "sen2cor", b("step", "a", container()))
    cron = decl(
        "cron_workflow",
        "nightly",
        a("schedule", "0 2 * * *"),
        a("timezone", "America/Toronto"),
        a("concurrency_policy", "Forbid"),
        a("starting_deadline_seconds", 30),
        a("workflow_template", ref("workflow_template.sen2cor", "sen2cor")),
        a("arguments", {"tile": "T11UNQ"}),
    )
    _, m = compiled(wt, cron)
    assert m["kind"] == "CronWorkflow"
    assert m["spec"] == {
        "schedules": ["0 2 * * *"],
        "timezone": "America/Toronto",
        "concurrencyPolicy": "Forbid",
        "startingDeadlineSeconds": 30,
        "workflowSpec": {
            "workflowTemplateRef": {"name": "sen2cor"},
            "arguments": {"parameters": [{"name": "tile", "value": "T11UNQ"}]},
        },
    }


def test_cron_on_a_cluster_template_sets_cluster_scope():
    cwt = decl("cluster_workflow_template", "lib", b("step", "a", container()))
    cron = decl(
        "cron_workflow",
        "c",
        a("schedules", ["@hourly"]),
        a(
            "workflow_template",
            ref("cluster_workflow_template.lib", "lib", "cluster_workflow_template"),
        ),
    )
    _, m = compiled(cwt, cron)
    assert m["spec"]["workflowSpec"]["workflowTemplateRef"] == {"name": "lib", "clusterScope": True}


def test_cron_with_inline_workflow_spec():
    (m,) = compiled(
        decl(
            "cron_workflow",
            "c",
            a("schedules", ["*/5 * * * *"]),
            b("workflow_spec", a("service_account_name", "runner"), b("step", "a", container())),
        )
    )
    wf = m["spec"]["workflowSpec"]
    assert wf["entrypoint"] == "main"
    assert wf["serviceAccountName"] == "runner"
    assert [t["name"] for t in wf["templates"]] == ["main", "a"]


def test_manifest_block_marks_and_defaults():
    content = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "WorkflowTemplate",
        "metadata": {"name": "legacy", "labels": {"x": "y"}, "resourceVersion": "12", "uid": "u"},
        "spec": {"entrypoint": "a", "templates": [{"name": "a", "container": {"image": "alpine"}}]},
        "status": {},
    }
    (m,) = compiled(decl("manifest", "legacy", a("content", content)))
    assert m["metadata"] == {
        "name": "legacy",
        "namespace": "pipeline",
        "labels": {"x": "y", MANAGED_BY_LABEL: "gp", STACK_LABEL: "geo"},
        "annotations": {ADDRESS_ANNOTATION: "manifest.legacy"},
    }
    assert "status" not in m
    assert m["spec"] == content["spec"]


def test_compile_object_is_the_manifest_callback():
    d = decl("workflow_template", "wt", b("step", "a", container()))
    m = compile_object(d, ProviderConfig("kubernetes", {"namespace": "ns1"}), "geo")
    assert m["metadata"]["namespace"] == "ns1"
    bad = decl("workflow_template", "wt", a("pod_gcc", {}, line=4, col=3))
    with pytest.raises(DiagnosticsError) as err:
        compile_object(bad, ProviderConfig("kubernetes", {}), "geo")
    assert (
        str(err.value)
        == 'main.gp.hcl:4:3: unknown field "pod_gcc" in workflow_template "wt"; did you mean "pod_gc"?'
    )


def test_plugin_template_as_open_data():
    spec = spec_of(
        b("step", "hello", b("plugin", b("hello", a("text", "hi"), a("Mixed_Key", 1)))),
        b("step", "again", a("plugin", {"hello": {"text": "again"}})),
    )
    assert spec["templates"][1] == {
        "name": "hello",
        "plugin": {"hello": {"text": "hi", "Mixed_Key": 1}},
    }
    assert spec["templates"][2] == {"name": "again", "plugin": {"hello": {"text": "again"}}}


def test_labelled_repeated_blocks_and_env_value_from():
    spec = spec_of(
        b("volume", "data", a("empty_dir", {})),
        b("hook", "exit", a("template", "bye")),
        b("container", "bye", a("image", "alpine")),
        b(
            "step",
            "a",
            container(
                "alpine",
                a(
                    "env",
                    {
                        "TOKEN": {
                            "value_from": {"secret_key_ref": {"name": "creds", "key": "token"}}
                        },
                        "PLAIN": "x",
                    },
                ),
            ),
        ),
    )
    assert spec["volumes"] == [{"name": "data", "emptyDir": {}}]
    assert spec["hooks"] == {"exit": {"template": "bye"}}
    env = spec["templates"][2]["container"]["env"]
    assert env == [
        {"name": "TOKEN", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "token"}}},
        {"name": "PLAIN", "value": "x"},
    ]


def test_map_block_and_int_or_string():
    spec = spec_of(
        b("node_selector", a("pool", "big"), a("zone.example/Key.X", 1)),
        b(
            "step",
            "a",
            a("active_deadline_seconds", "{{inputs.parameters.t}}"),
            b("parameter", "t", a("default", "60")),
            container(),
        ),
        b("step", "n", a("with_sequence", {"count": 5.0}), container()),
    )
    assert spec["nodeSelector"] == {"pool": "big", "zone.example/Key.X": "1"}
    assert spec["templates"][1]["activeDeadlineSeconds"] == "{{inputs.parameters.t}}"
    assert spec["templates"][0]["dag"]["tasks"][1]["withSequence"] == {"count": 5}
