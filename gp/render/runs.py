"""Runs as text and JSON: the history table, one run's nodes, the watch's change lines."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from rich.table import Table
from rich.text import Text

from gp.runs.dag import DagRow
from gp.runs.model import Node, RunSnapshot, parse_time, seconds_between
from gp.runs.watch import StateChange

STYLES = {
    "Succeeded": "green",
    "Failed": "red",
    "Error": "red",
    "Running": "cyan",
    "Pending": "dim",
    "Skipped": "dim",
    "Omitted": "dim",
}
# Fan-out counts say "done" rather than "succeeded": shorter, and what people scan for.
_COUNT_WORDS = {
    "Succeeded": "done",
    "Failed": "failed",
    "Error": "errors",
    "Running": "running",
    "Pending": "pending",
    "Skipped": "skipped",
    "Omitted": "omitted",
}


def duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    s = int(seconds)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{s % 3600 // 60:02d}m"


def phase_text(phase: str) -> Text:
    return Text(phase, style=STYLES.get(phase.strip(), "yellow"))


def fan_out_summary(row: DagRow) -> str:
    counts = dict(row.counts)
    parts = [
        f"{counts[p]} {_COUNT_WORDS.get(p, p.lower())}"
        for p in ("Succeeded", "Failed", "Error", "Running", "Pending", "Skipped", "Omitted")
        if counts.get(p)
    ]
    return f"{row.name} x{row.total}: " + (", ".join(parts) or "starting")


def _local(stamp: str | None) -> str:
    t = parse_time(stamp)
    return t.astimezone().strftime("%Y-%m-%d %H:%M:%S") if t else ""


def version_text(run: RunSnapshot) -> str:
    if not run.version:
        return ""
    if run.ran_live:
        return f"{run.version} (live)"
    return run.version + (f"@{run.commit[:7]}" if run.commit else "")


def who(run: RunSnapshot) -> str:
    if run.scheduled:
        return f"scheduled (cron {run.cron})"
    if run.cron:
        return f"{run.submitted_by} (cron {run.cron})" if run.submitted_by else f"cron {run.cron}"
    return run.submitted_by or ""


def runs_table(runs: Sequence[RunSnapshot], now: datetime) -> Table | Text:
    if not runs:
        return Text("No runs.")
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("NAME", "PIPELINE", "PHASE", "STARTED", "DURATION", "VERSION", "BY"):
        table.add_column(column, no_wrap=True)
    for r in runs:
        table.add_row(
            r.name,
            r.address or r.template or "",
            phase_text(r.phase),
            _local(r.started_at or r.created_at),
            duration(seconds_between(r.started_at, r.finished_at, now)),
            version_text(r),
            who(r),
        )
    return table


def run_dict(run: RunSnapshot, now: datetime, nodes: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": run.name,
        "namespace": run.namespace,
        "pipeline": run.address,
        "template": run.template,
        "phase": run.phase,
        "message": run.message,
        "created_at": run.created_at,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "duration_seconds": seconds_between(run.started_at, run.finished_at, now),
        "stack": run.stack,
        "version": {
            "template_digest": run.version,
            "commit": run.commit,
            "inputs_hash": run.inputs_hash,
        },
        "submitted_by": run.submitted_by,
        "ran_live_template": run.ran_live,
        "cron": run.cron,
        "scheduled": run.scheduled,
        "parameters": dict(run.parameters),
    }
    if nodes:
        out["nodes"] = [_node_dict(n, now) for n in run.nodes if n.name != run.name]
    return out


def _node_dict(n: Node, now: datetime) -> dict[str, Any]:
    return {
        "name": n.display_name,
        "node": n.name,
        "type": n.type,
        "phase": n.phase,
        "template": n.template,
        "started_at": n.started_at,
        "finished_at": n.finished_at,
        "duration_seconds": seconds_between(n.started_at, n.finished_at, now),
        "message": n.message,
        "inputs": dict(n.inputs),
        "outputs": dict(n.outputs),
    }


def runs_json(runs: Sequence[RunSnapshot], now: datetime) -> str:
    return json.dumps({"runs": [run_dict(r, now) for r in runs]}, indent=2) + "\n"


def run_json(run: RunSnapshot, now: datetime) -> str:
    return json.dumps(run_dict(run, now, nodes=True), indent=2) + "\n"


def _params(values: Any) -> str:
    params = (values or {}).get("parameters") or []
    shown = [f"{p.get('name')}={p.get('value', '')}" for p in params]
    if (values or {}).get("result") is not None:
        shown.append(f"result={values['result']}")
    return ", ".join(shown)


def run_text(run: RunSnapshot, rows: Sequence[DagRow], now: datetime) -> Text:
    """`gp runs show`: the run, then its DAG with each node's phase, times, message, inputs
    and outputs."""
    out = header(run, now)
    by_name = run.node_by_name()
    for row in rows:
        out.append("\n")
        out.append_text(row_line(row))
        node = by_name.get(run.name + row.key)
        if row.started_at:
            out.append(
                f"\n{'  ' * (row.depth + 2)}started {_local(row.started_at)}"
                + (f", finished {_local(row.finished_at)}" if row.finished_at else "")
            )
        if node is not None and _params(node.inputs):
            out.append(f"\n{'  ' * (row.depth + 2)}inputs:  {_params(node.inputs)}")
        if node is not None and _params(node.outputs):
            out.append(f"\n{'  ' * (row.depth + 2)}outputs: {_params(node.outputs)}")
    out.append("\n")
    return out


def header(run: RunSnapshot, now: datetime) -> Text:
    out = Text()
    out.append(run.name, style="bold")
    out.append(f"  {run.address or run.template or ''}  ")
    out.append_text(phase_text(run.phase))
    took = duration(seconds_between(run.started_at, run.finished_at, now))
    out.append(f"  {took}" if took else "")
    if run.shutdown and not run.done:
        out.append(f"  ({run.shutdown.lower()}ping)", style="yellow")
    details = [
        f"version {version_text(run)}" if run.version else "",
        f"by {who(run)}" if who(run) else "",
        ", ".join(f"{k}={v}" for k, v in run.parameters),
    ]
    line = "  ".join(d for d in details if d)
    if line:
        out.append(f"\n{line}", style="dim")
    if run.message and run.phase in ("Failed", "Error"):
        out.append(f"\n{run.message}", style="red")
    return out


def row_line(row: DagRow) -> Text:
    out = Text("  " * (row.depth + 1))
    if row.fan_out and row.total:
        out.append(fan_out_summary(row))
        return out
    out.append(row.name.ljust(max(12, len(row.name))) + " ")
    out.append_text(phase_text(row.phase.ljust(9)))
    if row.attempts > 1:
        out.append(f" (attempt {row.attempts})")
    if row.seconds is not None and row.phase not in ("Skipped", "Omitted"):
        out.append(f"  {duration(row.seconds)}", style="dim")
    if row.message and row.phase in ("Failed", "Error"):
        out.append(f"  {row.message}", style="red")
    return out


def change_line(change: StateChange, at: datetime) -> Text:
    """One line per state change, for output that is not a terminal."""
    out = Text(at.astimezone().strftime("%H:%M:%S") + " ")
    if change.row is None:
        out.append(f"run {change.name} ", style="bold")
    elif change.row.fan_out and change.row.total:
        out.append(fan_out_summary(change.row))
        return out
    else:
        out.append(f"{change.name} ")
    if change.before:
        out.append(f"{change.before} -> ")
    out.append_text(phase_text(change.after))
    if change.row is not None and change.row.attempts > 1:
        out.append(f" (attempt {change.row.attempts})")
    if change.message:
        out.append(f": {change.message}")
    return out
