"""Small manifests for simulator tests: a WorkflowTemplate with a DAG of pod tasks."""

from __future__ import annotations

from gp.simulate import Scenario, SimulatedRun, simulate


def pod(name: str, **extra) -> dict:
    return {"name": name, "container": {"image": "busybox"}, **extra}


def dag_template(
    tasks: list[dict], *, templates: list[dict] = (), params: dict | None = None, **spec
) -> dict:
    names = {t.get("template", t["name"]) for t in tasks}
    own = [pod(n) for n in sorted(names) if n not in {t["name"] for t in templates}]
    tasks = [{"template": t["name"], **t} for t in tasks]
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "WorkflowTemplate",
        "metadata": {"name": "wf"},
        "spec": {
            "entrypoint": "main",
            "arguments": {
                "parameters": [{"name": k, "value": v} for k, v in (params or {}).items()]
            },
            "templates": [{"name": "main", "dag": {"tasks": tasks}}, *own, *templates],
            **spec,
        },
    }


def run(
    manifest: dict, outcomes: dict | None = None, outputs: dict | None = None, **arguments
) -> SimulatedRun:
    return simulate(Scenario(manifest, (manifest,), arguments, outcomes or {}, outputs or {}))


def phases(r: SimulatedRun) -> dict[str, str]:
    return {n.name: n.phase for n in r.nodes if n.is_task and n.name}
