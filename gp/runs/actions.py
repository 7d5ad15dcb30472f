"""Run operations with explicit context: what `gp run`, `gp watch`, `gp runs`, `gp stop` and
`gp resubmit` do, returning values. The Python API and the web UI call these same functions."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from gp.compile.objects import PIPELINE_KINDS, CompiledObject
from gp.errors import RunError
from gp.planner.plan import Action, PlanData, StackRecord
from gp.runs import history
from gp.runs.model import RunSnapshot, run_from_workflow
from gp.runs.params import Declared, check, declared_parameters, overlay
from gp.runs.submit import Origin, Submission, build_workflow, user_annotations
from gp.runs.version import version_of
from gp.suggest import did_you_mean


class RunsEngine(Protocol):
    """Where runs execute: what the kubernetes provider's engine offers (providers/
    kubernetes_runs.py); the run operations read and write only through it."""

    def get_object(self, kind: str, namespace: str | None, name: str) -> dict | None: ...

    def list_objects(self, kind: str, namespace: str | None) -> list[dict]: ...

    def create_workflow(self, body: dict) -> dict: ...

    def get_workflow(self, namespace: str, name: str) -> dict | None: ...

    def list_workflows(self, namespace: str | None, selector: str = "") -> list[dict]: ...

    def watch_workflow(self, namespace: str, name: str) -> Iterator[dict]: ...

    def shutdown(self, namespace: str, name: str, mode: str) -> dict: ...

    def list_pods(self, namespace: str, workflow: str) -> list[dict]: ...

    def pod_log(self, namespace: str, pod: str, container: str) -> str: ...

    def follow_pod_log(self, namespace: str, pod: str, container: str) -> Any: ...

    def controller_config(self) -> dict | None: ...


@dataclass(frozen=True)
class RunContext:
    """A stack and where its runs execute, with what the run operations ask of the stages
    above them given as values and callbacks (gp.operations.run_context builds one)."""

    stack: str
    objects: tuple[CompiledObject, ...]  # the module as loaded now
    inputs_hash: str
    namespace: str  # the provider's: where a namespaced object without its own goes
    engine: RunsEngine
    who: str
    # A plan of these addresses against the target, for the drift check before a run.
    plan: Callable[[tuple[str, ...]], PlanData]
    # The stack's record, for the version of the template last applied.
    record: Callable[[], StackRecord]
    # (HEAD commit, dirty) of the module's folder, None outside git; asked only on submit.
    commit: Callable[[], tuple[str, bool] | None]
    secrets: frozenset[str] = frozenset()

    @property
    def namespaces(self) -> tuple[str, ...]:
        """Where the stack's runs may be: the provider's namespace first, then its objects'."""
        first = self.namespace
        others = sorted({o.ref.namespace for o in self.objects if o.ref.namespace} - {first})
        return (first, *others)


def runnable(objects_: Sequence[CompiledObject], address: str) -> CompiledObject:
    """The object at ``address``, if it is a pipeline (a template or a cron)."""
    objects = {o.address: o for o in objects_}
    obj = objects.get(address)
    if obj is None:
        choices = [a for a, o in objects.items() if o.ref.kind in PIPELINE_KINDS]
        hint = did_you_mean(address, choices)
        raise RunError(
            f"{address} is not declared in the configuration{hint}"
            f" (pipelines: {', '.join(choices) or 'none'})"
        )
    if obj.ref.kind not in PIPELINE_KINDS:
        raise RunError(f"{address} is a {obj.ref.kind}, which cannot be run")
    return obj


def drift_of(ctx: RunContext, obj: CompiledObject) -> str | None:
    """Why the live object is not what the module declares, or None when it is."""
    plan = ctx.plan((obj.address,))
    if any(d.address == obj.address for d in plan.drift):
        return f"{obj.address} was changed outside gp since it was applied"
    change = next((c for c in plan.changes if c.address == obj.address), None)
    if change is None or change.action is Action.NOOP:
        return None
    if change.action is Action.CREATE:
        return f"{obj.address} is not applied yet"
    return f"{obj.address} differs from the module (gp plan shows how)"


def _namespace(ctx: RunContext, obj: CompiledObject) -> str:
    return obj.ref.namespace or ctx.namespace


def _template_spec(ctx: RunContext, kind: str, namespace: str, name: str, what: str) -> dict:
    live = ctx.engine.get_object(kind, namespace, name)
    if live is None:
        raise RunError(f"{what} does not exist on the cluster ({kind} {name}); run gp apply first")
    return live.get("spec") or {}


def _declared(
    ctx: RunContext, obj: CompiledObject
) -> tuple[tuple[Declared, ...], dict | None, str]:
    """The parameters the live object declares, the live cron (for a cron) and what to call it."""
    ns = _namespace(ctx, obj)
    if obj.ref.kind != "CronWorkflow":
        spec = _template_spec(ctx, obj.ref.kind, ns, obj.ref.name, obj.address)
        return declared_parameters(spec), None, obj.address
    cron = ctx.engine.get_object("CronWorkflow", ns, obj.ref.name)
    if cron is None:
        raise RunError(f"{obj.address} does not exist on the cluster; run gp apply first")
    wf_spec = (cron.get("spec") or {}).get("workflowSpec") or {}
    ref = wf_spec.get("workflowTemplateRef") or {}
    base: tuple[Declared, ...] = ()
    if ref.get("name"):
        kind = "ClusterWorkflowTemplate" if ref.get("clusterScope") else "WorkflowTemplate"
        base = declared_parameters(
            _template_spec(ctx, kind, ns, ref["name"], f"the template of {obj.address}")
        )
    own = declared_parameters(wf_spec)
    unset = tuple(d for d in own if d.value is None and d.name not in {b.name for b in base})
    values = {d.name: d.value for d in own if d.value is not None}
    return overlay(base + unset, values), cron, obj.address


