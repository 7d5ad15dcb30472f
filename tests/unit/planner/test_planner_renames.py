"""Renames matched as a graph: a leaf renamed with its template, a chain whose tasks name each
other, tasks listed in another order, and a pair that only looks alike."""

from __future__ import annotations

from typing import Any

from plan_builders import deployed, obj, plan

from gp.planner.plan import DagChange
from gp.render.text import render_plan

SCRIPT = {"image": "python:3.12-alpine", "command": ["python"]}


def _dag(before: dict, after: dict) -> DagChange:
    p = plan([obj("WorkflowTemplate", "w", after)], deployed(obj("WorkflowTemplate", "w", before)))
    (dag,) = p.changes[0].dag
    return dag


def _renamed(dag: DagChange) -> dict[str, str | None]:
    return {t.name: t.renamed_from for t in dag.tasks if t.status == "renamed"}


def with_leaf(leaf: str) -> dict[str, Any]:
    """preprocess then a leaf task that calls a template of its own name."""
    return {
        "entrypoint": "main",
        "templates": [
            {
                "name": "main",
                "dag": {
                    "tasks": [
                        {"name": "preprocess", "template": "preprocess"},
                        {"name": leaf, "template": leaf, "depends": "preprocess.Succeeded"},
                    ]
                },
            },
            {"name": "preprocess", "script": {**SCRIPT, "source": "print('pre')\n"}},
            {"name": leaf, "script": {**SCRIPT, "source": "print('finished')\n"}},
        ],
    }


def chain(names: list[str]) -> dict[str, Any]:
    """Each task passes the previous one's result on and says its own name."""
    tasks = []
    for i, n in enumerate(names):
        params = [{"name": "message", "value": f"I am {n}"}]
        task: dict[str, Any] = {"name": n, "template": "say"}
        if i:
            task["depends"] = names[i - 1]
            params.append(
                {"name": "previous", "value": f"{{{{tasks.{names[i - 1]}.outputs.result}}}}"}
            )
        task["arguments"] = {"parameters": params}
        tasks.append(task)
    say = {
        "name": "say",
        "inputs": {"parameters": [{"name": "message"}, {"name": "previous", "value": ""}]},
        "container": {"image": "docker/whalesay:latest", "args": ["{{inputs.parameters.message}}"]},
    }
    return {"entrypoint": "main", "templates": [{"name": "main", "dag": {"tasks": tasks}}, say]}


def test_a_leaf_renamed_with_its_template_is_one_rename() -> None:
    dag = _dag(with_leaf("fin"), with_leaf("finalize"))
    assert _renamed(dag) == {"finalize": "fin"}
    (task,) = [t for t in dag.tasks if t.name == "finalize"]
    assert task.reason == ""  # nothing else changed: "finished" is not the name fin


def test_a_chain_that_names_its_tasks_is_renamed_task_by_task() -> None:
    dag = _dag(chain(["A", "B", "C", "D"]), chain(["a", "b", "c", "d"]))
    assert _renamed(dag) == {"a": "A", "b": "B", "c": "C", "d": "D"}
    assert {t.status for t in dag.tasks} == {"renamed"}
    text = render_plan(
        plan(
            [obj("WorkflowTemplate", "w", chain(list("abcd")))],
            deployed(obj("WorkflowTemplate", "w", chain(list("ABCD")))),
        ),
        color=False,
    )
    assert "task B renamed to b: c now depends on it" in text
    assert "depends A -> a" not in text  # a renamed task's own edges are read through renames


def test_the_chain_is_matched_by_its_edges_not_by_position() -> None:
    before = chain(["A", "B", "C", "D"])
    after = chain(["a", "b", "c", "d"])
    tasks = after["templates"][0]["dag"]["tasks"]
    tasks.reverse()  # listed last to first: positions point the wrong way
    assert _renamed(_dag(before, after)) == {"a": "A", "b": "B", "c": "C", "d": "D"}


def test_an_ambiguous_pair_goes_by_the_edges() -> None:
    """x and y run the same template with the same arguments; only their edges tell them
    apart, and they swap places in the list."""

    def spec(first: str, second: str, order: tuple[str, str]) -> dict[str, Any]:
        tasks = {
            first: {"name": first, "template": "work", "depends": "start"},
            second: {"name": second, "template": "work", "depends": "other"},
        }
        main = [
            {"name": "start", "template": "work"},
            {"name": "other", "template": "work"},
            tasks[order[0]],
            tasks[order[1]],
        ]
        work = {"name": "work", "container": {"image": "busybox:1"}}
        return {"entrypoint": "main", "templates": [{"name": "main", "dag": {"tasks": main}}, work]}

    dag = _dag(spec("x", "y", ("x", "y")), spec("x2", "y2", ("y2", "x2")))
    assert _renamed(dag) == {"x2": "x", "y2": "y"}


def test_a_task_that_reads_another_task_is_not_a_rename_of_it() -> None:
    """b2 passes on the result of a task that was removed, not renamed: a real change."""
    before = chain(["A", "B"])
    after = chain(["Z", "B2"])
    after["templates"][0]["dag"]["tasks"][0]["arguments"]["parameters"][0]["value"] = "other"
    dag = _dag(before, after)
    assert _renamed(dag) == {}
    assert {t.name: t.status for t in dag.tasks} == {
        "A": "removed",
        "B": "removed",
        "Z": "added",
        "B2": "added",
    }


def test_the_version_bump_rename_still_holds() -> None:
    from test_planner_dag import _dag as golden_dag

    dag = golden_dag("rename")
    assert _renamed(dag) == {"sen2cor-291": "sen2cor-290"}
