"""Why a run failed, in the words of Argo's controller, when its task table does not say it:
the run's own message (a node id in it read as the task's name), a failed exit handler, or a
leaf task omitted below a failed one. Argo's controller (assessDAGPhase, dag.go) gives an
omitted task the phase of its branch, so a DAG whose leaf is omitted below a failed task fails
although the failure was handled elsewhere; the run's message is then empty."""

from __future__ import annotations

import re

from gp.runs.model import Node, RunSnapshot

_FAILED = ("Failed", "Error")
_NOT_RUN = ("Omitted", "Skipped")


def _named(text: str, nodes: dict[str, Node]) -> str:
    """``child 'etl-1234' failed`` as ``child 'load' failed``."""
    return re.sub(
        r"'([^']+)'",
        lambda m: f"'{nodes[m.group(1)].display_name}'" if m.group(1) in nodes else m.group(0),
        text,
    )


def _failed_above(node_id: str, parents: dict[str, list[str]], nodes: dict[str, Node]) -> list[str]:
    """The nearest ancestors that ran, of those that failed: the branch an omitted task
    takes its phase from."""
    found, seen, todo = [], set(), list(parents.get(node_id, []))
    while todo:
        current = todo.pop(0)
        if current in seen or current not in nodes:
            continue
        seen.add(current)
        node = nodes[current]
        if node.phase in _NOT_RUN:
            todo.extend(parents.get(current, []))
        elif node.phase in _FAILED:
            found.append(node.display_name)
    return sorted(set(found))


def _omitted_leaves(run: RunSnapshot, nodes: dict[str, Node]) -> list[str]:
    parents: dict[str, list[str]] = {}
    for node in run.nodes:
        for child in node.children:
            parents.setdefault(child, []).append(node.id)
    out = []
    for node in run.nodes:
        if node.phase != "Omitted" or node.children:
            continue
        failed = _failed_above(node.id, parents, nodes)
        if failed:
            which = " and ".join(failed)
            out.append(
                f"{node.display_name} was omitted below {which}, which failed: Argo's controller "
                "fails a DAG when a leaf task is omitted below a failed task (it takes its "
                "branch's phase), even when another task handled the failure"
            )
    return out


def failure_reason(run: RunSnapshot) -> list[str]:
    """Each reason the run failed that its failed tasks alone do not tell; [] when it did not
    fail."""
    if run.phase not in _FAILED:
        return []
    nodes = {n.id: n for n in run.nodes}
    out = []
    on_exit = next((n for n in run.nodes if n.name == f"{run.name}.onExit"), None)
    if on_exit is not None and on_exit.phase in _FAILED:
        out.append(f"the exit handler (onExit) {on_exit.phase.lower()}: {on_exit.message or ''}")
    elif run.message:
        out.append(_named(run.message, nodes))
    out += _omitted_leaves(run, nodes)
    return out
