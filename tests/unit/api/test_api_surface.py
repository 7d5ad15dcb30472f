"""The public surface: what `import gp` offers is exactly the list below, each name is
documented (a docstring, and docs/python.md), and the package is typed."""

from __future__ import annotations

import dataclasses
import inspect
import subprocess
import sys
from pathlib import Path

import gp

REPO = Path(__file__).resolve().parents[3]

PUBLIC = {
    "__version__",
    "Stack",
    "Session",
    "Plan",
    "Change",
    "FieldChange",
    "Backfill",
    "ApplyResult",
    "Diagnostics",
    "Graph",
    "TestResults",
    "StackState",
    "StateChange",
    "EnvironmentStatus",
    "EnvironmentRequired",
    "Run",
    "RunRefused",
    "Node",
    "LogLine",
    "Diagnostic",
    "SourcePos",
    "GPError",
    "DiagnosticsError",
    "ConfigError",
    "CompileError",
    "PlanError",
    "StalePlanError",
    "ProviderError",
    "UnreachableError",
    "ConflictError",
    "LockError",
    "ApplyError",
    "RunError",
}

STACK_METHODS = {
    "suspend_cron",
    "resume_cron",
    "backfill",
    "validate",
    "compile",
    "objects",
    "addresses",
    "render",
    "graph",
    "test",
    "lock",
    "plan",
    "apply",
    "destroy",
    "state",
    "adopt",
    "unlock",
    "run",
    "runs",
    "get_run",
    "from_inputs",
    "from_arguments",
    "root",
    "inputs",
    "env",
    "with_env",
    "environments",
    "promote",
    "promotion",
    "plan_environments",
}


RUN_MEMBERS = {
    "retry",
    "raw",
    "snapshot",
    "name",
    "namespace",
    "ident",
    "phase",
    "done",
    "address",
    "message",
    "started_at",
    "finished_at",
    "parameters",
    "nodes",
    "refresh",
    "follow",
    "wait",
    "watch",
    "logs",
    "log_lines",
    "stop",
    "resubmit",
}

NODE_FIELDS = {
    "id",
    "name",
    "display_name",
    "type",
    "phase",
    "template",
    "boundary_id",
    "children",
    "started_at",
    "finished_at",
    "message",
    "inputs",
    "outputs",
}


def test_all_is_the_public_list_and_every_name_resolves():
    assert set(gp.__all__) == PUBLIC
    for name in gp.__all__:
        assert getattr(gp, name) is not None
    assert set(gp.__all__) <= set(dir(gp))


def test_every_public_name_and_method_has_a_docstring():
    for name in gp.__all__:
        if name == "__version__":
            continue
        obj = getattr(gp, name)
        assert inspect.getdoc(obj), name
        for attr, member in vars(obj).items():
            if attr.startswith("_") or not (
                callable(member) or isinstance(member, (property, classmethod))
            ):
                continue
            if isinstance(obj, type) and issubclass(obj, Exception):
                continue
            assert inspect.getdoc(getattr(obj, attr)), f"{name}.{attr}"


def test_the_stack_offers_what_docs_python_md_describes():
    public = {n for n in dir(gp.Stack) if not n.startswith("_")}
    assert public == STACK_METHODS
    doc = (REPO / "docs" / "python.md").read_text()
    for name in PUBLIC - {"__version__"}:
        assert f"gp.{name}" in doc, name
    for method in STACK_METHODS - {"from_inputs", "root", "inputs", "compile", "env"}:
        assert f".{method}(" in doc, method


def test_the_package_is_typed_and_importing_gp_is_light():
    assert (REPO / "gp" / "py.typed").is_file()
    # `import gp` alone loads none of the stages: the CLI's start and gp.errors stay cheap.
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import gp, sys; print('gp.api' in sys.modules, 'gp.operations' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    ).stdout
    assert out.split() == ["False", "False"]


def test_an_unknown_name_is_an_attribute_error():
    try:
        gp.NotAThing  # noqa: B018
    except AttributeError as err:
        assert "NotAThing" in str(err)
    else:
        raise AssertionError("gp.NotAThing resolved")


def test_the_run_types_offer_what_docs_python_md_describes():
    assert {n for n in dir(gp.Run) if not n.startswith("_")} == RUN_MEMBERS
    assert {f.name for f in dataclasses.fields(gp.Node)} == NODE_FIELDS
    assert {f.name for f in dataclasses.fields(gp.LogLine)} == {"time", "task", "text"}
    assert issubclass(gp.RunError, gp.GPError)
    doc = (REPO / "docs" / "python.md").read_text()
    for member in RUN_MEMBERS:
        assert f"run.{member}" in doc, member
    for name in (
        "phase",
        "started_at",
        "finished_at",
        "message",
        "inputs",
        "outputs",
        "display_name",
    ):
        assert f".{name}" in doc, name
