"""`gp plan --format markdown`: a pull-request comment.

The summary (counts, destroy warning, errors, tables) always appears whole; each object's diff
is folded in ``<details>`` and it is those that are cut when the comment would pass GitHub's
65,536-character limit, with a line saying so.
"""

from __future__ import annotations

import html
import re
from typing import Iterable, Sequence

from gp.compile.objects import ObjectRef
from gp.planner.plan import Action, Plan
from gp.render.body import VERBS, Line, change_lines, drift_lines, layout
from gp.render.mask import mask_text, secrets_of
from gp.render.plan_runs import run_lines
from gp.render.text import summary

LIMIT = 65_536
_ROOM_FOR_NOTICE = 400
_DIFF_MARKS = {"+": "+", "-": "-", "~": "!", "-/+": "!"}
_ACTION_WORDS = {
    Action.CREATE: "create",
    Action.UPDATE: "update",
    Action.DELETE: "destroy",
    Action.REPLACE: "replace",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    ticks = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (ticks + 1)
    pad = " " if ticks else ""
    return f"{fence}{pad}{text}{pad}{fence}"


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
    content = "\n".join(body)
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


def _head(plan: Plan, secrets: Sequence[str]) -> list[str]:
    out = [f"## gp plan for stack {_code(plan.stack)}", "", f"**{summary(plan)}**", ""]
    destroyed = [c for c in plan.changes if c.action in (Action.DELETE, Action.REPLACE)]
    if destroyed:
        names = ", ".join(_code(mask_text(c.address, secrets)) for c in destroyed)
        n = len(destroyed)
        out += [f"> :warning: **This plan destroys {n} object{'s' if n != 1 else ''}:** {names}", ""]
    if plan.errors:
        out += ["**Errors (this plan cannot be applied):**", ""]
        out += [f"- {_cell(mask_text(e, secrets))}" for e in plan.errors] + [""]
    for warning in plan.warnings:
        out += [f"> :warning: {_cell(mask_text(warning, secrets))}", ""]
    if plan.runs:
        out += ["**Runs of the templates that change:**", ""]
        out += [f"- {_cell(mask_text(line, secrets))}" for line in run_lines(plan)] + [""]
    if plan.drift:
        out += ["**Objects changed outside gp:**", "", "| Address | Object | Change |", "|---|---|---|"]
        for d in plan.drift:
            what = "deleted" if d.after is None else f"{len(d.fields)} field(s) changed"
            out.append(f"| {_cell(_code(mask_text(d.address, secrets)))} | {_cell(_object(d.ref))} | {what} |")
        out.append("")
    acting = [c for c in plan.changes if c.action is not Action.NOOP]
    if acting:
        out += ["| Action | Address | Object |", "|---|---|---|"]
        for c in acting:
            address = _cell(_code(mask_text(c.address, secrets)))
            out.append(f"| {_ACTION_WORDS[c.action]} | {address} | {_cell(_object(c.ref))} |")
        out.append("")
    return out


def render_plan_markdown(plan: Plan, sensitive: Iterable[str] = (), limit: int = LIMIT) -> str:
    secrets = secrets_of(plan.sensitive, sensitive)
    text = "\n".join(_head(plan, secrets)) + "\n"
    blocks: list[tuple[str, list[str]]] = []
    for d in plan.drift:
        verb = "has been deleted" if d.after is None else "has changed"
        blocks.append((f"<code>{html.escape(mask_text(d.address, secrets))}</code> {verb} outside gp", _diff_text(drift_lines(d, secrets), secrets)))
    for c in plan.changes:
        if c.action is not Action.NOOP:
            title = f"<code>{html.escape(mask_text(c.address, secrets))}</code> {VERBS[c.action]}"
            blocks.append((title, _diff_text(change_lines(c, secrets), secrets)))
    shown = 0
    cut = False
    for title, body in blocks:
        block = _details(title, body)
        room = limit - len(text) - _ROOM_FOR_NOTICE
        if len(block) <= room:
            text += "\n" + block
            shown += 1
            continue
        partial = _truncated(title, body, room - 1)
        if partial is not None:
            text += "\n" + partial
            cut = True
        break
    left_out = len(blocks) - shown - (1 if cut else 0)
    if cut or left_out:
        text += (
            f"\n_This comment was shortened to stay under {limit:,} characters: "
            f"{'1 diff was cut and ' if cut else ''}{left_out} of {len(blocks)} object diffs were "
            "left out. Run `gp show` on the saved plan for the whole of it._\n"
        )
    return text


def render_plan(plan: Plan, sensitive: Iterable[str] = ()) -> str:
    """The CLI's entry point for ``--format markdown``."""
    return render_plan_markdown(plan, sensitive)
