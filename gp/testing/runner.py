"""Running test cases on backends and checking what they report against the expectations.

A backend turns a ``Scenario`` into a ``Run``. The simulator is one; a real Argo engine
(`gp test --engine`) is another, plugged in through the same ``Backend`` protocol, so a test
runs unchanged on both and their reports can be compared side by side.
"""

from __future__ import annotations

import fnmatch
import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from gp.compile.objects import PIPELINE_KINDS, CompiledObject
from gp.errors import ConfigError, GPError, NotModelledError, SimulationError
from gp.planner.plan import Action, PlanData
from gp.simulate import Scenario, SimulatedRun, simulate
from gp.suggest import did_you_mean
from gp.testing.files import TestCase, load_tests, test_files
from gp.testing.keys import unknown_keys


class TestBackend(Protocol):
    name: str

    def run(self, scenario: Scenario) -> SimulatedRun: ...


class SimulatorBackend:
    name = "simulator"

    def run(self, scenario: Scenario) -> SimulatedRun:
        return simulate(scenario)


@dataclass(frozen=True)
class Mismatch:
    what: str  # "phase", "task" or "order"
    name: str  # the task (or the order chain), "" for the Workflow's phase
    expected: str
    got: str


@dataclass(frozen=True)
class Check:
    """One backend's run of one test."""

    backend: str
    run: SimulatedRun | None
    mismatches: tuple[Mismatch, ...] = ()
    error: str = ""  # the run could not be made: not modelled, a missing output, ...
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.error and not self.mismatches


@dataclass(frozen=True)
class TestResult:
    case: TestCase
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def disagreements(self) -> tuple[str, ...]:
        """Where backends that both ran report differently, expected or not: with the engine
        beside the simulator, any line here is a simulator bug until shown otherwise."""
        ran = [c for c in self.checks if c.run is not None]
        out: list[str] = []
        for base, other in itertools.pairwise(ran):
            assert base.run is not None and other.run is not None
            if base.run.phase != other.run.phase:
                out.append(
                    f"workflow phase: {base.backend} {base.run.phase}, {other.backend} {other.run.phase}"
                )
            a = {n.name: n.phase for n in base.run.nodes if n.name}
            b = {n.name: n.phase for n in other.run.nodes if n.name}
            for name in sorted(set(a) | set(b)):
                if a.get(name) != b.get(name):
                    out.append(
                        f'node "{name}": {base.backend} {a.get(name, "(none)")}, '
                        f"{other.backend} {b.get(name, '(none)')}"
                    )
        return tuple(out)


@dataclass(frozen=True)
class TestReport:
    results: tuple[TestResult, ...]

    @property
    def passed(self) -> int:
        return sum(r.ok for r in self.results)

    @property
    def failed(self) -> int:
        return len(self.results) - self.passed


def select(cases: Sequence[TestCase], pattern: str | None) -> list[TestCase]:
    """Tests whose name matches ``pattern``: a glob when it has * ? or [, else a substring."""
    if not pattern:
        return list(cases)
    if any(c in pattern for c in "*?["):
        return [c for c in cases if fnmatch.fnmatchcase(c.name, pattern)]
    return [c for c in cases if pattern in c.name]


def scenario_for(case: TestCase, objects: Sequence[CompiledObject]) -> Scenario:
    by_address = {o.address: o for o in objects}
    obj = by_address.get(case.pipeline)
    if obj is None:
        hint = did_you_mean(case.pipeline, by_address)
        raise ConfigError(
            f'pipeline "{case.pipeline}" is not an object of the module{hint}', case.pipeline_pos
        )
    if obj.ref.kind not in PIPELINE_KINDS:
        raise ConfigError(
            f'pipeline "{case.pipeline}" is a {obj.ref.kind}, not a template or cron',
            case.pipeline_pos,
        )
    return Scenario(
        pipeline=obj.manifest,
        manifests=tuple(o.manifest for o in objects),
        arguments=case.arguments,
        outcomes=case.outcomes,
        outputs=case.outputs,
    )


def check(case: TestCase, run: SimulatedRun) -> tuple[Mismatch, ...]:
    found: list[Mismatch] = []
    expect = case.expect
    if expect.phase is not None and run.phase != expect.phase:
        found.append(Mismatch("phase", "", expect.phase, run.phase))
    for task, phase in expect.tasks.items():
        node = run.find(task)
        got = node.phase if node is not None else "(no such node)"
        if got != phase:
            found.append(Mismatch("task", task, phase, got))
    for chain in expect.order:
        for before, after in itertools.pairwise(chain):
            a, b = run.find(before), run.find(after)
            if (
                a is None
                or b is None
                or a.started is None
                or b.started is None
                or a.started >= b.started
            ):
                found.append(
                    Mismatch(
                        "order",
                        f"{before} -> {after}",
                        f"{before} starts before {after}",
                        _started(before, a) + ", " + _started(after, b),
                    )
                )
    return tuple(found)


def _started(name: str, node) -> str:
    if node is None:
        return f"{name}: no such node"
    if node.started is None:
        return f"{name} never started ({node.phase})"
    return f"{name} started at step {node.started}"


def run_case(case: TestCase, scenario: Scenario, backend: TestBackend) -> Check:
    start = time.perf_counter()
    try:
        run = backend.run(scenario)
    except NotModelledError as e:
        return Check(
            backend.name,
            None,
            error=f"not modelled: {e.message}",
            seconds=time.perf_counter() - start,
        )
    except SimulationError as e:
        return Check(backend.name, None, error=e.message, seconds=time.perf_counter() - start)
    return Check(backend.name, run, check(case, run), seconds=time.perf_counter() - start)


def run_tests(
    objects: Sequence[CompiledObject],
    cases: Sequence[TestCase],
    backends: Sequence[TestBackend] = (SimulatorBackend(),),
    pattern: str | None = None,
) -> TestReport:
    chosen = select(cases, pattern)
    if not chosen:
        raise ConfigError(
            f'no test matches --filter "{pattern}"; the tests are: '
            + ", ".join(f'"{c.name}"' for c in cases)
        )
    results = []
    for case in chosen:
        scenario = scenario_for(case, objects)
        tables = {"outcomes": case.outcomes, "outputs": case.outputs}
        unknown = unknown_keys(scenario, case.pipeline, tables)
        if unknown:  # a key nothing reads would let the test pass by accident
            error = "; ".join(unknown)
            results.append(
                TestResult(case, tuple(Check(b.name, None, error=error) for b in backends))
            )
            continue
        results.append(TestResult(case, tuple(run_case(case, scenario, b) for b in backends)))
    return TestReport(tuple(results))


def plan_tests(
    plan: PlanData, objects: Sequence[CompiledObject], root: Path
) -> TestReport | str | None:
    """The module's tests as a reviewer's check of a plan, on the simulator against the code
    it applies: the report; why the tests do not load; or None when the module has no test
    files or the plan changes no pipeline."""
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
