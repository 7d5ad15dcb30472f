"""The module's tests as a reviewer's check of a plan: run on the simulator against the code the
plan applies, when the module has test files and the plan changes a pipeline."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from gp.compile.objects import PIPELINE_KINDS, CompiledObject
from gp.errors import GPError
from gp.planner.plan import Action, PlanData
from gp.testing.files import load_tests, test_files
from gp.testing.runner import SimulatorBackend, TestReport, run_tests


def plan_tests(
    plan: PlanData, objects: Sequence[CompiledObject], root: Path
) -> TestReport | str | None:
    """The tests' report; why they do not load; or None when there is nothing to test."""
    changing = any(
        c.ref.kind in PIPELINE_KINDS and c.action not in (Action.NOOP, Action.DELETE)
        for c in plan.changes
    )
    if not changing or not test_files(root):
        return None
    try:
        return run_tests(objects, load_tests(root), (SimulatorBackend(),), None)
    except GPError as err:
        first = err.diagnostics[0].message if err.diagnostics else err.message
        return f"the tests do not load: {first}"
