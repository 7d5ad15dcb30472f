"""`gp graph`: the DAGs of compiled objects as text, Graphviz dot or Mermaid.

An edge goes from a dependency to the task that waits for it; it is labelled with the condition
(`Failed`, `!Succeeded`, `AnySucceeded`, ...) unless it is the plain "after A succeeds".
A `steps` template is drawn too: each step waits for every step of the group before it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from gp.compile.depends import task_edges
from gp.compile.objects import CompiledObject
from gp.errors import CompileError

FORMATS = ("text", "dot", "mermaid")


@dataclass
class Dag:
    owner: str  # the object's address
    template: str
    tasks: list[str] = field(default_factory=list)
    # (from, to, label): `to` runs after `from`; label "" for plain success.
    edges: list[tuple[str, str, str]] = field(default_factory=list)
    # Depends expressions that a list of edges would misread (`||`, `!`, parentheses).
    expressions: dict[str, str] = field(default_factory=dict)


def graph(objects: Sequence[CompiledObject], address: str | None = None, fmt: str = "text") -> str:
    if fmt not in FORMATS:
        raise CompileError(f"unknown graph format {fmt!r}; use one of {', '.join(FORMATS)}")
    return render(dags_for(objects, address), fmt)


def dags_for(objects: Sequence[CompiledObject], address: str | None = None) -> list[Dag]:
    """The DAGs of the object at ``address``, or of every object when None."""
    chosen = [o for o in objects if address is None or o.address == address]
    if address is not None and not chosen:
        raise CompileError(f"no object {address} in this module")
    return [d for o in chosen for d in dags_of(o)]


def render(dags: Sequence[Dag], fmt: str = "text") -> str:
    if fmt not in FORMATS:
        raise CompileError(f"unknown graph format {fmt!r}; use one of {', '.join(FORMATS)}")
    return {"text": _text, "dot": _dot, "mermaid": _mermaid}[fmt](list(dags))


def dags_of(obj: CompiledObject) -> list[Dag]:
    spec = obj.manifest.get("spec") or {}
    if obj.ref.kind == "CronWorkflow":
        spec = spec.get("workflowSpec") or {}
    out = []
    for tmpl in spec.get("templates") or []:
        if isinstance((tmpl.get("dag") or {}).get("tasks"), list):
            out.append(_from_dag(obj.address, tmpl))
        elif isinstance(tmpl.get("steps"), list):
            out.append(_from_steps(obj.address, tmpl))
    return out


def _from_dag(owner: str, tmpl: dict) -> Dag:
    dag = Dag(owner, str(tmpl.get("name")))
    for task in tmpl["dag"]["tasks"]:
        name = str(task.get("name"))
        dag.tasks.append(name)
        deps = task.get("depends")
        if deps is not None and any(op in str(deps) for op in ("||", "!", "(")):
            dag.expressions[name] = " ".join(str(deps).split())
        dag.edges.extend(task_edges(name, task))
    return dag


def _from_steps(owner: str, tmpl: dict) -> Dag:
    dag = Dag(owner, str(tmpl.get("name")))
    previous: list[str] = []
    for group in tmpl["steps"]:
        names = [str(s.get("name")) for s in (group if isinstance(group, list) else [])]
        dag.tasks.extend(names)
        dag.edges.extend((p, n, "") for p in previous for n in names)
        previous = names
    return dag


def _text(dags: list[Dag]) -> str:
    blocks = []
    for dag in dags:
        lines = [f"{dag.owner}: {dag.template}"]
        width = max((len(t) for t in dag.tasks), default=0)
        for task in dag.tasks:
            deps = [_condition(src, label) for src, dst, label in dag.edges if dst == task]
            # A list reads as "after all of these"; anything else is shown as written.
            shown = dag.expressions.get(task) or ", ".join(deps)
            arrow = f" <- {shown}" if shown else ""
            lines.append(f"  {task.ljust(width)}{arrow}".rstrip())
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def _condition(src: str, label: str) -> str:
    """`A`, `A.Failed`, `!A.Succeeded`: the edge as it reads in a depends expression."""
    negated, result = label.startswith("!"), label.lstrip("!")
    return f"{'!' if negated else ''}{src}{'.' + result if result else ''}"


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _dot(dags: list[Dag]) -> str:
    lines = ["digraph gp {", "  rankdir=LR;", "  node [shape=box];"]
    for i, dag in enumerate(dags):
        lines.append(f"  subgraph cluster_{i} {{")
        lines.append(f"    label={_q(dag.owner + ': ' + dag.template)};")
        lines.extend(f"    {_q(f'{i}/{t}')} [label={_q(t)}];" for t in dag.tasks)
        lines.append("  }")
        for src, dst, label in dag.edges:
            attrs = f" [label={_q(label)}]" if label else ""
            lines.append(f"  {_q(f'{i}/{src}')} -> {_q(f'{i}/{dst}')}{attrs};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _mermaid_ids(i: int, dag: Dag) -> dict[str, str]:
    """Mermaid ids are plain words: number the tasks rather than mangle their names."""
    ids = {t: f"d{i}t{j}" for j, t in enumerate(dag.tasks)}
    for src, _, _ in dag.edges:  # a dependency on an unknown task still gets a node
        ids.setdefault(src, f"d{i}t{len(ids)}")
    return ids


def _mermaid(dags: list[Dag]) -> str:
    lines = ["flowchart LR"]
    for i, dag in enumerate(dags):
        lines.append(f'  subgraph d{i}["{_mermaid_text(dag.owner + ": " + dag.template)}"]')
        ids = _mermaid_ids(i, dag)
        lines.extend(f'    {ids[t]}["{_mermaid_text(t)}"]' for t in dag.tasks)
        lines.append("  end")
        for src, dst, label in dag.edges:
            arrow = f"-->|{_mermaid_text(label)}|" if label else "-->"
            lines.append(f"  {ids[src]} {arrow} {ids[dst]}")
    return "\n".join(lines) + "\n"


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;")
