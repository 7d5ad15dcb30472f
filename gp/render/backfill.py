"""`gp cron backfill`'s review of what it would submit, as text or JSON. Never prints."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # types only
    from gp.runs.backfill import BackfillPlan


def backfill_json(plan: BackfillPlan, submitted: Sequence[str] = ()) -> dict[str, Any]:
    return {
        "format_version": "1.0",
        "address": plan.address,
        "namespace": plan.namespace,
        "cron": plan.cron,
        "schedules": list(plan.schedules),
        "timezone": plan.timezone or "UTC",
        "from": plan.start,
        "to": plan.end,
        "runs": [
            {"scheduled": r.scheduled, "name": r.name, "action": "skip" if r.exists else "submit"}
            for r in plan.runs
        ],
        "to_submit": len(plan.to_submit),
        "submitted": list(submitted),
    }


def render_backfill_json(plan: BackfillPlan, submitted: Sequence[str] = ()) -> str:
    return json.dumps(backfill_json(plan, submitted), indent=2) + "\n"


def render_backfill_text(plan: BackfillPlan) -> str:
    zone = plan.timezone or "UTC"
    lines = [
        f"Backfill of {plan.address} ({plan.namespace}/{plan.cron}): "
        f"{', '.join(repr(s) for s in plan.schedules)} in {zone}",
        f"from {plan.start} (inclusive) to {plan.end} (exclusive): "
        f"{len(plan.runs)} fire time{'s' if len(plan.runs) != 1 else ''}",
        "",
    ]
    width = max((len(r.scheduled) for r in plan.runs), default=0)
    for r in plan.runs:
        mark, note = ("=", "  (has a run: skipped)") if r.exists else ("+", "")
        lines.append(f"  {mark} {r.scheduled.ljust(width)}  {r.name}{note}")
    skipped = len(plan.runs) - len(plan.to_submit)
    lines += [
        "",
        f"Backfill: {len(plan.to_submit)} to submit, {skipped} already run.",
    ]
    return "\n".join(lines) + "\n"
