"""The DAG summary of a change: which tasks of which templates were added, removed, renamed or
changed (with a one-line reason each), and which edges appeared or went.

A task is what it runs: its own fields and the body of the template it calls, so a task whose
template changes is a changed task. A removed and an added task of the same template are one
renamed task when they differ only in their names and what follows from them (the name of the
template each calls, the names written in their strings, theirs and those of the other renamed
tasks) and the tags of their images, the way a version bump renames ``sen2cor-290`` to
``sen2cor-291``; ``dag_renames`` matches them as a graph.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from gp.planner.dag_graph import TaskGraph, graph_of, templates_of
from gp.planner.dag_reason import edge_reason, fields_reason, renamed_reason
from gp.planner.dag_renames import match_renames, rename_names
from gp.planner.diff import field_changes
from gp.planner.masking import mask_at, parse_marks
from gp.planner.paths import keyed, plain
from gp.planner.plan import DagChange, DagEdge, DagTask, FieldDiff


def _repository(image: str) -> str:
    """'geo/sen2cor' of 'geo/sen2cor:2.9.0' (a registry's port is not a tag)."""
    name, _, tag = image.rpartition(":")
    return name if name and "/" not in tag else image.split("@")[0]


def _version_bump(fields: tuple[FieldDiff, ...]) -> bool:
    """Whether a removed and an added task differ (beyond names) in nothing but the tag of an
    image: the same tool in another version, as a renamed task usually is."""
    return all(
        f.path.split(".")[-1] == "image"
        and isinstance(f.before, str)
        and isinstance(f.after, str)
        and _repository(f.before) == _repository(f.after)
        for f in fields
    )


# A pair whose templates are two different ones that both exist before and after: never a rename.
_NOT_ALONG = FieldDiff("template", None, None)


def _strip(task: dict) -> dict:
    """A task's own fields, without those the summary reads elsewhere (name, edges)."""
    return {k: v for k, v in task.items() if k not in ("name", "depends", "dependencies")}


class _Summary:
    def __init__(self, before: dict[str, dict], after: dict[str, dict]):
        self.before_templates = before
        self.after_templates = after

    def runs(self, task: dict, templates: dict[str, dict]) -> dict:
        """What a task runs: its own fields, with the body of the local (non-DAG) template it
        calls in place of that template's name."""
        own = _strip(task)
        called = (
            templates.get(own.get("template")) if isinstance(own.get("template"), str) else None
        )
        if called is not None and graph_of(called) is None:
            own["template"] = {k: v for k, v in called.items() if k != "name"}
        return own

    def task_fields(
        self,
        old: dict,
        new: dict,
        before_names: Mapping[str, str] | None = None,
        after_names: Mapping[str, str] | None = None,
    ) -> tuple[FieldDiff, ...]:
        """What differs in what two tasks run, with the names in ``before_names`` read as
        their new names in the old task (and ``after_names`` in the new one)."""
        before = rename_names(self.runs(old, self.before_templates), before_names or {})
        after = rename_names(self.runs(new, self.after_templates), after_names or {})
        if before_names and isinstance(before.get("template"), str):
            if _renamed_along(old, new, self):
                before["template"] = after.get("template")
        return field_changes(keyed(before), keyed(after))

    def renames(
        self, old: TaskGraph, new: TaskGraph
    ) -> dict[str, tuple[str, tuple[FieldDiff, ...]]]:
        """Added task -> (the removed task it renames, what else changed in what it runs)."""

        def compare(
            r: str, a: str, before: Mapping[str, str], after: Mapping[str, str]
        ) -> tuple[FieldDiff, ...]:
            if not _renamed_along(old.tasks[r], new.tasks[a], self):
                return (_NOT_ALONG,)
            return self.task_fields(old.tasks[r], new.tasks[a], before, after)

        return match_renames(old, new, compare, _version_bump)

    def change(self, name: str) -> DagChange | None:
        old_t, new_t = self.before_templates.get(name), self.after_templates.get(name)
        old = graph_of(old_t) if old_t else None
        new = graph_of(new_t) if new_t else None
        if old is None and new is None:
            return None
        if old is None or new is None:
            g = new or old
            status = "added" if old is None else "removed"
            tasks = tuple(DagTask(t, status) for t in g.tasks)
            edges = tuple(DagEdge(s, d, c, status) for s, d, c in g.edges)
            return DagChange(name, status, g.style, tasks, edges)
        renames = self.renames(old, new)
        renamed_from = {a: r for a, (r, _) in renames.items()}
        edges = _edges(old, new)
        tasks = []
        for t in new.tasks:
            if t in renames:
                r, fields = renames[t]
                tasks.append(
                    DagTask(t, "renamed", renamed_reason(r, t, fields, old, new, renamed_from), r)
                )
            elif t not in old.tasks:
                tasks.append(DagTask(t, "added", _runs(new.tasks[t], self.after_templates, "runs")))
            else:
                reason = self.changed_reason(t, old, new, renamed_from)
                tasks.append(DagTask(t, "changed" if reason else "unchanged", reason))
        gone = set(renamed_from.values())
        for position, t in enumerate(old.tasks):
            if t not in new.tasks and t not in gone:
                why = _runs(old.tasks[t], self.before_templates, "ran")
                tasks.insert(min(position, len(tasks)), DagTask(t, "removed", why))
        if all(t.status == "unchanged" for t in tasks) and all(
            e.status == "unchanged" for e in edges
        ):
            return None
        return DagChange(name, "changed", new.style, tuple(tasks), tuple(edges))

    def changed_reason(
        self, t: str, old: TaskGraph, new: TaskGraph, renamed_from: dict[str, str]
    ) -> str:
        parts = []
        if new.style == "steps" and old.groups.get(t) != new.groups.get(t):
            parts.append(f"moved from group {old.groups.get(t)} to group {new.groups.get(t)}")
        elif new.style == "dag":
            why = edge_reason(t, old, new, renamed_from)
            if why:
                parts.append(why)
        why = fields_reason(self.task_fields(old.tasks[t], new.tasks[t]))
        if why:
            parts.append(why)
        return "; ".join(parts)


def _renamed_along(old: dict, new: dict, summary: _Summary) -> bool:
    """Whether the template each calls is the same, or renamed along with the task."""
    ot, nt = old.get("template"), new.get("template")
    if ot == nt:
        return True
    if not (isinstance(ot, str) and isinstance(nt, str)):
        return False
    # The old template went and the new one came: a template renamed with its task.
    return ot not in summary.after_templates and nt not in summary.before_templates


def _runs(task: dict, templates: dict[str, dict], verb: str) -> str:
    """'runs geo/sen2cor:2.9.1' (the image of the template it calls), or 'runs template x'."""
    ref = task.get("templateRef")
    if isinstance(ref, dict):
        return f"{verb} {ref.get('name')}/{ref.get('template')}"
    called = templates.get(task.get("template")) if isinstance(task.get("template"), str) else None
    for kind in ("container", "script"):
        image = (
            (called or {}).get(kind, {}).get("image")
            if isinstance((called or {}).get(kind), dict)
            else None
        )
        if isinstance(image, str):
            return f"{verb} {image}"
    return f"{verb} template {task.get('template')}" if task.get("template") else ""


def _edges(old: TaskGraph, new: TaskGraph) -> tuple[DagEdge, ...]:
    before, after = set(old.edges), set(new.edges)
    out = [
        DagEdge(s, d, c, "unchanged" if (s, d, c) in before else "added") for s, d, c in new.edges
    ]
    out += [DagEdge(s, d, c, "removed") for s, d, c in old.edges if (s, d, c) not in after]
    return tuple(out)


def dag_changes(before: Any, after: Any, sensitive: Sequence[str] = ()) -> tuple[DagChange, ...]:
    """The DAG summary from ``before`` to ``after`` (manifests, plain or prepared trees; None
    for an object that does not exist on that side). Values at the ``sensitive`` paths are
    masked first, on both sides: the reasons quote field values."""
    marks = parse_marks(sensitive)
    old = templates_of(plain(mask_at(before, (), marks)))
    new = templates_of(plain(mask_at(after, (), marks)))
    summary = _Summary(old, new)
    names = list(new) + [n for n in old if n not in new]
    return tuple(c for c in (summary.change(n) for n in names) if c is not None)