def namespace_of(ctx: RunContext, obj: CompiledObject) -> str:
    """Where ``obj`` and its runs are."""
    return _namespace(ctx, obj)


def origin_of(ctx: RunContext, obj: CompiledObject) -> Origin:
    """The marks a run of ``obj`` carries: stack, address, who, the applied version."""
    return _origin(ctx, obj)


def _origin(ctx: RunContext, obj: CompiledObject) -> Origin:
    entry = ctx.record().entries.get(obj.address)
    applied = entry.applied if entry is not None else obj.manifest
    version = version_of(applied, ctx.inputs_hash, ctx.commit())
    return Origin(ctx.stack, obj.address, ctx.who, version)


def submit(
    ctx: RunContext,
    address: str,
    parameters: Mapping[str, str] | None = None,
    *,
    name: str | None = None,
    allow_drift: bool = False,
    annotations: Mapping[str, str] | None = None,
) -> RunSnapshot:
    """Check, then submit one run of ``address``; nothing is sent when a check fails."""
    obj = runnable(ctx.objects, address)
    if not allow_drift:
        reason = drift_of(ctx, obj)
        if reason:
            raise RunError(
                f"{reason}; the run would not be what the module says. Apply first, "
                "or pass --allow-drift to run the live version anyway"
            )
    declared, cron, what = _declared(ctx, obj)
    given = check(declared, dict(parameters or {}), what)
    ns = _namespace(ctx, obj)
    sub = Submission(
        namespace=ns,
        template=None if cron else obj.ref.name,
        cluster_scope=obj.ref.kind == "ClusterWorkflowTemplate",
        cron=cron,
        parameters=given,
        name=name,
        annotations=dict(annotations or {}),
    )
    created = ctx.engine.create_workflow(build_workflow(sub, _origin(ctx, obj)))
    return with_spec(ctx, run_from_workflow(created))


def resubmit(
    ctx: RunContext,
    ident: str,
    parameters: Mapping[str, str] | None = None,
    *,
    allow_drift: bool = False,
) -> RunSnapshot:
    """A new run of the same pipeline with the old run's parameters, ``parameters`` on top."""
    old = get(ctx, ident)
    if not old.address:
        raise RunError(
            f"{old.name} was not submitted by gp (it has no gp.dev/address); "
            "resubmit it with the argo CLI"
        )
    merged = {**dict(old.parameters), **dict(parameters or {})}
    if old.cron:  # a cron's run carries the cron's arguments; only the user's changes are new
        merged = dict(parameters or {})
    return submit(
        ctx,
        old.address,
        merged,
        allow_drift=allow_drift,
        annotations=user_annotations(old.annotations),
    )


def _split(ctx: RunContext, ident: str) -> tuple[Sequence[str], str]:
    ns, _, name = ident.rpartition("/")
    return ((ns,) if ns else ctx.namespaces), name


def get(ctx: RunContext, ident: str) -> RunSnapshot:
    """A run by NAME (looked for in the stack's namespaces) or NAMESPACE/NAME."""
    namespaces, name = _split(ctx, ident)
    for ns in namespaces:
        wf = ctx.engine.get_workflow(ns, name)
        if wf is not None:
            return with_spec(ctx, run_from_workflow(wf))
    raise RunError(f"no run {name} in namespace {', '.join(namespaces)}; gp runs lists them")


def with_spec(ctx: RunContext, run: RunSnapshot) -> RunSnapshot:
    """A run whose controller has not stored its template yet is drawn from the live template."""
    if run.spec.get("templates") or not run.template:
        return run
    kind = "ClusterWorkflowTemplate" if run.cluster_scope else "WorkflowTemplate"
    live = ctx.engine.get_object(kind, run.namespace, run.template)
    return replace(run, spec=(live or {}).get("spec") or run.spec)


def watch(ctx: RunContext, ident: str) -> Generator[RunSnapshot, None, None]:
    """The run now and after each change; the caller stops when ``run.done``."""
    run = get(ctx, ident)
    spec = run.spec
    for wf in ctx.engine.watch_workflow(run.namespace, run.name):
        current = run_from_workflow(wf)
        if not current.spec.get("templates"):
            current = replace(current, spec=spec)
        yield current


def runs(
    ctx: RunContext, address: str | None = None, status: str | None = None, limit: int | None = None
) -> list[RunSnapshot]:
    if address is not None:
        runnable(ctx.objects, address)
    selector = history.selector(ctx.stack, address)
    found = [
        [run_from_workflow(wf) for wf in ctx.engine.list_workflows(ns, selector)]
        for ns in ctx.namespaces
    ]
    return history.newest_first(
        history.merge_namespaces(found), address, history.normal_status(status), limit
    )


def stop(ctx: RunContext, ident: str, terminate: bool = False) -> RunSnapshot:
    run = get(ctx, ident)
    if run.done:
        raise RunError(f"{run.name} has already finished ({run.phase})")
    ctx.engine.shutdown(run.namespace, run.name, "Terminate" if terminate else "Stop")
    return get(ctx, f"{run.namespace}/{run.name}")
