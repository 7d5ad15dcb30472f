"""What the plan says about runs: runs in progress and crons of templates that change, and
the warning when a deleted template is still run by a cron. Shared by text, JSON, markdown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gp.planner.plan import CronUse, PlanData, RunImpact

_SHOWN_NAMES = 5


# How a name read from the cluster is quoted: as is on a terminal, in a code span in markdown.
Quote = Callable[[str], str]


def _as_is(text: str) -> str:
    return text


def _names(names: tuple[str, ...], quote: Quote) -> str:
    more = len(names) - _SHOWN_NAMES
    shown = ", ".join(quote(n) for n in names[:_SHOWN_NAMES])
    return shown + (f" and {more} more" if more > 0 else "")


def _cron(use: CronUse, quote: Quote) -> str:
    owner = (
        (f"stack {quote(use.stack)}" + (f", {quote(use.address)}" if use.address else ""))
        if use.stack
        else "not managed by gp"
    )
    name = quote(f"{use.namespace}/{use.name}")
    when = ", suspended" if use.suspended else f", next run {use.next_run}" if use.next_run else ""
    return f"{name} ({owner}{when})"


def impact_lines(impact: RunImpact, quote: Quote = _as_is) -> list[str]:
    out = []
    n = len(impact.running)
    address = quote(impact.address)
    if n:
        running = _names(impact.running, quote)
        runs = f"{address}: {n} run{'s' if n != 1 else ''} in progress ({running})"
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
        out.append(f"{address}: run by the CronWorkflow {_cron(use, quote)}")
    return out


def run_lines(plan: PlanData, quote: Quote = _as_is) -> list[str]:
    return [line for impact in plan.runs for line in impact_lines(impact, quote)]


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
                    "next_run": c.next_run,
                }
                for c in r.crons
            ],
        }
        for r in plan.runs
    ]
