"""The one-line reasons of the DAG summary: "image geo/sen2cor:2.9.0 -> geo/sen2cor:2.9.1",
"depends on sen2cor-291.Failed instead of sen2cor-290.Failed", "script changed (+3 -1 lines)".

A reason names at most ``MAX_PARTS`` fields; the field diff below the summary has the rest.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from typing import Any

from gp.planner.dag_graph import TaskGraph
from gp.planner.dag_renames import rename_names
from gp.planner.plan import FieldDiff

MAX_PARTS = 2
_SHORT = 48
# Prefixes a reviewer does not need to read: what a task runs, and the kind of that template.
_IMPLIED = ("template.", "container.", "script.")


def _label(path: str) -> str:
    for prefix in _IMPLIED:
        if path.startswith(prefix):
            path = path[len(prefix) :]
    return path


def short(value: Any) -> str | None:
    """A value fit for one line, or None when it is too long or has several lines."""
    if isinstance(value, str):
        if "\n" in value.rstrip("\n"):
            return None
        text = value.rstrip("\n")
    else:
        text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return text if len(text) <= _SHORT else None


def _line_counts(before: Any, after: Any) -> str:
    old = before.splitlines() if isinstance(before, str) else []
    new = after.splitlines() if isinstance(after, str) else []
    plus = minus = 0
    for d in difflib.ndiff(old, new):
        plus += d.startswith("+ ")
        minus += d.startswith("- ")
    return f"+{plus} -{minus} lines"


def field_reason(change: FieldDiff) -> str:
    label = _label(change.path)
    before, after = change.before, change.after
    if change.path == "template" and isinstance(before, str) and isinstance(after, str):
        return f"calls {after} instead of {before}"
    if before is None:
        shown = short(after)
        return f"{label} set to {shown}" if shown is not None else f"{label} added"
    if after is None:
        return f"{label} removed"
    if isinstance(before, str) and isinstance(after, str) and ("\n" in before or "\n" in after):
        return f"{label} changed ({_line_counts(before, after)})"
    old, new = short(before), short(after)
    if old is None or new is None:
        return f"{label} changed"
    return f"{label} {old} -> {new}"


def fields_reason(fields: Sequence[FieldDiff]) -> str:
    parts = [field_reason(f) for f in fields[:MAX_PARTS]]
    if len(fields) > MAX_PARTS:
        more = len(fields) - MAX_PARTS
        parts.append(f"{more} more field{'s' if more != 1 else ''}")
    return ", ".join(parts)


def condition(source: str, cond: str) -> str:
    """An edge as it reads in a depends expression: `a`, `a.Failed`, `!a.Succeeded`."""
    negated, result = cond.startswith("!"), cond.lstrip("!")
    return f"{'!' if negated else ''}{source}{'.' + result if result else ''}"


def names(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _incoming(g: TaskGraph, task: str, rename: dict[str, str]) -> list[str]:
    return [condition(rename.get(s, s), c) for s, d, c in g.edges if d == task]


def edge_reason(
    task: str,
    old: TaskGraph,
    new: TaskGraph,
    renamed_from: dict[str, str],
    old_name: str | None = None,
) -> str:
    """How the edges into ``task`` changed (``old_name``: its name before a rename)."""
    # A renamed task's own edges are compared through the renames (preprocess -> sen2cor-290
    # then preprocess -> sen2cor-291 is no change of it); any other task's are compared as
    # written, so that its reason says it now depends on the new name.
    to_new = {r: a for a, r in renamed_from.items()} if old_name else {}
    before = _incoming(old, old_name or task, to_new)
    after = _incoming(new, task, {})
    added = [a for a in after if a not in before]
    removed = [b for b in before if b not in after]
    if added and removed:
        return f"depends on {names(added)} instead of {names(removed)}"
    if added:
        return f"now also depends on {names(added)}"
    if removed:
        return f"no longer depends on {names(removed)}"
    old_expr, new_expr = old.expressions.get(old_name or task), new.expressions.get(task)
    if old_expr and to_new:
        old_expr = rename_names(old_expr, to_new)
    if old_expr and new_expr and old_expr != new_expr:
        return f"depends {old_expr} -> {new_expr}"
    return ""


def renamed_reason(
    old_name: str,
    task: str,
    fields: Sequence[FieldDiff],
    old: TaskGraph,
    new: TaskGraph,
    renamed_from: dict[str, str],
) -> str:
    parts = [fields_reason(fields)] if fields else []
    edges = edge_reason(task, old, new, renamed_from, old_name)
    if edges:
        parts.append(edges)
    followers = [
        d
        for s, d, _ in new.edges
        if s == task
        and any(s0 == old_name and d0 == renamed_from.get(d, d) for s0, d0, _ in old.edges)
    ]
    followers = list(dict.fromkeys(followers))
    if followers:
        verb = "depends" if len(followers) == 1 else "depend"
        parts.append(f"{names(followers)} now {verb} on it")
    return "; ".join(parts)
