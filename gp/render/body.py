"""The lines that show one object's change, shared by the text and markdown renderers.

A line is (depth, marker, text); ``layout`` turns it into Terraform's columns, where markers
are right-aligned in three characters so that ``-/+`` and ``~`` line up.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from gp.compile.objects import ObjectRef
from gp.planner.diff import prepare, unchanged_count
from gp.planner.paths import Name, format_path, get_path, keyed, leaf_paths, plain
from gp.planner.plan import Action, Drift, FieldChange, ResourceChange, SchedulePreview
from gp.render.mask import mask_fields, mask_value, parse_marks

MARKERS = {Action.CREATE: "+", Action.UPDATE: "~", Action.DELETE: "-", Action.REPLACE: "-/+"}
VERBS = {
    Action.CREATE: "will be created",
    Action.UPDATE: "will be updated in-place",
    Action.DELETE: "will be destroyed",
    Action.REPLACE: "will be replaced",
}
STYLES = {"+": "green", "~": "yellow", "-": "red", "-/+": "magenta", "#": "bold"}


@dataclass(frozen=True)
class Line:
    depth: int
    marker: str
    text: str


def layout(line: Line) -> tuple[str, str, str]:
    """(indent, marker column, text): the marker column is styled, the rest is not."""
    marker = f"{line.marker:>3} " if line.marker else "    "
    return "    " * line.depth, marker, line.text


def heading(ref: ObjectRef) -> str:
    ident = f"{ref.namespace}/{ref.name}" if ref.namespace else ref.name
    return f"{ref.kind} {json.dumps(ident)}"


def fmt(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return json.dumps(value, ensure_ascii=False)


def _multiline(value: Any) -> bool:
    return isinstance(value, str) and "\n" in value.rstrip("\n")


def _structured(value: Any) -> bool:
    return isinstance(value, dict) and bool(value)


def _heredoc(path: str, before: Any, after: Any, marker: str) -> list[Line]:
    old = before.splitlines() if isinstance(before, str) else []
    new = after.splitlines() if isinstance(after, str) else []
    out = [Line(1, marker, f"{path} = <<-EOT")]
    if marker == "~":
        for d in difflib.ndiff(old, new):
            if not d.startswith("?"):
                out.append(Line(2, d[0].strip(), d[2:]))
    else:
        out.extend(Line(2, "", text) for text in (new or old))
    out.append(Line(1, "", "EOT"))
    return out


def _leaves(path: str, value: dict) -> Iterable[tuple[str, Any]]:
    tree = keyed(value)
    for sub in leaf_paths(tree):
        _, leaf = get_path(tree, sub)
        yield path + format_path(("x",) + sub)[1:], plain(leaf)


def field_lines(change: FieldChange, secrets: Sequence[str]) -> list[Line]:
    before = mask_value(change.before, secrets)
    after = mask_value(change.after, secrets)
    path = change.path
    if before is None and after is None:
        return []
    if before is None:
        if _structured(after):
            return [line for p, v in _leaves(path, after) for line in field_lines(FieldChange(p, None, v), ())]
        if _multiline(after):
            return _heredoc(path, None, after, "+")
        return [Line(1, "+", f"{path} = {fmt(after)}")]
    if after is None:
        if _structured(before):
            return [line for p, v in _leaves(path, before) for line in field_lines(FieldChange(p, v, None), ())]
        if _multiline(before):
            return _heredoc(path, before, None, "-")
        return [Line(1, "-", f"{path} = {fmt(before)} -> null")]
    if _multiline(before) or _multiline(after):
        return _heredoc(path, str(before), str(after), "~")
    return [Line(1, "~", f"{path} = {fmt(before)} -> {fmt(after)}")]


def _all_fields(manifest: dict[str, Any], created: bool) -> list[FieldChange]:
    tree = prepare(manifest)
    out = []
    for path in leaf_paths(tree):
        if len(path) > 1 and isinstance(path[-2], Name) and path[-1] in ("name", "key"):
            continue  # an item's name is already in its path
        _, value = get_path(tree, path)
        value = plain(value)
        out.append(FieldChange(format_path(path), None, value) if created else FieldChange(format_path(path), value, None))
    return out


def _preview_line(label: str, p: SchedulePreview | None) -> Line:
    title = f"# schedule {label}".rstrip()
    if p is None:
        return Line(1, "", f"{title}: none")
    zone = p.timezone or "UTC"
    runs = ", ".join(p.next_runs) or "never"
    return Line(1, "", f"{title}: {fmt(list(p.schedules))} {zone}; next runs {runs}")


def change_body(change: ResourceChange, secrets: Sequence[str]) -> list[Line]:
    """The lines between an object's header and its closing brace."""
    if change.action is Action.CREATE:
        fields = _all_fields(change.after or {}, created=True)
    elif change.action is Action.DELETE:
        fields = _all_fields(change.before or {}, created=False)
    else:
        fields = list(change.fields)
    fields = mask_fields(fields, parse_marks(change.sensitive))
    lines = [line for f in fields for line in field_lines(f, secrets)]
    if change.action in (Action.UPDATE, Action.REPLACE):
        hidden = unchanged_count(change.after, change.fields)
        if hidden:
            lines.append(Line(1, "", f"# ({hidden} unchanged field{'s' if hidden != 1 else ''} hidden)"))
    if change.schedule is not None:
        if change.action is Action.CREATE:
            lines.append(_preview_line("", change.schedule.after))
        else:
            lines.append(_preview_line("before", change.schedule.before))
            lines.append(_preview_line("after", change.schedule.after))
    return lines


def change_lines(change: ResourceChange, secrets: Sequence[str]) -> list[Line]:
    """The whole block for one change, header comment to closing brace."""
    lines = [Line(0, "#", f"{change.address} {VERBS[change.action]}")]
    if change.action is Action.DELETE and change.reason:
        why = "the stack is being destroyed" if "destroy" in change.reason else (
            f"{change.address} is not in the configuration"
        )
        lines.append(Line(0, "#", f"(because {why})"))
    if change.action is Action.REPLACE and change.prior_ref is not None:
        lines.append(Line(0, "#", f"(because its identity changed: {heading(change.prior_ref)} -> {heading(change.ref)})"))
    lines.append(Line(0, MARKERS[change.action], f"{heading(change.ref)} {{"))
    lines.extend(change_body(change, secrets))
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
    fields = mask_fields(drift.fields, parse_marks(drift.sensitive))
    lines.extend(line for f in fields for line in field_lines(f, secrets))
    lines.append(Line(0, "", "}"))
    return lines
