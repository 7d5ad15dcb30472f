"""The lines that show one object's change, shared by the text and markdown renderers.

A line is (depth, marker, text); ``layout`` turns it into Terraform's columns, where markers
are right-aligned in three characters so that ``-/+`` and ``~`` line up.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from gp.compile.objects import ObjectRef
from gp.planner.diff import prepare, unchanged_count
from gp.planner.masking import mask_at, parse_marks
from gp.planner.paths import format_path, get_path, leaf_paths, plain
from gp.planner.plan import ADDRESS_FIELD, Action, Drift, FieldDiff, ResourceChange, SchedulePreview
from gp.render.blocks import grouped_lines
from gp.render.mask import mask_fields, mask_value
from gp.render.shape import shape_lines, shape_note
from gp.render.values import Line, fmt

__all__ = [
    "MARKERS",
    "STYLES",
    "VERBS",
    "Line",
    "change_lines",
    "drift_lines",
    "heading",
    "layout",
    "shown_fields",
    "title",
]

MARKERS = {
    Action.CREATE: "+",
    Action.UPDATE: "~",
    Action.DELETE: "-",
    Action.REPLACE: "-/+",
    Action.FORGET: ".",
}
VERBS = {
    Action.CREATE: "will be created",
    Action.UPDATE: "will be updated in-place",
    Action.DELETE: "will be destroyed",
    Action.REPLACE: "will be replaced",
    Action.FORGET: "will no longer be managed; it stays",
}
STYLES = {"+": "green", "~": "yellow", "-": "red", "-/+": "magenta", ".": "cyan", "#": "bold"}


def title(change: ResourceChange) -> str:
    """The heading's words: "has moved to" for a move that changes nothing else."""
    if change.only_moves:
        return f"{change.moved_from} has moved to {change.address}"
    return f"{change.address} {VERBS[change.action]}"


def shown_fields(change: ResourceChange) -> tuple[FieldDiff, ...]:
    """The field diff as shown: a move's new address mark is said in its heading."""
    if change.moved_from is None:
        return change.fields
    return tuple(f for f in change.fields if f.path != ADDRESS_FIELD)


def layout(line: Line) -> tuple[str, str, str]:
    """(indent, marker column, text): the marker column is styled, the rest is not."""
    marker = f"{line.marker:>3} " if line.marker else "    "
    return "    " * line.depth, marker, line.text


def heading(ref: ObjectRef) -> str:
    ident = f"{ref.namespace}/{ref.name}" if ref.namespace else ref.name
    return f"{ref.kind} {json.dumps(ident)}"


def _all_fields(manifest: dict[str, Any], created: bool) -> list[FieldDiff]:
    """Every field of a whole object (for --verbose), as changes from or to nothing."""
    tree = prepare(manifest)
    out = []
    for path in leaf_paths(tree):
        _, value = get_path(tree, path)
        value = plain(value)
        out.append(
            FieldDiff(format_path(path), None, value)
            if created
            else FieldDiff(format_path(path), value, None)
        )
    return out


def _preview_line(label: str, p: SchedulePreview | None) -> Line:
    title = f"# schedule {label}".rstrip()
    if p is None:
        return Line(1, "", f"{title}: none")
    zone = p.timezone or "UTC"
    runs = ", ".join(p.next_runs) or "never"
    text = f"{title}: {fmt(list(p.schedules))} {zone}; next runs {runs}"
    if p.transition:  # what the controller does when the clocks next change
        text += "; at the next clock change: " + "; ".join(p.transition)
    return Line(1, "", text)


def change_body(
    change: ResourceChange, secrets: Sequence[str], verbose: bool = False
) -> list[Line]:
    """The lines between an object's header and its closing brace."""
    marks = parse_marks(change.sensitive_paths)
    whole = change.after if change.action is Action.CREATE else change.before
    if change.action is Action.FORGET:
        return [Line(1, "", "# (gp's marks are taken off it; nothing else changes)")]
    if change.action in (Action.CREATE, Action.DELETE) and not verbose:
        shown = mask_value(mask_at(whole or {}, (), marks), secrets)
        lines = shape_lines(shown, MARKERS[change.action])
    elif change.action in (Action.CREATE, Action.DELETE):
        created = change.action is Action.CREATE
        tree = prepare(whole or {})
        fields = mask_fields(_all_fields(whole or {}, created), marks)
        lines = grouped_lines(
            fields,
            None if created else tree,
            tree if created else None,
            secrets,
            marker=MARKERS[change.action],
        )
    else:
        lines = grouped_lines(
            mask_fields(shown_fields(change), marks),
            prepare(change.before),
            prepare(change.after),
            secrets,
        )
    if change.action in (Action.UPDATE, Action.REPLACE, Action.NOOP):
        hidden = unchanged_count(change.after, shown_fields(change))
        if hidden:
            lines.append(
                Line(1, "", f"# ({hidden} unchanged field{'s' if hidden != 1 else ''} hidden)")
            )
    if change.schedule is not None:
        if change.action is Action.CREATE:
            lines.append(_preview_line("", change.schedule.after))
        else:
            lines.append(_preview_line("before", change.schedule.before))
            lines.append(_preview_line("after", change.schedule.after))
    if change.action in (Action.CREATE, Action.DELETE) and not verbose:
        lines.append(shape_note(whole or {}))
    return lines


def change_lines(
    change: ResourceChange, secrets: Sequence[str], verbose: bool = False
) -> list[Line]:
    """The whole block for one change, header comment to closing brace."""
    lines = [Line(0, "#", title(change))]
    if change.moved_from is not None and not change.only_moves:
        lines.append(Line(0, "#", f"(moved from {change.moved_from})"))
    if change.removed_by is not None:
        lines.append(Line(0, "#", f"(because of the removed block at {change.removed_by})"))
    elif change.action is Action.DELETE and change.reason:
        why = (
            "the stack is being destroyed"
            if "destroy" in change.reason
            else (f"{change.address} is not in the configuration")
        )
        lines.append(Line(0, "#", f"(because {why})"))
    if change.action is Action.REPLACE and change.prior_ref is not None:
        lines.append(
            Line(
                0,
                "#",
                f"(because its identity changed: {heading(change.prior_ref)} -> {heading(change.ref)})",
            )
        )
    marker = "" if change.only_moves else MARKERS[change.action]
    lines.append(Line(0, marker, f"{heading(change.ref)} {{"))
    lines.extend(change_body(change, secrets, verbose))
    lines.append(Line(0, "", "}"))
    return lines


def drift_lines(drift: Drift, secrets: Sequence[str]) -> list[Line]:
    if drift.after is None:
        return [
            Line(0, "#", f"{drift.address} has been deleted"),
            Line(0, "-", f"{heading(drift.ref)} {{"),
            Line(0, "", "}"),
        ]
    lines = [Line(0, "#", f"{drift.address} has changed"), Line(0, "~", f"{heading(drift.ref)} {{")]
    fields = mask_fields(drift.fields, parse_marks(drift.sensitive_paths))
    lines.extend(grouped_lines(fields, prepare(drift.before), prepare(drift.after), secrets))
    lines.append(Line(0, "", "}"))
    return lines
