"""`gp plan --format markdown`: a pull-request comment.

The summary (counts, destroy warning, errors, tables, what each changed DAG gains and loses)
comes first, then a Mermaid diagram of each changed DAG, then each object's diff folded in
``<details>``. When the comment would pass GitHub's 65,536-character limit, the diffs are cut
first, then the diagrams dropped; the summary is cut only if it alone is too long. A line at the
end says what was left out.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from gp.compile.objects import ObjectRef
from gp.planner.plan import Action, PlanData, ResourceChange
from gp.redact import escape_controls, mask_text, secrets_of
from gp.render.body import VERBS, Line, change_lines, drift_lines, layout
from gp.render.dagsummary import TITLE, change_summary, dag_lines, summarized
from gp.render.mdtext import cell, prose
from gp.render.mdtext import code as _code
from gp.render.mermaid import diagram
from gp.render.plan_runs import run_lines
from gp.render.text import fix_lines, promotion_lines, summary

LIMIT = 65_536
_ROOM_FOR_NOTICE = 400
_DIFF_MARKS = {"+": "+", "-": "-", "~": "!", "-/+": "!"}
_ACTION_WORDS = {
    Action.CREATE: "create",
    Action.UPDATE: "update",
    Action.DELETE: "destroy",
    Action.REPLACE: "replace",
    Action.FORGET: "forget",
}


def _cell(text: str) -> str:
    return cell(text).replace("\n", " ")


def _object(ref: ObjectRef) -> str:
    return f"{ref.kind} {ref.namespace}/{ref.name}" if ref.namespace else f"{ref.kind} {ref.name}"


def _diff_text(lines: Sequence[Line], secrets: Sequence[str]) -> list[str]:
    """Lines with the marker moved to column 0, so GitHub's diff highlighting colours them."""
    out = []
    for line in lines[1:]:  # the first is the heading, which the <summary> already says
        indent, marker, text = layout(line)
        mark = _DIFF_MARKS.get(line.marker)
        body = mask_text(f"{indent}{'    ' if mark else marker}{text}", secrets)
        out.append(mark + body[1:] if mark else body)
    return out


def _details(title: str, body: list[str]) -> str:
    content = escape_controls("\n".join(body))
    fence = "`" * max(3, max((len(m) for m in re.findall(r"`+", content)), default=0) + 1)
    return f"<details><summary>{title}</summary>\n\n{fence}diff\n{content}\n{fence}\n\n</details>\n"


def _truncated(title: str, body: list[str], room: int) -> str | None:
    """The details block cut to fit ``room`` characters, or None when not even a line fits."""
    note = "... (cut to fit the comment size limit)"
    kept: list[str] = []
    for line in body:
        if len(_details(title, kept + [line, note])) > room:
            break
        kept.append(line)
    return _details(title, kept + [note]) if kept else None


def _head(plan: PlanData, secrets: Sequence[str]) -> list[str]:
    where = f"stack {_code(plan.stack)}"
    if plan.environment:
        where = f"environment {_code(plan.environment)} (stack {_code(plan.stack)})"
    out = [f"## gp plan for {where}", "", f"**{summary(plan)}**", ""]
    if plan.promotion is not None:
        first, *rest = promotion_lines(plan)
        out += [f"**{first}**", ""] + [f"- {_cell(line.strip())}" for line in rest] + [""]
    for note in fix_lines(plan):
        out += [f"> {_cell(mask_text(note, secrets))}", ""]
    destroyed = [c for c in plan.changes if c.action in (Action.DELETE, Action.REPLACE)]
    if destroyed:
        names = ", ".join(_code(mask_text(c.address, secrets)) for c in destroyed)
        n = len(destroyed)
        out += [
            f"> :warning: **This plan destroys {n} object{'s' if n != 1 else ''}:** {names}",
            "",
        ]
    if plan.errors:
        out += ["**Errors (this plan cannot be applied):**", ""]
        out += [f"- {prose(mask_text(e, secrets))}" for e in plan.errors] + [""]
    for warning in plan.warnings:
        out += [f"> :warning: {prose(mask_text(warning, secrets))}", ""]
    if plan.tests is not None:
        mark = ":x:" if plan.tests.failed else ":white_check_mark:"
        out += [f"**Tests (`gp test`) on this change:** {mark} {plan.tests.summary()}", ""]
        if plan.tests.failed and plan.tests.first_failure:
            out += [f"> first: {_code(mask_text(plan.tests.first_failure, secrets))}", ""]
    for note in plan.notes:
        out += [f"> :information_source: {prose(mask_text(note, secrets))}", ""]
    if plan.runs:
        out += ["**Runs of the templates that change:**", ""]
        lines = run_lines(plan, lambda text: _code(mask_text(text, secrets)))
        out += [f"- {line}" for line in lines] + [""]
    if plan.interrupted:
        names = ", ".join(_code(mask_text(d.address, secrets)) for d in plan.interrupted)
        out += [f"**Written by an interrupted gp apply (not drift; recorded next):** {names}", ""]
    if plan.drift:
        out += [
            "**Objects changed outside gp:**",
            "",
            "| Address | Object | Change |",
            "|---|---|---|",
        ]
        for d in plan.drift:
            what = "deleted" if d.after is None else f"{len(d.fields)} field(s) changed"
            out.append(
                f"| {_cell(_code(mask_text(d.address, secrets)))} | {_cell(_object(d.ref))} | {what} |"
            )
        out.append("")
    acting = [c for c in plan.changes if c.acts]
    if acting:
        out += ["| Action | Address | Object |", "|---|---|---|"]
        for c in acting:
            address = _cell(_code(mask_text(c.address, secrets)))
            if c.moved_from is not None:
                address += f" (from {_cell(_code(mask_text(c.moved_from, secrets)))})"
            action = "move" if c.only_moves else _ACTION_WORDS[c.action]
            out.append(f"| {action} | {address} | {_cell(_object(c.ref))} |")
        out.append("")
    return out


