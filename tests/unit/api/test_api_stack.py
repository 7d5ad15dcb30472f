"""gp.Stack on the directory provider: validate, objects, plan, apply, saved plans, the lock,
stale plans, ownership, and no shared state between stacks."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
import yaml
from api_helpers import TEMPLATE, write_module

import gp
from gp.cli.main import main


def test_validate_is_empty_when_clean_and_counts_the_objects(workspace: Path):
    found = gp.Stack(workspace / "examples" / "sen2cor").validate()
    assert found == [] and found.valid
    assert found.objects == 1


def test_validate_lists_every_problem_with_file_line_and_column(tmp_path: Path, capsys):
    root = write_module(
        tmp_path / "m",
        TEMPLATE.replace('command = ["echo", "hi"]', "command = var.nope")
        + '\noutput "x" {\n  value = local.missing\n}\n',
    )
    found = gp.Stack(root).validate()
    assert len(found.errors) == 2 and not found.valid
    first = found.errors[0]
    assert isinstance(first, gp.Diagnostic)
    assert first.file == str(root / "main.gp.hcl") and first.line > 0 and first.column > 0
    # The CLI reports the same diagnostics (it calls this same method).
    assert main(["validate", "--json", "-C", str(root)]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert [(d["line"], d["column"], d["message"]) for d in doc["diagnostics"]] == [
        (d.line, d.column, d.message) for d in found
    ]


def test_validate_of_unparsable_files_returns_the_syntax_error(tmp_path: Path):
    root = write_module(tmp_path / "m", 'workflow_template "x" {\n  step "a" {\n')
    found = gp.Stack(root).validate()
    assert found.errors and found.errors[0].line is not None and found.objects == 0


def test_objects_are_what_render_prints_and_are_copies(tmp_path: Path):
    stack = gp.Stack(
        write_module(tmp_path / "m", TEMPLATE), vars={"image": "alpine:3", "retries": 2}
    )
    objects = stack.objects()
    assert objects == list(yaml.safe_load_all(stack.render("yaml")))
    assert objects[0]["spec"]["templates"][1]["container"]["image"] == "alpine:3"
    assert objects[0]["spec"]["templates"][1]["retryStrategy"] == {"limit": 2}
    objects[0]["metadata"]["name"] = "edited"
    assert stack.objects()[0]["metadata"]["name"] == "hello"
    assert stack.addresses() == ["workflow_template.hello"]


def test_var_files_and_vars_apply_in_order(tmp_path: Path):
    root = write_module(tmp_path / "m", TEMPLATE)
    (tmp_path / "vars.gpvars.hcl").write_text('image = "from-file:1"\n')
    only_file = gp.Stack(root, var_files=[tmp_path / "vars.gpvars.hcl"])
    both = gp.Stack(root, var_files=[tmp_path / "vars.gpvars.hcl"], vars={"image": "from-var:2"})
    image = lambda s: s.objects()[0]["spec"]["templates"][1]["container"]["image"]  # noqa: E731
    assert (image(only_file), image(both)) == ("from-file:1", "from-var:2")


def test_plan_apply_and_plan_again(workspace: Path):
    stack = gp.Stack(workspace / "examples" / "whalesay-diamond")
    plan = stack.plan()
    assert plan.summary == {"add": 1, "change": 0, "destroy": 0}
    assert [(c.address, c.action, c.kind) for c in plan.changes] == [
        ("workflow_template.whalesay-diamond", "create", "WorkflowTemplate")
    ]
    result = stack.apply(plan)
    assert result.ok and result.applied == ["workflow_template.whalesay-diamond"]
    assert result.failed == {} and result.not_attempted == []
    assert "Apply complete! Resources: 1 added, 0 changed, 0 destroyed." in result.text()
    again = stack.plan()
    assert not again.has_changes and [c.action for c in again.changes] == ["no-op"]
    assert stack.state().addresses == ["workflow_template.whalesay-diamond"]


def test_an_update_lists_its_fields(tmp_path: Path):
    root = write_module(tmp_path / "m", TEMPLATE)
    gp.Stack(root).apply()
    plan = gp.Stack(root, vars={"image": "busybox:1.37"}).plan()
    assert plan.summary == {"add": 0, "change": 1, "destroy": 0}
    [change] = plan.changes
    assert change.action == "update"
    assert [(f.path, f.before, f.after) for f in change.fields] == [
        ('spec.templates["say"].container.image', "busybox:1.36", "busybox:1.37")
    ]


def test_targets_destroy_and_refresh_only(tmp_path: Path):
    other = (
        'workflow_template "other" {\n  step "a" {\n    container {\n      image = "x:1"\n'
        '      command = ["true"]\n    }\n  }\n}\n'
    )
    root = write_module(tmp_path / "m", TEMPLATE + other)
    stack = gp.Stack(root)
    assert stack.plan(target="workflow_template.other").summary["add"] == 1
    assert stack.plan().summary["add"] == 2
    stack.apply()
    assert stack.plan(refresh_only=True).mode == "refresh-only"
    assert stack.plan(destroy=True).summary == {"add": 0, "change": 0, "destroy": 2}
    with pytest.raises(gp.PlanError, match="cannot be combined"):
        stack.plan(destroy=True, refresh_only=True)
    with pytest.raises(gp.PlanError, match="target nope"):
        stack.plan(target="nope")
    assert stack.destroy().ok and stack.state().addresses == []


def test_save_load_and_apply_a_saved_plan(tmp_path: Path):
    root = write_module(tmp_path / "m", TEMPLATE)
    stack = gp.Stack(root)
    path = stack.plan().save(tmp_path / "p.json")
    loaded = gp.Plan.load(path)
    assert loaded.summary == {"add": 1, "change": 0, "destroy": 0}
    assert stack.apply(tmp_path / "p.json").applied == ["workflow_template.hello"]
    # The CLI reads the same file format.
    stack.plan(destroy=True).save(tmp_path / "d.json")
    assert main(["apply", "-C", str(root), str(tmp_path / "d.json")]) == 0
    assert stack.state().addresses == []


def test_a_stale_plan_is_refused(tmp_path: Path):
    root = write_module(tmp_path / "m", TEMPLATE)
    stack = gp.Stack(root)
    first = stack.plan()
    gp.Stack(root, vars={"image": "other:1"}).apply()
    with pytest.raises(gp.StalePlanError, match="stale"):
        stack.apply(first)


def test_a_plan_for_another_stack_is_refused(tmp_path: Path):
    a = gp.Stack(write_module(tmp_path / "a", TEMPLATE, stack="a"))
    b = gp.Stack(write_module(tmp_path / "b", TEMPLATE, stack="b", deploy="../a/deploy"))
    with pytest.raises(gp.StalePlanError, match="made for the stack 'a', not 'b'"):
        b.apply(a.plan())


def test_a_held_lock_stops_another_plan(tmp_path: Path):
    stack = gp.Stack(write_module(tmp_path / "m", TEMPLATE))
    with stack.lock() as session:
        with pytest.raises(gp.LockError) as err:
            gp.Stack(stack.root).plan()
        assert session.lock_id in str(err.value)
        plan = session.plan()
        assert session.apply(plan).ok
    assert gp.Stack(stack.root).plan().has_changes is False


def test_objects_owned_by_another_stack_are_not_taken(tmp_path: Path):
    a = gp.Stack(write_module(tmp_path / "a", TEMPLATE, stack="a"))
    a.apply()
    b = gp.Stack(write_module(tmp_path / "b", TEMPLATE, stack="b", deploy="../a/deploy"))
    plan = b.plan()
    assert plan.errors and "a" in plan.errors[0]
    with pytest.raises(gp.DiagnosticsError):
        b.apply()
    with pytest.raises(gp.PlanError, match="has errors"):
        b.apply(plan)


def test_errors_carry_file_line_and_column(tmp_path: Path):
    root = write_module(tmp_path / "m", TEMPLATE.replace("var.image", "var.imag"))
    with pytest.raises(gp.DiagnosticsError) as err:
        gp.Stack(root).plan()
    [diag] = err.value.diagnostics
    assert diag.file.endswith("main.gp.hcl") and diag.line and diag.column
    assert "imag" in diag.message


def test_two_stacks_of_one_module_on_two_targets_side_by_side(tmp_path: Path):
    root = write_module(tmp_path / "m", TEMPLATE)
    one = gp.Stack(root, provider={"directory": {"path": str(tmp_path / "one")}})
    two = gp.Stack(
        root,
        provider={"directory": {"path": tmp_path / "two", "namespace": "other"}},
        vars={"image": "x:1"},
    )
    plan_one, plan_two = one.plan(), two.plan()
    assert one.apply(plan_one).ok
    assert two.plan().summary["add"] == 1, "the second target is untouched"
    assert two.apply(plan_two).ok
    assert (tmp_path / "one").is_dir() and (tmp_path / "two").is_dir()
    assert not (root / "deploy").exists()
    assert two.objects()[0]["metadata"]["namespace"] == "other"
    with pytest.raises(gp.StalePlanError, match="made for directory"):
        one.apply(plan_two)


def test_stacks_in_threads_do_not_share_state(tmp_path: Path):
    stacks = [
        gp.Stack(
            write_module(tmp_path / f"m{i}", TEMPLATE, stack=f"s{i}"), vars={"image": f"img:{i}"}
        )
        for i in range(4)
    ]
    results: dict[int, object] = {}

    def go(i: int) -> None:
        results[i] = stacks[i].apply()

    threads = [threading.Thread(target=go, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(results[i].ok for i in range(4))
    for i, stack in enumerate(stacks):
        assert stack.state().addresses == ["workflow_template.hello"]
        assert stack.objects()[0]["spec"]["templates"][1]["container"]["image"] == f"img:{i}"


def test_a_provider_override_is_checked_as_the_block_is(tmp_path: Path):
    root = write_module(tmp_path / "m", TEMPLATE)
    with pytest.raises(gp.ConfigError, match='unknown provider "s3"'):
        gp.Stack(root, provider={"s3": {}})
    with pytest.raises(gp.ConfigError, match='no setting "server"'):
        gp.Stack(root, provider={"kubernetes": {"server": "x"}})
    with pytest.raises(gp.ConfigError, match="DNS-1123"):
        gp.Stack(root, provider={"directory": {"path": "d", "namespace": "Bad_NS"}})
    with pytest.raises(gp.ConfigError, match="needs a path"):
        gp.Stack(root, provider={"directory": {}})


def test_graph_and_test(workspace: Path):
    stack = gp.Stack(workspace / "examples" / "whalesay-diamond")
    graph = stack.graph("workflow_template.whalesay-diamond")
    assert graph.tasks == {"main": ["A", "B", "C", "D"]}
    assert sorted(graph.edges["main"]) == [
        ("A", "B", ""),
        ("A", "C", ""),
        ("B", "D", ""),
        ("C", "D", ""),
    ]
    assert graph.format("text") == str(graph)
    with pytest.raises(gp.CompileError, match="no object nope"):
        stack.graph("nope")
    results = stack.test()
    assert results.ok and results.passed >= 1 and results.failed == 0
    assert "PASS" in results.text()


def test_adopt_and_unlock(tmp_path: Path):
    root = write_module(tmp_path / "m", TEMPLATE)
    gp.Stack(root, provider={"directory": {"path": str(tmp_path / "d")}}).apply()
    other = write_module(tmp_path / "n", TEMPLATE, stack="n", deploy=str(tmp_path / "d"))
    with pytest.raises(gp.PlanError, match="not declared"):
        gp.Stack(other).adopt("workflow_template.nope", "pipeline/hello")
    with gp.Stack(other).lock() as session:
        with pytest.raises(gp.LockError, match="not-the-id"):
            gp.Stack(other).unlock("not-the-id")
        assert gp.Stack(other).unlock(session.lock_id) == "n"
        assert gp.Stack(other).plan().has_changes, "the lock is free again"
