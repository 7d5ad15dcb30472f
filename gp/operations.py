"""The stages tied together: load -> compile -> read -> plan -> apply.

The CLI and the integration tests call these; they hold no terminal logic and print nothing.
Each function takes everything it needs as arguments (no global clients or caches).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from gp.cache import outcomes
from gp.errors import (
    Diagnostic,
    DiagnosticsError,
    PlanError,
    ProviderError,
    SourcePos,
)

if TYPE_CHECKING:
    # Imported where used: a command served from the outcome cache never loads the parser,
    # the compiler or the Argo schema, and an offline command never loads a client.
    from gp.cache.blocks import Blocks
    from gp.compile.objects import CompiledObject
    from gp.config.model import Module, ProviderConfig
    from gp.config.reads import Reads
    from gp.planner.applied import ApplyReport
    from gp.planner.plan import Mode, PlanData
    from gp.providers.base import Interrupted, Progress, Provider, StackLock
    from gp.runs.actions import RunContext
    from gp.testing import TestBackend, TestReport


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gp"


@dataclass(frozen=True)
class Inputs:
    """What the user gave: the root module and variable values in command-line order."""

    root_dir: Path
    # ("var", "name=value") or ("var-file", "path"), in the order they were given.
    var_args: tuple[tuple[str, str], ...] = ()
    env: Mapping[str, str] = field(default_factory=dict)
    cache_dir: Path | None = None
    # In place of the module's provider block (the Python API's ``provider=``): one module
    # planned against several targets side by side.
    provider: ProviderConfig | None = None
    # One of the module's environments (--env); None: the default one, or a module without.
    environment: str | None = None
    # Where relative target paths start when the module is read from elsewhere (gp promote's
    # checkout of an earlier commit): the user's module folder.
    target_dir: Path | None = None


@dataclass(frozen=True)
class CompiledStack:
    # Served from the outcome cache, ``module.objects`` is empty: ``objects`` stand for them.
    module: Module
    objects: tuple[CompiledObject, ...]

    @property
    def inputs_hash(self) -> str:
        return inputs_hash(self.module, self.objects)


def load(
    inputs: Inputs,
    *,
    partial: bool = False,
    reads: Reads | None = None,
    blocks: Blocks | None = None,
) -> Module:
    """The module evaluated (object blocks whose inputs did not change: from ``blocks``)."""
    from gp.compile import compile_object
    from gp.config import load_module

    module = load_module(
        inputs.root_dir,
        partial=partial,
        var_order=[
            ("file" if kind == "var-file" else "var", value) for kind, value in inputs.var_args
        ],
        env=inputs.env,
        compile_object=blocks.object_compiler() if blocks is not None else compile_object,
        cache_dir=inputs.cache_dir,
        reads=reads,
        environment=inputs.environment,
        blocks=blocks,
    )
    if inputs.provider is not None:
        module.provider = inputs.provider
    module.target_dir = inputs.target_dir
    return module


def compile_inputs(inputs: Inputs, reads: Reads | None = None) -> CompiledStack:
    """The module's objects; raises DiagnosticsError listing every problem. ``reads`` is
    given what the load read (files, listings, tests), to watch them for changes."""
    outcome = _outcome(inputs, reads)
    return CompiledStack(outcome.module, outcome.objects)


def validate(inputs: Inputs) -> tuple[int, list[Diagnostic]]:
    """Every problem at once: evaluation errors and the Argo checks of the objects."""
    digest = _outcome_key(inputs)
    cached = outcomes.lookup(inputs.cache_dir, digest)
    if cached is not None:
        return cached.count, list(cached.diagnostics)
    from gp.config.reads import Reads

    reads = Reads()
    module, results, count, diagnostics = _checked(inputs, reads)
    if not module.diagnostics and not any(d.severity == "error" for d in diagnostics):
        _store(inputs, digest, reads, module, results, count, diagnostics)
    return count, diagnostics


def render(inputs: Inputs, fmt: str) -> str:
    """`gp render`'s text (``fmt`` "yaml" or "json") of the module's objects."""
    from gp.compile import emit

    cached = outcomes.lookup(inputs.cache_dir, _outcome_key(inputs))
    if cached is None:
        return emit.text(compile_inputs(inputs).objects, fmt)
    return outcomes.rendered(
        inputs.cache_dir, cached, fmt, lambda: emit.text(cached.outcome().objects, fmt)
    )


def _outcome_key(inputs: Inputs) -> str:
    # Validate's warnings name a cron's next daylight-saving dates: an entry lasts one day.
    day = datetime.now(UTC).date().isoformat()
    return outcomes.key(
        inputs.root_dir,
        inputs.var_args,
        dict(inputs.env),
        (inputs.provider, inputs.environment, inputs.target_dir),
        day,
    )


def _outcome(inputs: Inputs, seen: Reads | None = None) -> outcomes.Outcome:
    """Load and compile, or the cached outcome of the same inputs. The load is partial so that
    a clean one serves validate too; with errors it raises what a full load raises."""
    digest = _outcome_key(inputs)
    cached = outcomes.lookup(inputs.cache_dir, digest)
    if cached is not None:
        if seen is not None and cached.reads is not None:
            seen.update(cached.reads)
        return cached.outcome()
    from gp.config.reads import Reads

    reads = Reads() if seen is None else seen
    module, results, count, diagnostics = _checked(inputs, reads, strict=True)
    errors = [d for d in diagnostics if d.severity == "error"]
    if errors:
        raise DiagnosticsError(errors)
    return _store(inputs, digest, reads, module, results, count, diagnostics)


def _store(
    inputs: Inputs,
    digest: str,
    reads: Reads,
    module: Module,
    results,
    count: int,
    diagnostics: list[Diagnostic],
) -> outcomes.Outcome:
    outcome = outcomes.Outcome(
        replace(module, objects=[]),
        count,
        tuple(r.to_object() for r in results),
        tuple(diagnostics),
    )
    outcomes.store(inputs.cache_dir, digest, reads, outcome)
    return outcome


def _checked(inputs: Inputs, reads: Reads, strict: bool = False) -> tuple[Module, list, int, list]:
    """The module loaded (``strict``: raising its errors) and ``compile.module.checked``, with
    what the block memo (``gp.cache.blocks``) kept of earlier loads."""
    from gp.cache.blocks import Blocks
    from gp.compile.module import checked

    blocks = Blocks(inputs.cache_dir)
    module = load(inputs, partial=True, reads=reads, blocks=blocks)
    if strict and module.diagnostics:
        raise DiagnosticsError(list(module.diagnostics))
    found = checked(module, blocks.compiler(), blocks.checks) if blocks.store else checked(module)
    blocks.release()  # the load's graph refers back to it: let go of what it kept
    return (module, *found)


def test(
    inputs: Inputs,
    *,
    pattern: str | None = None,
    backends: Sequence[TestBackend] | None = None,
    engine: bool = False,
    keep_workflows: bool = False,
) -> TestReport:
    """`gp test`: the module's `*.gptest.hcl` tests, run on ``backends`` (the simulator when
    None) and, with ``engine``, also on the Argo engine of the module's Kubernetes target
    (each test's Workflow deleted once read, unless ``keep_workflows``); raises
    DiagnosticsError for errors in the module or its test files."""
    from gp.testing import SimulatorBackend, load_tests, run_tests

    compiled = compile_inputs(inputs)
    cases = load_tests(inputs.root_dir, cache_dir=inputs.cache_dir)
    chosen = list(backends or (SimulatorBackend(),))
    if engine:
        chosen.append(engine_backend(compiled.module, keep_workflows))
    return run_tests(compiled.objects, cases, tuple(chosen), pattern)


REFERENCE_MODES = ("Strict", "Secure")


def engine_backend(module: Module, keep: bool = False) -> TestBackend:
    """The tests' engine backend: runs in the provider's namespace, through its runs engine."""
    from gp.runs.awareness import template_referencing
    from gp.testing.engine import EngineBackend

    provider = provider_for(module)
    # A provider without an engine (the directory provider) says so in ProviderError.
    engine = provider.engine()
    # A controller in reference mode runs only Workflows that name an applied template.
    mode = template_referencing(engine.controller_config())
    return EngineBackend(
        engine, provider.target.namespace, keep=keep, by_reference=mode in REFERENCE_MODES
    )


def inputs_hash(module: Module, objects: Sequence[CompiledObject]) -> str:
    """A digest of everything the configuration asks for; a saved plan records it."""
    doc = {
        "stack": module.stack,
        "provider": [module.provider.kind, module.provider.settings],
        "objects": {o.address: o.manifest for o in objects},
    }
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), default=str)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def provider_for(module: Module, cache_dir: Path | None = None) -> Provider:
    from gp.providers.factory import make_provider

    return make_provider(module.provider, module.target_base, cache_dir)


def plan(
    compiled: CompiledStack,
    provider: Provider,
    *,
    mode: Mode | None = None,
    targets: Sequence[str] = (),
    now: datetime | None = None,
    parallelism: int = 10,
) -> PlanData:
    """Read the target and diff (``mode`` None: a normal plan), the server confirming updates
    ``parallelism`` at a time. The caller holds the stack's lock around plan and apply."""
    from gp.external.git import git_commit
    from gp.planner import make_plan
    from gp.planner.plan import Mode

    module = compiled.module
    live = provider.read(module.stack, compiled.objects)
    made = make_plan(
        compiled.objects,
        live,
        stack=compiled.module.stack,
        target=provider.target,
        mode=Mode.NORMAL if mode is None else mode,
        targets=targets,
        confirm=provider.dry_run,
        inputs_hash=compiled.inputs_hash,
        now=now or datetime.now(UTC),
        secrets=module.sensitive_values,
        moves=module.moved,
        removals=module.removed,
        environment=module.environment,
        commit=git_commit(module.root_dir),
        root=module.root_dir,
        parallelism=parallelism,
    )
    return with_tests(with_runs(made, provider), compiled)


def with_tests(plan: PlanData, compiled: CompiledStack) -> PlanData:
    """The plan with how the module's tests fare on its code (gp/testing/runner.plan_tests)."""
    from gp.planner.plan import Action, TestsOutcome

    if all(c.action in (Action.NOOP, Action.DELETE) for c in plan.changes):
        return plan  # nothing for the tests to run on (plan_tests says so too): none loaded
    from gp.render.tests import first_failure
    from gp.testing.runner import plan_tests

    root = compiled.module.root_dir
    found = plan_tests(plan, compiled.objects, root)
    if found is None:
        return plan
    if isinstance(found, str):
        return replace(plan, tests=TestsOutcome(0, 0, found))
    first = first_failure(found, lambda f: os.path.relpath(f, root))
    return replace(plan, tests=TestsOutcome(len(found.results), found.failed, first))


def with_runs(plan: PlanData, provider: Provider) -> PlanData:
    """The plan with the runs and crons of the templates it changes (gp/runs/awareness.py)."""
    from gp.planner.plan import Action

    if not any(c.action in (Action.UPDATE, Action.DELETE, Action.REPLACE) for c in plan.changes):
        return plan  # no template changes (awareness says so too): no engine, no runs code
    from gp.runs import awareness

    try:
        engine = provider.engine()
    except ProviderError:  # the directory provider: nothing runs there
        engine = None
    return awareness.with_runs(plan, engine)


def run_context(compiled: CompiledStack, provider: Provider, who: str | None = None) -> RunContext:
    """What the run operations (gp/runs/actions.py) work with: the stack, the provider's
    engine and the callbacks they need of the stages above them. Raises ProviderError on a
    provider with no engine (the directory provider)."""
    from gp.external.git import git_commit
    from gp.external.identity import whoami
    from gp.runs.actions import RunContext

    module = compiled.module
    return RunContext(
        stack=module.stack,
        objects=compiled.objects,
        inputs_hash=compiled.inputs_hash,
        namespace=provider.target.namespace,
        engine=provider.engine(),
        who=who or whoami(),
        plan=lambda targets: plan(compiled, provider, targets=targets),
        record=lambda: provider.owned(module.stack),
        commit=lambda: git_commit(module.root_dir),
        secrets=frozenset(module.sensitive_values),
    )


def read_plan_file(path: Path) -> PlanData:
    """A saved plan; a file that is not one is named in the error (with the line when JSON)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanError(f"{path}: cannot read the plan file: {exc}") from exc
    from gp.planner.serialize import load_plan

    try:
        return load_plan(text)
    except PlanError as exc:
        cause = exc.__cause__
        if isinstance(cause, json.JSONDecodeError):
            raise PlanError(
                f"plan file is not JSON: {cause.msg}",
                SourcePos(str(path), cause.lineno, cause.colno),
            ) from exc
        raise PlanError(f"{path}: {exc.message}") from exc
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        # A plan file edited by hand or cut short: say which file, not where in gp it broke.
        raise PlanError(f"{path}: not a valid gp plan file ({type(exc).__name__}: {exc})") from exc


def apply(
    plan: PlanData,
    provider: Provider,
    *,
    force_conflicts: bool = False,
    parallelism: int = 10,
    progress: Progress | None = None,
    lock: StackLock | None = None,
    interrupted: Interrupted | None = None,
) -> ApplyReport:
    """Write ``plan``; each write first checks that ``lock`` (the stack's, held by the caller)
    is still held and that ``interrupted()`` is false, and the run stops when not."""
    return provider.apply(
        plan,
        force_conflicts=force_conflicts,
        parallelism=parallelism,
        progress=progress,
        lock=lock,
        interrupted=interrupted,
    )
