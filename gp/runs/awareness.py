"""The plan knows about runs: for each template it changes or deletes, the runs in progress
(they keep the spec they started with) and the CronWorkflows that reference it, in the stack
or outside it. Deleting a template a live cron references is a warning."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import yaml

from gp.compile.objects import TEMPLATE_KINDS
from gp.planner.plan import Action, CronUse, PlanData, ResourceChange, RunImpact
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


def _cron_use(cron: Mapping[str, Any]) -> CronUse:
    meta = _meta(cron)
    return CronUse(
        namespace=meta.get("namespace", ""),
        name=meta.get("name", ""),
        stack=(meta.get("labels") or {}).get(STACK_LABEL),
        address=(meta.get("annotations") or {}).get(ADDRESS_ANNOTATION),
        suspended=bool((cron.get("spec") or {}).get("suspend")),
    )


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
    referencing: str | None = "",
) -> tuple[tuple[RunImpact, ...], tuple[str, ...]]:
    workflows, crons = list(workflows), list(crons)
    impacts, warnings = [], []
    for change in changing_templates(plan):
        running = sorted(
            _meta(wf).get("name", "")
            for wf in workflows
            if ((wf.get("status") or {}).get("phase") or "Pending") not in DONE_PHASES
            and _refers(wf.get("spec") or {}, change, _meta(wf).get("namespace"))
        )
        uses = sorted(
            (
                _cron_use(c)
                for c in crons
                if _refers(
                    (c.get("spec") or {}).get("workflowSpec") or {},
                    change,
                    _meta(c).get("namespace"),
                )
            ),
            key=lambda u: (u.namespace, u.name),
        )
        if running or uses:
            impacts.append(RunImpact(change.address, tuple(running), tuple(uses), referencing))
        deleted = change.action is Action.DELETE or (
            change.action is Action.REPLACE and _old_ref(change).name != change.ref.name
        )
        if deleted:
            for use in uses:
                if _cron_kept(plan, use, change):
                    owner = f"stack {use.stack}" if use.stack else "no gp stack"
                    warnings.append(
                        f"{change.address}: the CronWorkflow {use.namespace}/{use.name} ({owner}) "
                        f"runs {_old_ref(change).name}, which this plan deletes; its next runs "
                        "will fail"
                    )
    return tuple(impacts), tuple(warnings)