def _title(c: ResourceChange, secrets: Sequence[str]) -> str:
    def code(address: str) -> str:
        return f"<code>{html.escape(mask_text(address, secrets))}</code>"

    if c.only_moves and c.moved_from is not None:
        return f"{code(c.moved_from)} has moved to {code(c.address)}"
    return f"{code(c.address)} {VERBS[c.action]}"


def _dag_sections(plan: PlanData, secrets: Sequence[str]) -> list[tuple[str, str]]:
    """(summary, diagram) per changed template: the summary a diff block, the diagram Mermaid."""
    out = []
    for change in summarized(plan):
        for dag in change.dag:
            title = (
                f"#### {_code(mask_text(change.address, secrets))}, template {_code(dag.template)}"
            )
            if dag.status == "changed":
                lines = [f"{_DIFF_MARKS[line.marker]} {line.text}" for line in dag_lines(dag, 0)]
            else:
                lines = [
                    f"{_DIFF_MARKS[line.marker]} {line.text}"
                    for line in change_summary(replace(change, dag=(dag,)))
                ]
            body = mask_text("\n".join(lines), secrets)
            summary_text = f"{title}\n\n```diff\n{body}\n```\n"
            out.append((summary_text, f"```mermaid\n{mask_text(diagram(dag), secrets)}```\n"))
    return out


def _fit_summary(text: str, room: int) -> tuple[str, bool]:
    """The summary cut at a line to fit ``room``: only when it alone passes the limit."""
    if len(text) <= room:
        return text, False
    kept = text[:room].rsplit("\n", 1)[0]
    if kept.count("```") % 2:  # do not leave a code block open
        kept += "\n```"
    return kept + "\n", True


def render_plan_markdown(
    plan: PlanData, sensitive: Iterable[str] = (), limit: int = LIMIT, verbose: bool = False
) -> str:
    """The summary first (never cut unless it alone passes ``limit``), a Mermaid diagram per
    changed DAG (dropped, last first, before the summary is ever cut), then the folded diffs
    (cut first)."""
    secrets = secrets_of(plan.secrets, sensitive)
    budget = limit - _ROOM_FOR_NOTICE
    sections = _dag_sections(plan, secrets)
    summary_len = len("\n".join(_head(plan, secrets)) + "\n") + sum(len(s) + 1 for s, _ in sections)
    if sections:
        summary_len += len(f"### {TITLE}\n")
    keep = len(sections)
    while keep and summary_len + sum(len(d) + 1 for _, d in sections[:keep]) > budget:
        keep -= 1
    text = "\n".join(_head(plan, secrets)) + "\n"
    if sections:
        text += f"### {TITLE}\n"
        for i, (summary_text, drawing) in enumerate(sections):
            text += "\n" + summary_text + ("\n" + drawing if i < keep else "")
    text, summary_cut = _fit_summary(text, budget)
    blocks: list[tuple[str, list[str]]] = []
    for d in plan.drift:
        verb = "has been deleted" if d.after is None else "has changed"
        blocks.append(
            (
                f"<code>{html.escape(mask_text(d.address, secrets))}</code> {verb} outside gp",
                _diff_text(drift_lines(d, secrets), secrets),
            )
        )
    for c in plan.changes:
        if c.acts:
            blocks.append(
                (_title(c, secrets), _diff_text(change_lines(c, secrets, verbose), secrets))
            )
    shown = 0
    cut = False
    for name, body in blocks:
        if summary_cut:
            break
        block = _details(name, body)
        room = limit - len(text) - _ROOM_FOR_NOTICE
        if len(block) <= room:
            text += "\n" + block
            shown += 1
            continue
        partial = _truncated(name, body, room - 1)
        if partial is not None:
            text += "\n" + partial
            cut = True
        break
    left_out = len(blocks) - shown - (1 if cut else 0)
    dropped = len(sections) - keep
    if cut or left_out or dropped or summary_cut:
        parts = []
        if summary_cut:
            parts.append("the pipeline summary was cut")
        if dropped:
            parts.append(
                f"{dropped} of {len(sections)} DAG diagram{'s' if len(sections) != 1 else ''} "
                f"{'were' if dropped != 1 else 'was'} left out"
            )
        if cut or left_out:
            parts.append(
                f"{'1 diff was cut and ' if cut else ''}{left_out} of {len(blocks)} object diffs were left out"
            )
        text += (
            f"\n_This comment was shortened to stay under {limit:,} characters: "
            f"{'; '.join(parts)}. Run `gp show` on the saved plan for the whole of it._\n"
        )
    return text
