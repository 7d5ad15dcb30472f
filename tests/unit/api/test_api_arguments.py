"""gp.Stack's and gp.Run's arguments are checked where they come in: a wrong type or value is
a gp.GPError saying what was expected, never a TypeError from deep inside or a silent misread
(a string of paths read as its characters, a negative limit used as a slice)."""

from __future__ import annotations

import pytest
from fake_engine import ADDR, workflow

import gp


def _refused(call, *words: str) -> None:
    with pytest.raises(gp.GPError) as err:
        call()
    assert not isinstance(err.value, TypeError)
    for word in words:
        assert word in err.value.message, err.value.message


def test_constructor_arguments(tmp_path):
    _refused(lambda: gp.Stack(tmp_path, var_files="prod.gpvars"), "var_files", "list")
    _refused(lambda: gp.Stack(tmp_path, vars=["a=1"]), "vars", "mapping")
    _refused(lambda: gp.Stack(tmp_path, vars={3: "x"}), "vars", "name")
    _refused(lambda: gp.Stack(tmp_path, env={"A": 1}), "env", "strings")
    _refused(lambda: gp.Stack(42), "path")
    _refused(lambda: gp.Stack(tmp_path, provider={"kubernetes": "x"}), "provider", "settings")


def test_plan_and_apply_arguments(stack):
    _refused(lambda: stack.plan(lock_timeout="2m"), "lock_timeout", "seconds")
    _refused(lambda: stack.plan(lock_timeout=-1), "lock_timeout", "seconds")
    _refused(lambda: stack.plan(targets="workflow_template.secretive"), "targets", "list")
    _refused(lambda: stack.plan(target=3), "target")
    _refused(lambda: stack.plan(destroy="yes"), "destroy", "True or False")
    _refused(lambda: stack.apply(42), "plan", "gp.Plan", "int")
    _refused(lambda: stack.apply(parallelism=0), "parallelism")
    _refused(lambda: stack.apply(parallelism="4"), "parallelism")
    _refused(lambda: stack.lock(timeout="soon").__enter__(), "timeout", "seconds")
    _refused(lambda: stack.render(3), "format")
    _refused(lambda: stack.graph(3), "address")
    _refused(lambda: stack.test(3), "pattern")


def test_run_arguments(stack, engine):
    stack.apply()
    engine.add(workflow("wf-1", "Running"))
    _refused(lambda: stack.get_run(None), "run", "string")
    _refused(lambda: stack.get_run(""), "is not a run name")
    _refused(lambda: stack.runs(limit=-1), "limit", "whole number of 1 or more")
    _refused(lambda: stack.runs(limit=0), "limit")
    _refused(lambda: stack.runs(limit="5"), "limit")
    _refused(lambda: stack.runs(status=3), "status")
    _refused(lambda: stack.run(ADDR, parameters=["tile"]), "parameters", "mapping")
    _refused(lambda: stack.run(ADDR, annotations={"k": 3}), "annotations", "strings")
    _refused(lambda: stack.run(3), "address")
    _refused(lambda: stack.run(ADDR, name=7), "name")
    run = stack.get_run("wf-1")
    _refused(lambda: run.wait(timeout="1m"), "timeout", "seconds")
    _refused(lambda: run.logs(3), "task")
    assert [r.name for r in stack.runs(limit=1)] == ["wf-1"]  # the right ones still work


def test_values_that_are_neither_strings_nor_json_and_plan_paths(stack, engine):
    stack.apply()
    _refused(lambda: stack.run(ADDR, tile=object()), "parameter 'tile'")
    _refused(lambda: gp.Plan.load(3), "plan file's path")
