"""The task names a test's ``outcomes`` and ``outputs`` use must name tasks of its pipeline.

A typo (``sen2cor29``) or a task a branch removed would otherwise be a key nothing reads: the
task it meant succeeds and the test passes by accident. Keys are checked against the pipeline as
written (every step and task of every template it can run, templateRefs into the module
followed), not against one run, so a key for a task that a run skips is still fine.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from gp.compile.objects import TEMPLATE_KINDS
from gp.simulate import Scenario, workflow_spec
from gp.suggest import did_you_mean

# A node name's suffixes: a fan-out item `(0:a)`, a retry attempt `(1)`.
_SUFFIX = re.compile(r"\([^()]*\)$")
_GROUP = re.compile(r"^\[\d+\]")
EXIT_NODE = "onExit"


def pipeline_tasks(scenario: Scenario) -> set[str]:
    """Every name a node of the pipeline can have: its steps' and tasks' names, and the entry
    template's (the node of a pipeline whose entry template is itself a pod)."""
    _, spec = workflow_spec(scenario)
    others = {
        (m.get("kind") == "ClusterWorkflowTemplate", (m.get("metadata") or {}).get("name")): (
            m.get("spec") or {}
        )
        for m in scenario.manifests
        if m.get("kind") in TEMPLATE_KINDS
    }
    names = {str(spec.get("entrypoint") or "")}
    todo, seen = [spec], set()
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        for item in _items(current):
            if isinstance(item.get("name"), str):
                names.add(item["name"])
            ref = item.get("templateRef")
            if isinstance(ref, dict):
                other = others.get((bool(ref.get("clusterScope")), ref.get("name")))
                if other is not None:
                    todo.append(other)
    names.discard("")
    return names


def _items(spec: Mapping[str, Any]) -> Iterator[dict]:
    for tmpl in spec.get("templates") or []:
        if not isinstance(tmpl, dict):
            continue
        dag = tmpl.get("dag")
        for task in dag.get("tasks") or [] if isinstance(dag, dict) else []:
            if isinstance(task, dict):
                yield task
        for group in tmpl.get("steps") or []:
            for step in group if isinstance(group, list) else []:
                if isinstance(step, dict):
                    yield step


def parts(key: str) -> list[str]:
    """``outer.inner(0:a)(1)`` -> ["outer", "inner"]; ``[0].step`` -> ["step"]."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(key + "."):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "." and depth <= 0:
            out.append(key[start:i])
            start = i + 1
    names = []
    for part in out:
        part = _GROUP.sub("", part)
        while _SUFFIX.search(part):
            part = _SUFFIX.sub("", part)
        if part:
            names.append(part)
    return names


def unknown_keys(
    scenario: Scenario, pipeline: str, tables: Mapping[str, Mapping[str, Any]]
) -> list[str]:
    """One message per key of ``tables`` (``outcomes``, ``outputs``) naming no task."""
    known = pipeline_tasks(scenario)
    problems = []
    for what, table in tables.items():
        for key in table:
            bad = [p for p in parts(key) if p not in known and p != EXIT_NODE] or (
                [] if parts(key) else [key]
            )
            if bad:
                problems.append(
                    f'{what}["{key}"]: {pipeline} has no task or step named "{bad[0]}"'
                    f"{did_you_mean(bad[0], sorted(known))}"
                )
    return problems
