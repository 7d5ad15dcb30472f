"""`gp import --generate-config` writes only what compiles back to its input, or says what it cannot."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from gp.compile.module import compile_module, validate_module
from gp.config import load_module
from gp.errors import ConfigError, DiagnosticsError
from gp.importer import generate, generate_config, load_yaml_objects
from gp.importer.checked import generate_checked


def obj(spec: dict, kind: str = "WorkflowTemplate", **meta) -> dict:
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": kind,
        "metadata": {"name": "demo", **meta},
        "spec": spec,
    }


MAIN = {"name": "main", "container": {"image": "busybox"}}


def compiled(tmp_path: Path, text: str) -> dict:
    (tmp_path / "main.gp.hcl").write_text(text)
    (manifest,) = [c.manifest for c in compile_module(load_module(tmp_path, env={}))]
    return manifest


def test_repeated_fields_are_written_with_the_block_names_gp_reads(tmp_path: Path):
    spec = {
        "entrypoint": "main",
        "templates": [MAIN],
        "synchronization": {
            "mutexes": [{"name": "m"}],
            "semaphores": [{"configMapKeyRef": {"name": "c", "key": "k"}}],
        },
        "metrics": {"prometheus": [{"name": "runs", "help": "h", "counter": {"value": "1"}}]},
        "hostAliases": [{"ip": "10.0.0.1", "hostnames": ["a"]}],
        "volumes": [{"name": "v", "emptyDir": {}}],
    }
    text = generate_config([obj(spec)])
    for block in (
        'mutex "m" {}',
        "semaphore {",
        'prometheus "runs" {',
        "host_alias {",
        'volume "v" {',
    ):
        assert block in text
    for wrong in ("mutexe", "prometheu ", "semaphor ", "host_aliase", "volum "):
        assert wrong not in text
    assert compiled(tmp_path, text)["spec"]["synchronization"] == spec["synchronization"]


@pytest.mark.parametrize("block", ["mutexe", "volum", "templat"])
def test_misspelt_singulars_are_not_block_names(tmp_path: Path, block: str):
    inner = {
        "mutexe": 'synchronization {\n    mutexe {\n      name = "m"\n    }\n  }',
        "volum": 'volum "v" {\n    empty_dir = {}\n  }',
        "templat": 'templat "t" {\n    suspend {}\n  }',
    }[block]
    (tmp_path / "main.gp.hcl").write_text(
        f'workflow_template "w" {{\n  {inner}\n  step "a" {{\n    suspend {{}}\n  }}\n}}\n'
    )
    messages = [d.message for d in validate_module(load_module(tmp_path, env={}))]
    assert any(f'unknown block "{block}"' in m for m in messages), messages


def test_an_unknown_field_is_refused_naming_its_place():
    spec = {
        "entrypoint": "main",
        "templates": [{"name": "main", "container": {"image": "busybox", "imagee": "x"}}],
    }
    with pytest.raises(ConfigError) as err:
        generate_config([obj(spec)], source_names=["demo.yaml"])
    assert str(err.value) == (
        'demo.yaml: WorkflowTemplate demo: spec.templates[0].container.imagee: "imagee" is not '
        'a field of Argo\'s Container (did you mean "image"?); gp cannot express it'
    )


def test_an_unknown_field_inside_an_attribute_value_is_refused_too():
    spec = {
        "entrypoint": "main",
        "templates": [MAIN],
        "podGC": {"strategy": "OnPodSuccess", "colour": "red"},
    }
    with pytest.raises(ConfigError) as err:
        generate_config([obj(spec)])
    assert "spec.podGC.colour" in str(err.value)


def test_a_workflow_is_declared_as_a_template_with_a_note():
    wf = obj({"entrypoint": "main", "templates": [MAIN]}, kind="Workflow")
    wf["metadata"] = {"generateName": "hello-"}
    out = generate([wf], source_names=["wf.yaml"])
    note = (
        'a Workflow is one run: its spec is declared as the WorkflowTemplate "hello" (from its generateName '
        '"hello-"); run it with: argo submit --from workflowtemplate/hello'
    )
    assert out.notes == (f"wf.yaml: {note}",)
    assert f'# imported from wf.yaml\n# {note}\nworkflow_template "hello" {{' in out.text


def test_what_argo_refuses_at_run_time_is_imported_as_written_with_a_note():
    # Couler's pipelines name their templates with capitals: every run would end in Error.
    spec = {
        "entrypoint": "main",
        "templates": [
            {"name": "main", "dag": {"tasks": [{"name": "A", "template": "A"}]}},
            {"name": "A", "container": {"image": "alpine", "command": ["sh"]}},
        ],
    }
    out = generate_checked([obj(spec)], ["couler.yaml"])
    assert 'step "A" {' in out.text
    [note] = out.notes
    assert note.startswith(
        "couler.yaml: WorkflowTemplate demo: Argo refuses this at run time, so gp validate "
        'rejects it until it is fixed: template "A" runs in pods named'
    )


def test_dependencies_round_trip_as_dependencies():
    spec = {
        "entrypoint": "main",
        "templates": [
            {
                "name": "main",
                "dag": {
                    "tasks": [
                        {"name": "a", "template": "a"},
                        {"name": "b", "template": "b", "dependencies": ["a"]},
                    ]
                },
            },
            {"name": "a", "container": {"image": "busybox"}},
            {"name": "b", "container": {"image": "busybox"}},
        ],
    }
    out = generate_checked([obj(spec)], ["dag.yaml"])
    assert 'dependencies = ["a"]' in out.text and "step " not in out.text


def test_a_dag_that_mixes_depends_and_dependencies_cannot_round_trip():
    # Argo rejects such a DAG; gp's compile turns the list into depends, and import says so.
    spec = {
        "entrypoint": "main",
        "templates": [
            {
                "name": "main",
                "dag": {
                    "tasks": [
                        {"name": "a", "template": "a"},
                        {"name": "b", "template": "a", "depends": "a"},
                        {"name": "c", "template": "a", "dependencies": ["a"]},
                    ]
                },
            },
            {"name": "a", "container": {"image": "busybox"}},
        ],
    }
    with pytest.raises(DiagnosticsError) as err:
        generate_checked([obj(spec)], ["mix.yaml"])
    assert [d.message for d in err.value.diagnostics] == [
        'mix.yaml: WorkflowTemplate demo: gp cannot express spec.templates["main"].dag.tasks[2].dependencies '
        '(["a"]) is lost',
        'mix.yaml: WorkflowTemplate demo: gp cannot express spec.templates["main"].dag.tasks[2].depends = "a" '
        "appears, which the YAML does not have",
    ]


def test_configuration_gp_would_reject_is_never_written():
    spec = {"entrypoint": "main", "templates": [MAIN, {"name": "main", "suspend": {}}]}
    with pytest.raises(DiagnosticsError) as err:
        generate_checked([obj(spec)], ["dup.yaml"])
    (message,) = {d.message for d in err.value.diagnostics}
    assert message.startswith(
        "dup.yaml: workflow_template.demo: gp cannot express this object: the configuration "
        "written for it fails with: "
    )
    assert "main" in message


def test_a_yaml_alias_bomb_is_refused_fast(tmp_path: Path):
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(
        "kind: WorkflowTemplate\nmetadata:\n  name: b\n  annotations:\n"
        + "".join(f"    {line}\n" for line in lines)
    )
    assert bomb.stat().st_size < 1024
    start = time.monotonic()
    with pytest.raises(ConfigError) as err:
        load_yaml_objects([bomb])
    assert time.monotonic() - start < 2
    assert "expands past 1,000,000 values through its aliases" in err.value.message


def test_a_value_that_holds_itself_is_refused(tmp_path: Path):
    path = tmp_path / "loop.yaml"
    path.write_text("a: &a [*a]\n")
    with pytest.raises(ConfigError) as err:
        load_yaml_objects([path])
    assert "refers to a value that holds it" in err.value.message


def test_aliases_within_the_limit_and_timestamps_load(tmp_path: Path):
    path = tmp_path / "ok.yaml"
    path.write_text(
        "kind: WorkflowTemplate\nmetadata:\n  name: x\n  annotations: &a {when: 2024-01-01}\n"
        "spec:\n  templates:\n  - name: main\n    metadata:\n      annotations: *a\n    suspend: {}\n"
    )
    (doc,), _ = load_yaml_objects([path])
    assert doc["metadata"]["annotations"] == {"when": "2024-01-01"}
    assert doc["spec"]["templates"][0]["metadata"]["annotations"] == {"when": "2024-01-01"}


def test_docs_list_every_block_name_of_a_repeated_field():
    from gp.compile import schema
    from gp.compile.schema import FieldKind

    docs = (Path(__file__).resolve().parents[3] / "docs" / "language.md").read_text()
    table = docs[
        docs.index("## Block names of repeated fields") : docs.index("## Modules and files")
    ]
    seen: set[int] = set()
    missing = set()

    def walk(node):
        if id(node) in seen:
            return
        seen.add(id(node))
        for f in node.fields.values():
            # object metadata and status fields are not written in modules
            if f.kind in (FieldKind.LIST_OF_MODEL, FieldKind.MAP_OF_MODEL) and f.hcl_name not in (
                "managed_fields",
                "owner_references",
                "conditions",
            ):
                name = node.block_name(f)
                if (
                    f"`{name}`" not in table
                    and f"`{name} " not in table
                    and "_during_scheduling_" not in name
                ):
                    missing.add(name)
            if f.child:
                walk(f.child)

    walk(schema.workflow_spec())
    walk(schema.cron_workflow_spec())
    assert not missing


def _couler(step: str) -> dict:
    """A pipeline as Couler writes one: a Workflow named runpy, steps of their own templates,
    the same toleration added twice."""
    toleration = {"key": "ga.nodepool/type", "operator": "Exists", "effect": "NoSchedule"}
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Workflow",
        "metadata": {"generateName": "runpy-"},
        "spec": {
            "entrypoint": "runpy",
            "templates": [
                {"name": "runpy", "steps": [[{"name": step, "template": step}]]},
                {
                    "name": step,
                    "container": {"image": "python:3.12", "command": ["python", "-c", "1"]},
                    "tolerations": [toleration, toleration],
                },
            ],
        },
    }


def test_workflows_of_one_name_each_get_their_own_and_the_notes_say_so():
    out = generate_checked(
        [_couler("one"), _couler("two"), _couler("three")], ["a.yaml", "b.yaml", "c.yaml"]
    )
    assert out.names == ("runpy", "runpy-2", "runpy-3")
    assert (
        'workflow_template "runpy-2" {' in out.text and 'workflow_template "runpy-3" {' in out.text
    )
    assert (
        'b.yaml: Workflow runpy: a.yaml has one of that name too; this one is declared as "runpy-2"'
        in out.notes
    )


def test_gp_s_short_forms_where_they_compile_to_the_same_object():
    out = generate_checked([_couler("one")], ["a.yaml"])
    # The step holds the template it alone runs: container and template fields together.
    assert 'steps "runpy" {\n    step "one" {\n      container {' in out.text
    assert "\n  template " not in out.text and "toleration {" in out.text


def test_identical_repeats_are_kept_and_said_unless_merged():
    kept = generate_checked([_couler("one")], ["a.yaml"])
    assert kept.text.count("toleration {") == 2
    assert any(
        "tolerations holds 1 repeated entry, written as the YAML has them" in n for n in kept.notes
    )
    merged = generate_checked([_couler("one")], ["a.yaml"], merge_duplicates=True)
    assert merged.text.count("toleration {") == 1
    assert any("held 1 repeated entry, merged (--merge-duplicates)" in n for n in merged.notes)


def test_errors_name_the_yaml_never_a_scratch_file(tmp_path: Path):
    spec = {"entrypoint": "main", "templates": [MAIN, {"name": "main", "suspend": {}}]}
    with pytest.raises(DiagnosticsError) as err:
        generate_checked([obj(spec)], ["dup.yaml"], tmp_path / "out.gp.hcl")
    for d in err.value.diagnostics:
        assert "dup.yaml" in d.message and "gp-import" not in str(d)
    assert not (tmp_path / "out.gp.hcl").exists() and not list(tmp_path.iterdir())
