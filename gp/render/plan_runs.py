"""What the plan says about runs: runs in progress and crons of templates that change, and
the warning when a deleted template is still run by a cron. Shared by text, JSON, markdown."""

from __future__ import annotations

from typing import Any

from gp.planner.plan import CronUse, PlanData, RunImpact

_SHOWN_NAMES = 5


def _names(names: tuple[str, ...]) -> str:
    more = len(names) - _SHOWN_NAMES
    return ", ".join(names[:_SHOWN_NAMES]) + (f" and {more} more" if more > 0 else "")


def _cron(use: CronUse) -> str:
    owner = (
        (f"stack {use.stack}" + (f", {use.address}" if use.address else ""))
        if use.stack
        else "not managed by gp"
    )
    return f"{use.namespace}/{use.name} ({owner}{', suspended' if use.suspended else ''})"


def impact_lines(impact: RunImpact) -> list[str]:
    out = []
    n = len(impact.running)
    if n:
        runs = f"{impact.address}: {n} run{'s' if n != 1 else ''} in progress ({_names(impact.running)})"
        keep = f"keep{'s' if n == 1 else ''} the spec {'it' if n == 1 else 'they'} started with"
        if impact.referencing == "Secure":
            out.append(
                f"{runs} will end in Error: the controller's templateReferencing is Secure, "
                "which fails a run whose template changes while it runs (argo #13850)"
            )
        elif impact.referencing is None:
            out.append(
                f"{runs} {keep}, unless the controller's templateReferencing is Secure "
                "(gp could not read workflow-controller-configmap): then they end in Error"
            )
        else:
            out.append(f"{runs} {keep}")
    for use in impact.crons:
        out.append(f"{impact.address}: run by the CronWorkflow {_cron(use)}")
    return out


def run_lines(plan: PlanData) -> list[str]:
    return [line for impact in plan.runs for line in impact_lines(impact)]


def runs_json(plan: PlanData) -> list[dict[str, Any]]:
    return [
        {
            "address": r.address,
            "running": list(r.running),
            "referencing": r.referencing,
            "crons": [
                {
                    "namespace": c.namespace,
                    "name": c.name,
                    "stack": c.stack,
                    "address": c.address,
                    "suspended": c.suspended,
                }
                for c in r.crons
            ],
        }
        for r in plan.runs
    ]
