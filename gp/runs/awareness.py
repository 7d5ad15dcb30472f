"""The plan knows about runs: for each template it changes or deletes, the runs in progress
(they keep the spec they started with) and the CronWorkflows that run it, with when each
fires next: the stack's own (as the plan leaves them, so a plan on any provider names them)
and, on a cluster, those outside it. Deleting a template a live cron references is a
warning."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

import yaml

from gp.compile.objects import TEMPLATE_KINDS
from gp.planner.plan import Action, CronUse, PlanData, ResourceChange, RunImpact
from gp.planner.schedule import next_runs, schedules_of
from gp.runs.actions import RunsEngine
from gp.runs.model import ADDRESS_ANNOTATION, DONE_PHASES, STACK_LABEL

_TOUCHING = (Action.UPDATE, Action.DELETE, Action.REPLACE)


def changing_templates(plan: PlanData) -> list[ResourceChange]:
    return [c for c in plan.changes if c.ref.kind in TEMPLATE_KINDS and c.action in _TOUCHING]


def _old_ref(change: ResourceChange):
    return change.prior_ref or change.ref


def _refers(spec: Mapping[str, Any], change: ResourceChange, namespace: str | None) -> bool:
    ref = (spec or {}).get("workflowTemplateRef") or {}
    old = _old_ref(change)
    if ref.get("name") != old.name:
        return False
    if old.kind == "ClusterWorkflowTemplate":
        return bool(ref.get("clusterScope"))
    return not ref.get("clusterScope") and namespace == old.namespace


def _meta(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    return obj.get("metadata") or {}


def _cron_use(cron: Mapping[str, Any], now: datetime | None) -> CronUse:
    meta = _meta(cron)
    suspended = bool((cron.get("spec") or {}).get("suspend"))
    upcoming = next_runs(*schedules_of(dict(cron)), now, 1) if now and not suspended else ()
    return CronUse(
        namespace=meta.get("namespace", ""),
        name=meta.get("name", ""),
        stack=(meta.get("labels") or {}).get(STACK_LABEL),
        address=(meta.get("annotations") or {}).get(ADDRESS_ANNOTATION),
        suspended=suspended,
        next_run=upcoming[0] if upcoming else None,
    )


def _key(cron: Mapping[str, Any]) -> tuple[str, str]:
    return (_meta(cron).get("namespace", ""), _meta(cron).get("name", ""))


def crons_after(plan: PlanData, live: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The crons as the plan leaves them: the stack's own as it applies them (those it
    deletes gone), then the live ones of other stacks and of none."""
    ours = {
        _key(c.after): c.after
        for c in plan.changes
        if c.ref.kind == "CronWorkflow" and c.after is not None
    }
    gone = {(c.ref.namespace or "", c.ref.name) for c in plan.changes if c.after is None}
    for obj in plan.objects:  # a --target plan: the stack's other crons stay as declared
        if obj.ref.kind == "CronWorkflow":
            ours.setdefault(_key(obj.manifest), obj.manifest)
    others = [c for c in live if _key(c) not in ours and _key(c) not in gone]
    return list(ours.values()) + others


def _cron_kept(plan: PlanData, use: CronUse, change: ResourceChange) -> bool:
    """Whether the cron still references the template after this plan is applied."""
    for c in plan.changes:
        if (
            c.ref.kind == "CronWorkflow"
            and c.ref.name == use.name
            and c.ref.namespace == use.namespace
        ):
            if c.action is Action.DELETE:
                return False
            after = (c.after or {}).get("spec") or {}
            return _refers(after.get("workflowSpec") or {}, change, use.namespace)
    return True


def template_referencing(config: Mapping[str, str] | None) -> str | None:
    """workflowRestrictions.templateReferencing of the controller's configmap data: "Strict",
    "Secure", "" when not set; None when the configmap could not be read."""
    if config is None:
        return None
    restrictions: Any = None
    try:
        if config.get("workflowRestrictions"):
            restrictions = yaml.safe_load(config["workflowRestrictions"])
        elif config.get("config"):  # the older form: the whole configuration under one key
            restrictions = (yaml.safe_load(config["config"]) or {}).get("workflowRestrictions")
    except yaml.YAMLError:
        return None
    if not isinstance(restrictions, dict):
        return ""
    return str(restrictions.get("templateReferencing") or "")


def assess(
    plan: PlanData,
    workflows: Iterable[Mapping[str, Any]],
    crons: Iterable[Mapping[str, Any]],
    now: datetime | None = None,
    referencing: str | None = "",
) -> tuple[tuple[RunImpact, ...], tuple[str, ...]]:
    """``crons``: the live ones (none without an engine); the stack's own are read from the
    plan. The warnings read the live crons alone: they are what runs until apply."""
    workflows, crons = list(workflows), list(crons)
    after = crons_after(plan, crons)
    impacts, warnings = [], []
    for change in changing_templates(plan):
        running = sorted(
            _meta(wf).get("name", "")
            for wf in workflows
            if ((wf.get("status") or {}).get("phase") or "Pending") not in DONE_PHASES
            and _refers(wf.get("spec") or {}, change, _meta(wf).get("namespace"))
        )
        uses = _uses(after, change, now)
        if running or uses:
            impacts.append(RunImpact(change.address, tuple(running), tuple(uses), referencing))
        deleted = change.action is Action.DELETE or (
            change.action is Action.REPLACE and _old_ref(change).name != change.ref.name
        )
        if deleted:
            for use in _uses(crons, change, now):
                if _cron_kept(plan, use, change):
                    owner = f"stack {use.stack}" if use.stack else "no gp stack"
                    warnings.append(
                        f"{change.address}: the CronWorkflow {use.namespace}/{use.name} ({owner}) "
                        f"runs {_old_ref(change).name}, which this plan deletes; its next runs "
                        "will fail"
                    )
    return tuple(impacts), tuple(warnings)


def with_runs(plan: PlanData, engine: RunsEngine | None) -> PlanData:
    """The plan with its runs and crons: the stack's own crons on every target, and where
    there is an ``engine`` the runs in progress and the crons outside the stack too."""
    changing = changing_templates(plan)
    if not changing:
        return plan
    workflows: list[dict] = []
    crons: list[dict] = []
    referencing: str | None = ""
    if engine is not None:
        cluster_wide = any(c.ref.kind == "ClusterWorkflowTemplate" for c in changing)
        own = {plan.target.namespace} | {c.ref.namespace for c in changing if c.ref.namespace}
        namespaces: list[str | None] = [None]
        if not cluster_wide:
            namespaces = [*sorted(own)]
        workflows = [wf for ns in namespaces for wf in engine.list_workflows(ns)]
        crons = [c for ns in namespaces for c in engine.list_objects("CronWorkflow", ns)]
        referencing = template_referencing(engine.controller_config())
    now = datetime.fromisoformat(plan.created_at) if plan.created_at else None
    runs, warnings = assess(plan, workflows, crons, now, referencing)
    return replace(plan, runs=runs, warnings=plan.warnings + warnings)


def _uses(
    crons: Iterable[Mapping[str, Any]], change: ResourceChange, now: datetime | None
) -> list[CronUse]:
    return sorted(
        (
            _cron_use(c, now)
            for c in crons
            if _refers(
                (c.get("spec") or {}).get("workflowSpec") or {}, change, _meta(c).get("namespace")
            )
        ),
        key=lambda u: (u.namespace, u.name),
    )
