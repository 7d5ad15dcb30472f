"""Run operations with explicit context: what `gp run`, `gp watch`, `gp runs`, `gp stop` and
`gp resubmit` do, returning values. The Python API and the web UI call these same functions."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from gp.compile.objects import PIPELINE_KINDS, CompiledObject
from gp.errors import Refusal, RunError, RunNotFoundError, RunRefused
from gp.planner.plan import Action, PlanData
from gp.planner.stack_record import StackRecord
from gp.runs.model import RunSnapshot, run_from_workflow
from gp.runs.names import check_annotations, check_name, parse_ident
from gp.runs.params import Declared, check, declared_parameters, overlay
from gp.runs.submit import (
    RESUBMITTED_FROM_LABEL,
    Origin,
    Submission,
    build_workflow,
    label_value,
    user_annotations,
)
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

    def update_workflow(self, body: dict) -> dict: ...

    def delete_pod(self, namespace: str, name: str) -> None: ...

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
    return drift_reason(ctx.plan((obj.address,)), obj.address)


def drift_reason(plan: PlanData, address: str) -> str | None:
    """Why the live object at ``address`` is not what the module declares, read from a plan
    of it; None when it is."""
    if any(d.address == address for d in plan.drift):
        return f"{address} was changed outside gp since it was applied"
    change = next((c for c in plan.changes if c.address == address), None)
    if change is None or change.action is Action.NOOP:
        return None
    if change.action is Action.CREATE:
        return f"{address} is not applied yet"
    return f"{address} differs from the module"


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


def template_of(ctx: RunContext, obj: CompiledObject) -> tuple[str, str | None, str] | None:
    """What a cron runs: (kind, namespace, name) of the template it references."""
    spec = ((obj.manifest.get("spec") or {}).get("workflowSpec") or {}).get("workflowTemplateRef")
    if not isinstance(spec, dict) or not spec.get("name"):
        return None
    if spec.get("clusterScope"):
        return ("ClusterWorkflowTemplate", None, str(spec["name"]))
    return ("WorkflowTemplate", _namespace(ctx, obj), str(spec["name"]))


def _origin(ctx: RunContext, obj: CompiledObject, live_reason: str | None = None) -> Origin:
    """Who runs which version. A cron's run carries the version of the template it runs (the
    cron's own spec is not the pipeline). A run of the live object despite drift carries the
    live template's digest, the reason, and no commit: the module's commit is not what ran."""
    target: CompiledObject | None = obj
    ref = template_of(ctx, obj) if obj.ref.kind == "CronWorkflow" else None
    if ref is not None:
        kind, ns, name = ref
        target = next(
            (
                o
                for o in ctx.objects
                if (o.ref.kind, o.ref.name) == (kind, name)
                and (kind != "WorkflowTemplate" or _namespace(ctx, o) == ns)
            ),
            None,
        )
    if live_reason is not None or target is None:
        kind, ns, name = ref or (obj.ref.kind, _namespace(ctx, obj), obj.ref.name)
        live = ctx.engine.get_object(kind, ns, name) or {}
        version = version_of(live, ctx.inputs_hash, None)
        return Origin(ctx.stack, obj.address, ctx.who, version, live_reason)
    entry = ctx.record().entries.get(target.address)
    applied = entry.applied if entry is not None else target.manifest
    return Origin(
        ctx.stack, obj.address, ctx.who, version_of(applied, ctx.inputs_hash, ctx.commit())
    )


def namespace_of(ctx: RunContext, obj: CompiledObject) -> str:
    """Where ``obj`` and its runs are."""
    return _namespace(ctx, obj)


def origin_of(ctx: RunContext, obj: CompiledObject) -> Origin:
    """The marks a run of ``obj`` carries: stack, address, who, the applied version."""
    return _origin(ctx, obj)


def submit(
    ctx: RunContext,
    address: str,
    parameters: Mapping[str, str] | None = None,
    *,
    name: str | None = None,
    allow_drift: bool = False,
    annotations: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
) -> RunSnapshot:
    """Check, then submit one run of ``address``; nothing is sent when a check fails."""
    obj = runnable(ctx.objects, address)
    if name is not None:
        check_name(name)
    check_annotations(annotations or {})
    reason = drift_of(ctx, obj)
    if reason and not allow_drift:
        if "not applied yet" in reason:  # nothing live to run: allowing drift would not help
            raise RunRefused([Refusal(f"{reason}; apply it first")])
        raise RunRefused([Refusal(f"{reason}; the run would not be what the module says", "drift")])
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
        labels=dict(labels or {}),
    )
    created = ctx.engine.create_workflow(build_workflow(sub, _origin(ctx, obj, reason)))
    return with_spec(ctx, run_from_workflow(created))


def resubmit(
    ctx: RunContext,
    ident: str,
    parameters: Mapping[str, str] | None = None,
    *,
    allow_drift: bool = False,
) -> RunSnapshot:
    """A new run of the same pipeline with the old run's parameters, ``parameters`` on top."""
    old = _own(ctx, get(ctx, ident), "resubmits")
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
        labels={RESUBMITTED_FROM_LABEL: old.name},
    )


