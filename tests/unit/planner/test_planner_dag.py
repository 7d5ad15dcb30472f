"""The DAG summary, one golden file per kind of change: the plan value's ``dag`` field and the
text and markdown a reviewer reads (``dag_golden/<case>.txt``; GP_UPDATE_GOLDEN=1 rewrites)."""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from plan_builders import deployed, obj, plan

from gp.planner.plan import Action, DagChange
from gp.planner.serialize import load_plan, save_plan
from gp.render.markdown import render_plan_markdown
from gp.render.text import render_plan

GOLDEN = Path(__file__).parent / "dag_golden"
UPDATE = os.environ.get("GP_UPDATE_GOLDEN") == "1"


def chain(versions: list[str], image: str = "geo/sen2cor") -> dict[str, Any]:
    """The Sen2Cor fail-over chain of modules/failover-chain, as compiled."""
    names = [f"sen2cor-{v.replace('.', '')}" for v in versions]
    tasks = [{"name": "preprocess", "template": "preprocess"}]
    for i, name in enumerate(names):
        depends = "preprocess.Succeeded" if i == 0 else f"{names[i - 1]}.Failed"
        tasks.append({"name": name, "template": name, "depends": depends})
    tasks.append({"name": "all-failed", "template": "all-failed", "depends": f"{names[-1]}.Failed"})
    tasks.append(
        {
            "name": "finalize",
            "template": "finalize",
            "depends": " || ".join(f"{n}.Succeeded" for n in names),
        }
    )
    script = {"image": "python:3.12-alpine", "command": ["python"], "source": "print('pre')\n"}
    templates = [
        {"name": "main", "dag": {"tasks": tasks}},
        {"name": "preprocess", "script": script},
    ]
    templates += [
        {"name": n, "container": {"image": f"{image}:{v}", "command": ["L2A_Process"]}}
        for n, v in zip(names, versions)
    ]
    templates += [
        {"name": "all-failed", "script": {**script, "source": "print('failed')\n"}},
        {"name": "finalize", "script": {**script, "source": "print('done')\n"}},
    ]
    return {"entrypoint": "main", "templates": templates}


def steps(groups: list[list[str]]) -> dict[str, Any]:
    names = sorted({n for g in groups for n in g})
    templates = [
        {"name": "main", "steps": [[{"name": n, "template": n} for n in g] for g in groups]}
    ]
    templates += [{"name": n, "container": {"image": f"whalesay:{n}"}} for n in names]
    return {"entrypoint": "main", "templates": templates}


def _task(spec: dict, name: str) -> dict:
    return next(t for t in spec["templates"][0]["dag"]["tasks"] if t["name"] == name)


def _template(spec: dict, name: str) -> dict:
    return next(t for t in spec["templates"] if t["name"] == name)


def _add_task(spec: dict) -> None:
    _task(spec, "finalize")["depends"] += " || notify.Succeeded"
    spec["templates"][0]["dag"]["tasks"].insert(
        1, {"name": "notify", "template": "preprocess", "depends": "preprocess.Succeeded"}
    )


def _remove_task(spec: dict) -> None:
    tasks = spec["templates"][0]["dag"]["tasks"]
    tasks[:] = [t for t in tasks if t["name"] != "all-failed"]
    spec["templates"] = [t for t in spec["templates"] if t["name"] != "all-failed"]


def _rewire(spec: dict) -> None:
    _task(spec, "all-failed")["depends"] = "sen2cor-280.Failed && sen2cor-255.Failed"


def _body(spec: dict) -> None:
    _template(spec, "finalize")["script"]["source"] = "print('done')\nprint('report')\n"
    _template(spec, "sen2cor-280")["container"]["image"] = "geo/sen2cor:2.8.1"


