"""Plans, apply results, diagnostics and test reports as HTML fragments, for notebooks.

Each fragment is self-contained (inline styles only: notebook frontends drop stylesheets from
untrusted output). The detailed plan is the CLI's own text rendering, coloured, so a notebook
shows exactly what `gp plan` prints; the summary table and the DAG pictures come first.
Sensitive values are masked as in every other renderer: fields by path, free text by value.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from html import escape

from rich.console import Console
from rich.text import Text

from gp.errors import Diagnostic
from gp.planner.applied import ApplyReport
from gp.planner.plan import Action, DagChange, Mode, PlanData
from gp.redact import mask_text, secrets_of
from gp.render import svg
from gp.render.dagsummary import TITLE, summarized
from gp.render.text import apply_text, plan_text, summary

_ACTION_COLOURS = {
    Action.CREATE: "#1a7f37",
    Action.UPDATE: "#9a6700",
    Action.DELETE: "#cf222e",
    Action.REPLACE: "#cf222e",
    Action.NOOP: "#57606a",
    Action.FORGET: "#0969da",
}
_TABLE = 'style="border-collapse:collapse;text-align:left"'
_CELL = 'style="padding:2px 10px;border-bottom:1px solid #d0d7de;text-align:left"'


def rich_html(text: Text) -> str:
    """A rich Text (the CLI's output) as a coloured ``<pre>``."""
    console = Console(
        record=True,
        file=io.StringIO(),
        # In a notebook rich would also show what it prints as an output of its own: the
        # plan would appear twice. It is only recorded here, for export_html.
        force_jupyter=False,
        width=120,
        color_system="truecolor",
        soft_wrap=True,
        highlight=False,
    )
    console.print(text)
    return console.export_html(
        inline_styles=True,
        code_format='<pre style="font-family:monospace;font-size:12px;line-height:1.3;'
        'white-space:pre-wrap">{code}</pre>',
    )


def table(head: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Rows of already-escaped HTML cells."""
    out = [
        f"<table {_TABLE}><tr>" + "".join(f"<th {_CELL}>{escape(h)}</th>" for h in head) + "</tr>"
    ]
    out.extend(
        "<tr>" + "".join(f"<td {_CELL}>{cell}</td>" for cell in row) + "</tr>" for row in rows
    )
    out.append("</table>")
    return "".join(out)


def dag_change_svg(owner: str, dag: DagChange, secrets: Sequence[str]) -> str:
    """A changed DAG: before and after in one picture, added green, removed red and dashed,
    renamed or changed amber."""
    nodes = [
        svg.DrawnNode(
            t.name,
            (mask_text(t.name, secrets),),
            t.status,
            mask_text(
                t.reason or (f"renamed from {t.renamed_from}" if t.renamed_from else ""), secrets
            ),
        )
        for t in dag.tasks
    ]
    edges = [svg.Edge(e.source, e.target, e.condition, e.status) for e in dag.edges]
    return svg.draw(nodes, edges, mask_text(f"{owner}: {dag.template}", secrets))


def plan_html(plan: PlanData, sensitive: Iterable[str] = ()) -> str:
    secrets = secrets_of(plan.secrets, sensitive)
    where = plan.target.server or ""
    out = [
        f"<div><p><b>gp plan</b> of stack <code>{escape(plan.stack)}</code> on "
        f"{escape(plan.target.provider)} <code>{escape(mask_text(where, secrets))}</code> "
        f"(namespace <code>{escape(plan.target.namespace)}</code>)"
        + (f", mode {escape(plan.mode.value)}" if plan.mode is not Mode.NORMAL else "")
        + "</p>",
        f"<p><b>{escape(summary(plan))}</b></p>",
    ]
    if plan.errors:
        out.append(
            "<ul>"
            + "".join(
                f'<li style="color:#cf222e">{escape(mask_text(e, secrets))}</li>'
                for e in plan.errors
            )
            + "</ul>"
        )
    acting = [c for c in plan.changes if c.acts]
    if acting and plan.mode is not Mode.REFRESH_ONLY:
        rows = []
        for c in acting:
            colour = _ACTION_COLOURS[c.action]
            action = "move" if c.only_moves else c.action.value
            moved = f" (from <code>{escape(c.moved_from)}</code>)" if c.moved_from else ""
            rows.append(
                (
                    f'<span style="color:{colour};font-weight:bold">{escape(action)}</span>',
                    f"<code>{escape(c.address)}</code>{moved}",
                    escape(str(c.ref)),
                    str(len(c.fields)) if c.action is Action.UPDATE else "",
                )
            )
        out.append(table(("action", "address", "object", "fields"), rows))
    if plan.drift:
        rows = [
            (
                f"<code>{escape(d.address)}</code>",
                escape(str(d.ref)),
                "deleted outside gp"
                if d.after is None
                else f"{len(d.fields)} fields changed outside gp",
            )
            for d in plan.drift
        ]
        out.append("<p><b>Drift</b></p>" + table(("address", "object", "drift"), rows))
    changed = summarized(plan)
    if changed:
        out.append(f"<p><b>{escape(TITLE)}</b></p>")
        out.extend(
            f"<div>{dag_change_svg(c.address, dag, secrets)}</div>"
            for c in changed
            for dag in c.dag
        )
    if acting or plan.drift:
        out.append(
            "<details><summary>The plan as <code>gp plan</code> prints it</summary>"
            + rich_html(plan_text(plan, secrets))
            + "</details>"
        )
    out.append("</div>")
    return "".join(out)


def apply_html(result: ApplyReport, plan: PlanData | None, sensitive: Iterable[str] = ()) -> str:
    secrets = secrets_of(plan.secrets if plan else (), sensitive)
    destroy = plan is not None and plan.mode is Mode.DESTROY
    return rich_html(apply_text(result, secrets, destroy))


def diagnostics_html(diagnostics: Sequence[Diagnostic], objects: int | None = None) -> str:
    if not any(d.severity == "error" for d in diagnostics):
        found = f" ({objects} object{'s' if objects != 1 else ''})" if objects is not None else ""
        head = f'<p style="color:#1a7f37"><b>The module is valid{found}.</b></p>'
        if not diagnostics:
            return head
    else:
        n = sum(d.severity == "error" for d in diagnostics)
        head = f'<p style="color:#cf222e"><b>{n} error{"s" if n != 1 else ""}</b></p>'
    rows = []
    for d in diagnostics:
        colour = "#cf222e" if d.severity == "error" else "#9a6700"
        where = f"{d.pos.file}:{d.pos.line}:{d.pos.col}" if d.pos else ""
        rows.append(
            (
                f'<span style="color:{colour}">{escape(d.severity)}</span>',
                f"<code>{escape(where)}</code>",
                escape(d.message),
            )
        )
    return head + table(("severity", "where", "message"), rows)


def diagnostics_markdown(diagnostics: Sequence[Diagnostic], objects: int | None = None) -> str:
    if not diagnostics:
        found = f" ({objects} object{'s' if objects != 1 else ''})" if objects is not None else ""
        return f"**The module is valid{found}.**\n"
    lines = ["| severity | where | message |", "|---|---|---|"]
    for d in diagnostics:
        where = f"`{d.pos.file}:{d.pos.line}:{d.pos.col}`" if d.pos else ""
        lines.append(f"| {d.severity} | {where} | {d.message.replace('|', chr(92) + '|')} |")
    return "\n".join(lines) + "\n"


def pre(text: str) -> str:
    return f'<pre style="font-family:monospace;font-size:12px">{escape(text)}</pre>'
