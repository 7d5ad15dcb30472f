"""A run as HTML (its DAG coloured by phase, a table of its tasks) and as markdown, for
notebooks. Rows come from gp/runs/dag.py, as `gp watch` draws them: tasks not started yet show
as Pending. Free text is masked with the module's sensitive values."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from html import escape

from gp.redact import mask_text
from gp.render import svg
from gp.render.html import table
from gp.runs.dag import DagRow, rows_of, spec_rows
from gp.runs.model import RunSnapshot, seconds_between

_PHASE_COLOURS = {
    "Succeeded": "#1a7f37",
    "Failed": "#cf222e",
    "Error": "#cf222e",
    "Running": "#0969da",
}


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


def _state(row: DagRow) -> str:
    if row.fan_out and row.total:
        counts = ", ".join(f"{n} {phase}" for phase, n in row.counts)
        return f"{row.phase} ({counts})"
    if row.attempts > 1:
        return f"{row.phase} (attempt {row.attempts})"
    return row.phase


def _dag(run: RunSnapshot, rows: Sequence[DagRow], secrets: Sequence[str]) -> str:
    top = [r for r in rows if r.depth == 0 and r.from_spec]
    after = {s.key: s.after for s in spec_rows(run.spec) if s.depth == 0}
    names = {r.name for r in top}
    nodes = [
        svg.DrawnNode(
            r.name,
            (mask_text(r.name, secrets), " ".join(filter(None, (_state(r), _duration(r.seconds))))),
            r.phase,
            mask_text(r.message or "", secrets),
        )
        for r in top
    ]
    edges = [svg.Edge(dep, r.name) for r in top for dep in after.get(r.key, ()) if dep in names]
    return svg.draw(nodes, edges, f"{run.name}: {run.phase}") if nodes else ""


def run_html(run: RunSnapshot, secrets: Sequence[str] = (), now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    rows = rows_of(run, now)
    colour = _PHASE_COLOURS.get(run.phase, "#57606a")
    took = _duration(seconds_between(run.started_at, run.finished_at, now))
    head = (
        f"<p><b>Run <code>{escape(run.namespace)}/{escape(run.name)}</code></b> "
        f'<b style="color:{colour}">{escape(run.phase)}</b>'
        + (f" after {took}" if took else "")
        + (f" &mdash; <code>{escape(run.address)}</code>" if run.address else "")
        + "</p>"
    )
    if run.message:
        head += f'<p style="color:{colour}">{escape(mask_text(run.message, secrets))}</p>'
    if run.parameters:
        head += (
            "<p>"
            + ", ".join(
                f"<code>{escape(k)}={escape(mask_text(v, secrets))}</code>"
                for k, v in run.parameters
            )
            + "</p>"
        )
    cells = []
    for r in rows:
        c = _PHASE_COLOURS.get(r.phase, "#57606a")
        cells.append(
            (
                "&nbsp;" * 4 * r.depth + escape(r.name),
                f'<span style="color:{c}">{escape(_state(r))}</span>',
                escape(r.started_at or ""),
                _duration(r.seconds),
                escape(mask_text(r.message or "", secrets)),
            )
        )
    return (
        "<div>"
        + head
        + _dag(run, rows, secrets)
        + table(("task", "phase", "started", "took", "message"), cells)
        + "</div>"
    )


def run_markdown(run: RunSnapshot, secrets: Sequence[str] = (), now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    lines = [
        f"**Run `{run.namespace}/{run.name}` {run.phase}**",
        "",
        "| task | phase | took | message |",
        "|---|---|---|---|",
    ]
    for r in rows_of(run, now):
        message = mask_text(r.message or "", secrets).replace("|", "\\|")
        lines.append(f"| {r.name} | {_state(r)} | {_duration(r.seconds)} | {message} |")
    return "\n".join(lines) + "\n"
