"""The stages tied together: load -> compile -> read -> plan -> apply.

The CLI and the integration tests call these; they hold no terminal logic and print nothing.
Each function takes everything it needs as arguments (no global clients or caches).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
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
    StalePlanError,
)
from gp.suggest import did_you_mean

if TYPE_CHECKING:
    # Imported where used: a command served from the outcome cache never loads the parser,
    # the compiler or the Argo schema, and an offline command never loads a client.
    from gp.compile.objects import CompiledObject, ObjectRef
    from gp.config.model import Block, Module, ProviderConfig
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


@dataclass(frozen=True)
class CompiledStack:
    # Served from the outcome cache, ``module.objects`` is empty: ``objects`` stand for them.
    module: Module
    objects: tuple[CompiledObject, ...]

    @property
    def inputs_hash(self) -> str:
        return inputs_hash(self.module, self.objects)


def load(inputs: Inputs, *, partial: bool = False, reads: Reads | None = None) -> Module:
    from gp.compile import compile_object
    from gp.config import load_module

    module = load_module(
        inputs.root_dir,
        partial=partial,
        var_order=[
            ("file" if kind == "var-file" else "var", value) for kind, value in inputs.var_args
        ],
        env=inputs.env,
        compile_object=compile_object,
        cache_dir=inputs.cache_dir,
        reads=reads,
    )
    if inputs.provider is not None:
        module.provider = inputs.provider
    return module


def compile_inputs(inputs: Inputs) -> CompiledStack:
    """The module's objects; raises DiagnosticsError listing every problem."""
    outcome = _outcome(inputs)
    return CompiledStack(outcome.module, outcome.objects)


def validate(inputs: Inputs) -> tuple[int, list[Diagnostic]]:
    """Every problem at once: evaluation errors and the Argo checks of the objects."""
    digest = _outcome_key(inputs)
    cached = outcomes.lookup(inputs.cache_dir, digest)
    if cached is not None:
        return cached.count, list(cached.diagnostics)
    from gp.config.reads import Reads

    reads = Reads()
    module = load(inputs, partial=True, reads=reads)
    results, count, diagnostics = _checked(module)
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
    return outcomes.key(inputs.root_dir, inputs.var_args, dict(inputs.env), inputs.provider, day)


def _outcome(inputs: Inputs) -> outcomes.Outcome:
    """Load and compile, or the cached outcome of the same inputs. The load is partial so that
    a clean one serves validate too; with errors it raises what a full load raises."""
    digest = _outcome_key(inputs)
    cached = outcomes.lookup(inputs.cache_dir, digest)
    if cached is not None:
        return cached.outcome()
    from gp.config.reads import Reads

    reads = Reads()
    module = load(inputs, partial=True, reads=reads)
    if module.diagnostics:
        raise DiagnosticsError(list(module.diagnostics))
    results, count, diagnostics = _checked(module)
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
    import dataclasses

    outcome = outcomes.Outcome(
        dataclasses.replace(module, objects=[]),
        count,
        tuple(r.to_object() for r in results),
        tuple(diagnostics),
    )
    outcomes.store(inputs.cache_dir, digest, reads, outcome)
    return outcome


def _checked(module: Module) -> tuple[list, int, list[Diagnostic]]:
    """The compile results, the object count and validate's diagnostics.

    An attribute that failed to evaluate is missing from its block, so the compiler may then
    say the block lacks it ("needs workflow_template"); such findings, made at the position of
    a block holding a failed attribute, would only echo the real error and are dropped.
    """
    from gp.compile.module import compile_all, sort_diagnostics

    results, compile_diags = compile_all(module)
    blocks = sorted({pos for obj in module.objects for pos in _block_positions(obj.body)})
    echoed = set()
    for diag in module.diagnostics:
        if diag.pos:
            before = [p for p in blocks if p.file == diag.pos.file and p <= diag.pos]
            if before:
                echoed.add(before[-1])  # the innermost block opened before the failure
    kept = [d for d in compile_diags if d.pos not in echoed]
    return results, len(module.objects), sort_diagnostics([*module.diagnostics, *kept])


def test(
    inputs: Inputs,
    *,
    pattern: str | None = None,
    backends: Sequence[TestBackend] | None = None,
    engine: bool = False,
) -> TestReport:
    """`gp test`: the module's `*.gptest.hcl` tests, run on ``backends`` (the simulator when
    None) and, with ``engine``, also on the Argo engine of the module's Kubernetes target;
    raises DiagnosticsError for errors in the module or its test files."""
    from gp.testing import SimulatorBackend, load_tests, run_tests

    compiled = compile_inputs(inputs)
    cases = load_tests(inputs.root_dir, cache_dir=inputs.cache_dir)
    chosen = list(backends or (SimulatorBackend(),))
    if engine:
        chosen.append(engine_backend(compiled.module))
    return run_tests(compiled.objects, cases, tuple(chosen), pattern)


REFERENCE_MODES = ("Strict", "Secure")