def get(ctx: RunContext, ident: str) -> RunSnapshot:
    """A run by NAME (looked for in the stack's namespaces) or NAMESPACE/NAME."""
    ns, name = parse_ident(ident)
    namespaces = (ns,) if ns else ctx.namespaces
    for where in namespaces:
        wf = ctx.engine.get_workflow(where, name)
        if wf is not None:
            return with_spec(ctx, run_from_workflow(wf))
    raise RunNotFoundError(
        f"no run {name} in namespace {', '.join(namespaces)}; gp runs lists them"
    )


def _crons(ctx: RunContext) -> dict[tuple[str, str], str]:
    """The stack's CronWorkflows: (namespace, name) -> address."""
    return {
        (o.ref.namespace or ctx.namespace, o.ref.name): o.address
        for o in ctx.objects
        if o.ref.kind == "CronWorkflow"
    }


def of_stack(ctx: RunContext, run: RunSnapshot) -> bool:
    """Whether ``run`` is one of the stack's: in its namespaces, labelled with it, or started
    on schedule by one of its crons."""
    if run.namespace not in ctx.namespaces:
        return False
    if run.stack is not None:
        return run.stack == label_value(ctx.stack)
    return run.scheduled and (run.namespace, run.cron or "") in _crons(ctx)


def _own(ctx: RunContext, run: RunSnapshot, doing: str) -> RunSnapshot:
    if not of_stack(ctx, run):
        raise RunError(
            f"{run.namespace}/{run.name} is not a run of the stack {ctx.stack}: gp {doing} only "
            "the runs it or the stack's crons started, in the stack's namespaces"
        )
    return run


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


def stop(ctx: RunContext, ident: str, terminate: bool = False) -> RunSnapshot:
    run = _own(ctx, get(ctx, ident), "stops")
    if run.done:
        raise RunError(f"{run.name} has already finished ({run.phase})")
    ctx.engine.shutdown(run.namespace, run.name, "Terminate" if terminate else "Stop")
    return get(ctx, f"{run.namespace}/{run.name}")


def retry(ctx: RunContext, ident: str, nodes: Sequence[str] = (), now: str = "") -> RunSnapshot:
    """Argo's retry (gp/runs/retry.py): the failed and errored nodes (and ``nodes``) run again
    in the same Workflow; their pods are deleted first, as the Argo server does."""
    from datetime import UTC, datetime

    from gp.runs.retry import formulate_retry

    run = get(ctx, ident)
    wf = ctx.engine.get_workflow(run.namespace, run.name) or {}
    stamp = now or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    new, pods = formulate_retry(wf, stamp, nodes)
    for pod in pods:
        ctx.engine.delete_pod(run.namespace, pod)
    ctx.engine.update_workflow(new)
    return get(ctx, f"{run.namespace}/{run.name}")
