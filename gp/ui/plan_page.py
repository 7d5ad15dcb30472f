"""`/plan`: the plan value the CLI renders (made on request, or the saved one given with
--plan), as a page: drift first, the DAG changes drawn, each object's change as the CLI's lines.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from gp.planner.plan import PlanData
from gp.redact import mask_text, secrets_of
from gp.render.body import MARKERS, change_lines, drift_lines
from gp.render.dagsummary import change_summary
from gp.render.plan_runs import run_lines
from gp.render.text import summary
from gp.render.values import Line
from gp.ui.dags import change_dag
from gp.ui.pages import describe_target

_CSS = {"+": "add", "~": "change", "-": "remove", "-/+": "replace", "#": "note"}


@dataclass(frozen=True)
class ShownLine:
    indent: int
    marker: str
    css: str
    text: str


@dataclass(frozen=True)
class DrawnChange:
    template: str
    status: str
    tasks: int
    svg: Markup
    lines: tuple[ShownLine, ...]


@dataclass(frozen=True)
class ChangeView:
    address: str
    action: str  # css and words: create, update, delete, replace
    lines: tuple[ShownLine, ...]
    dags: tuple[DrawnChange, ...] = ()


def _lines(lines: list[Line], secrets) -> tuple[ShownLine, ...]:
    return tuple(
        ShownLine(line.depth, line.marker, _CSS.get(line.marker, ""), mask_text(line.text, secrets))
        for line in lines
    )


def plan_view(ui, plan: PlanData, secrets) -> dict:
    drift = [
        ChangeView(d.address, "drift", _lines(drift_lines(d, secrets), secrets)) for d in plan.drift
    ]
    changes = []
    for c in plan.changes:
        if not c.acts:
            continue
        dags = []
        for dag in c.dag:
            summary_lines = change_summary(_only(c, dag), 0)
            if dag.status == "changed":
                summary_lines = summary_lines[1:]  # its heading repeats the box's
            dags.append(
                DrawnChange(
                    dag.template,
                    dag.status,
                    len(dag.tasks),
                    change_dag(ui.layouts, dag, c.address),
                    _lines(summary_lines, secrets),
                )
            )
        changes.append(
            ChangeView(
                c.address,
                "move" if c.only_moves else c.action.value,
                _lines(change_lines(c, secrets), secrets),
                tuple(dags),
            )
        )
    counts = {a.value: sum(1 for c in plan.changes if c.action is a) for a in MARKERS}
    return {
        "summary": summary(plan),
        "drift": drift,
        "changes": changes,
        "counts": counts,
        "errors": [mask_text(e, secrets) for e in plan.errors],
        "warnings": [mask_text(w, secrets) for w in plan.warnings],
        "notes": [mask_text(n, secrets) for n in plan.notes],
        "tests": plan.tests,
        "first_failure": mask_text(plan.tests.first_failure, secrets) if plan.tests else "",
        "runs": [mask_text(line, secrets) for line in run_lines(plan)],
        "target": describe_target(plan.target),
        "plan": plan,
    }


def _only(change, dag):
    from dataclasses import replace

    return replace(change, dag=(dag,))


def plan(ui, request, form) -> dict:
    saved = ui.source.saved_plan()
    if saved is not None:
        secrets = secrets_of(saved.secrets)
        return {
            "title": "Plan",
            "stack": saved.stack,
            "saved": str(ui.source.plan_file),
            **plan_view(ui, saved, secrets),
        }
    loaded = ui.source.load()
    fresh = ui.source.plan(loaded)
    secrets = secrets_of(fresh.secrets, loaded.compiled.module.sensitive_values)
    return {
        "title": "Plan",
        "stack": loaded.compiled.module.stack,
        "saved": None,
        "created_at": fresh.created_at,
        **plan_view(ui, fresh, secrets),
    }