def engine_backend(module: Module) -> TestBackend:
    """The tests' engine backend: runs in the provider's namespace, through its runs engine."""
    from gp.runs.awareness import template_referencing
    from gp.testing.engine import EngineBackend

    provider = provider_for(module)
    # A provider without an engine (the directory provider) says so in ProviderError.
    engine = provider.engine()
    # A controller in reference mode runs only Workflows that name an applied template.
    mode = template_referencing(engine.controller_config())
    return EngineBackend(engine, provider.target.namespace, by_reference=mode in REFERENCE_MODES)


def _block_positions(block: Block):
    yield block.pos
    for child in block.blocks:
        yield from _block_positions(child)


def inputs_hash(module: Module, objects: Sequence[CompiledObject]) -> str:
    """A digest of everything the configuration asks for; a saved plan records it."""
    doc = {
        "stack": module.stack,
        "provider": [module.provider.kind, module.provider.settings],
        "objects": {o.address: o.manifest for o in objects},
    }
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), default=str)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def provider_for(module: Module) -> Provider:
    from gp.providers.factory import make_provider

    return make_provider(module.provider, module.root_dir)


def plan(
    compiled: CompiledStack,
    provider: Provider,
    *,
    mode: Mode | None = None,
    targets: Sequence[str] = (),
    now: datetime | None = None,
) -> PlanData:
    """Read the target and diff (``mode`` None: a normal plan). The caller holds the stack's
    lock around plan and apply."""
    from gp.planner import make_plan
    from gp.planner.plan import Mode

    live = provider.read(compiled.module.stack, compiled.objects)
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
        secrets=compiled.module.sensitive_values,
    )
    return with_runs(made, provider)


def with_runs(plan: PlanData, provider: Provider) -> PlanData:
    """The plan with the runs in progress and the crons of each template it changes or
    deletes (gp/runs/awareness.py); unchanged on a provider with no engine."""
    from dataclasses import replace

    from gp.runs import awareness

    changing = awareness.changing_templates(plan)
    engine_of = getattr(provider, "engine", None)
    if not changing or engine_of is None:
        return plan
    try:
        engine = engine_of()
    except ProviderError:  # the directory provider: nothing runs there
        return plan
    cluster_wide = any(c.ref.kind == "ClusterWorkflowTemplate" for c in changing)
    namespaces = (
        [None]
        if cluster_wide
        else sorted(
            {plan.target.namespace} | {c.ref.namespace for c in changing if c.ref.namespace}
        )
    )
    workflows = [wf for ns in namespaces for wf in engine.list_workflows(ns)]
    crons = [c for ns in namespaces for c in engine.list_objects("CronWorkflow", ns)]
    config = engine.controller_config()
    runs, warnings = awareness.assess(
        plan, workflows, crons, awareness.template_referencing(config)
    )
    return replace(plan, runs=runs, warnings=warnings)


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


def check_plan_applies(plan: PlanData, provider: Provider, stack: str | None = None) -> None:
    """Refuse a saved plan made for another stack or target, or whose live objects changed
    since it was made."""
    if plan.errors:
        raise PlanError("the plan has errors and cannot be applied:\n" + "\n".join(plan.errors))
    if stack is not None and plan.stack != stack:
        raise StalePlanError(
            f"the plan was made for the stack {plan.stack!r}, not {stack!r}; make a new plan"
        )
    if plan.target != provider.target:
        raise StalePlanError(
            f"the plan was made for {describe_target(plan.target)}, "
            f"not {describe_target(provider.target)}; make a new plan"
        )
    from gp.planner.serialize import stale_refs

    changed = provider.changed_refs(stale_refs(plan))
    if changed:
        names = ", ".join(str(r) for r in sorted(changed))
        raise StalePlanError(
            f"the saved plan is stale: {names} changed since it was made; run gp plan again"
        )


def describe_target(target) -> str:
    where = target.server or "?"
    return f"{target.provider} {where} (namespace {target.namespace})"


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


def adopt(compiled: CompiledStack, provider: Provider, address: str, ident: str) -> ObjectRef:
    """`gp import ADDR NAMESPACE/NAME`: mark a live object as this stack's, under ADDR."""
    from gp.compile.objects import ObjectRef

    declared = {o.address: o for o in compiled.objects}
    obj = declared.get(address)
    if obj is None:
        hint = did_you_mean(address, declared)
        raise PlanError(
            f"{address} is not declared in the configuration{hint} "
            "(write its block first, then import)"
        )
    given_ns, _, name = ident.rpartition("/")
    namespace = given_ns or None
    if obj.ref.namespace is None and namespace:
        raise PlanError(f"{address} is cluster-scoped; give only its NAME")
    ref = ObjectRef(
        obj.ref.api_version, obj.ref.kind, namespace if obj.ref.namespace else None, name
    )
    if (ref.namespace, ref.name) != (obj.ref.namespace, obj.ref.name):
        raise PlanError(
            f"{address} declares {obj.ref}, not {ref}; "
            "set its name and namespace to match the object you import"
        )
    provider.adopt(ref, compiled.module.stack, address)
    return ref