CASES: dict[str, tuple[dict, Callable[[dict], Any] | dict]] = {
    "rename": (chain(["2.9.0", "2.8.0", "2.5.5"]), chain(["2.9.1", "2.8.0", "2.5.5"])),
    "add": (chain(["2.9.0", "2.8.0", "2.5.5"]), _add_task),
    "remove": (chain(["2.9.0", "2.8.0", "2.5.5"]), _remove_task),
    "rewire": (chain(["2.9.0", "2.8.0", "2.5.5"]), _rewire),
    "template-body": (chain(["2.9.0", "2.8.0", "2.5.5"]), _body),
    "steps-reordered": (steps([["a"], ["b", "c"], ["d"]]), steps([["a"], ["d"], ["b", "c"]])),
    # Different images in every version: a new task, not a rename.
    "replaced-not-renamed": (chain(["2.9.0"]), chain(["3.0.0"], image="esa/sen2cor-ng")),
}


def case_plan(name: str):
    before, change = CASES[name]
    after = change if isinstance(change, dict) else copy.deepcopy(before)
    if callable(change):
        change(after)
    old = obj("WorkflowTemplate", "sen2cor", before)
    new = obj("WorkflowTemplate", "sen2cor", after)
    return plan([new], deployed(old))


def rendered(name: str) -> str:
    p = case_plan(name)
    return "== text\n" + render_plan(p, color=False) + "\n== markdown\n" + render_plan_markdown(p)


@pytest.mark.parametrize("name", sorted(CASES))
def test_dag_change_golden(name: str) -> None:
    actual = rendered(name)
    path = GOLDEN / f"{name}.txt"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert actual == path.read_text(encoding="utf-8")


def _dag(name: str) -> DagChange:
    p = case_plan(name)
    assert [c.action for c in p.changes] == [Action.UPDATE]
    (dag,) = p.changes[0].dag
    return dag


def test_rename_is_one_renamed_task_with_its_reason_and_followers() -> None:
    dag = _dag("rename")
    changed = {t.name: t for t in dag.tasks if t.status != "unchanged"}
    assert set(changed) == {"sen2cor-291", "sen2cor-280", "finalize"}
    renamed = changed["sen2cor-291"]
    assert (renamed.status, renamed.renamed_from) == ("renamed", "sen2cor-290")
    assert renamed.reason == (
        "image geo/sen2cor:2.9.0 -> geo/sen2cor:2.9.1; sen2cor-280 and finalize now depend on it"
    )
    assert {(e.source, e.target, e.condition) for e in dag.edges if e.status == "added"} == {
        ("preprocess", "sen2cor-291", ""),
        ("sen2cor-291", "sen2cor-280", "Failed"),
        ("sen2cor-291", "finalize", ""),
    }


def test_other_images_make_a_new_task_not_a_rename() -> None:
    statuses = {t.name: t.status for t in _dag("replaced-not-renamed").tasks}
    assert statuses["sen2cor-300"] == "added" and statuses["sen2cor-290"] == "removed"


def test_steps_moved_between_groups() -> None:
    reasons = {t.name: t.reason for t in _dag("steps-reordered").tasks if t.status == "changed"}
    assert reasons == {
        "b": "moved from group 2 to group 3",
        "c": "moved from group 2 to group 3",
        "d": "moved from group 3 to group 2",
    }


def test_saved_plan_keeps_the_summary() -> None:
    p = case_plan("rename")
    assert load_plan(save_plan(p)).changes[0].dag == p.changes[0].dag


def test_an_old_saved_plan_without_a_summary_still_loads() -> None:
    import json

    data = json.loads(save_plan(case_plan("rename")))
    data["format_version"] = "1.0"
    for c in data["changes"]:
        del c["dag"]
    assert load_plan(json.dumps(data)).changes[0].dag == ()


def test_a_created_object_has_its_dags_as_added() -> None:
    p = plan([obj("WorkflowTemplate", "sen2cor", chain(["2.9.0"]))], deployed())
    (dag,) = p.changes[0].dag
    assert dag.status == "added" and {t.status for t in dag.tasks} == {"added"}
    assert "Pipeline changes" not in render_plan(p, color=False)  # its shape says it all
