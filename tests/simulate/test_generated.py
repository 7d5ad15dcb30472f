"""The generated corpus through the simulator: every scenario runs to an end, and the result
agrees with an independent reading of each task's depends and when on the final phases."""

import time

from gp.compile import depends as dep
from gp.simulate import simulate
from gp.simulate.when import evaluate
from tests.simulate.generator import corpus

PHASE_OF = {
    "Succeeded": "Succeeded",
    "Failed": "Failed",
    "Errored": "Error",
    "Skipped": "Skipped",
    "Omitted": "Omitted",
}


def _holds(tree, task_of, phase, groups) -> bool:
    if isinstance(tree, dep.Not):
        return not _holds(tree.operand, task_of, phase, groups)
    if isinstance(tree, dep.BinOp):
        left, right = (
            _holds(tree.left, task_of, phase, groups),
            _holds(tree.right, task_of, phase, groups),
        )
        return (left and right) if tree.op == "&&" else (left or right)
    p = phase[tree.task]
    if tree.result is None:
        cont = task_of[tree.task].get("continueOn") or {}
        return (
            p in ("Succeeded", "Skipped")
            or (p == "Failed" and cont.get("failed", False))
            or (p == "Error" and cont.get("error", False))
        )
    if tree.result == "AnySucceeded":
        return any(k == "Succeeded" for k in groups.get(tree.task, []))
    if tree.result == "AllFailed":
        kids = groups.get(tree.task, [])
        return bool(kids) and all(k == "Failed" for k in kids)
    return p == PHASE_OF[tree.result]


def test_corpus_is_deterministic():
    assert [g.scenario for g in corpus(20)] == [g.scenario for g in corpus(20)]


def test_every_generated_scenario_agrees_with_its_depends_and_when():
    seen = {"Omitted": 0, "Skipped": 0, "Failed": 0, "workflow Failed": 0, "workflow Succeeded": 0}
    start = time.perf_counter()
    for g in corpus(200):
        run = simulate(g.scenario)
        spec = g.scenario.pipeline["spec"]
        params = {p["name"]: p["value"] for p in spec["arguments"]["parameters"]}
        tasks = spec["templates"][0]["dag"]["tasks"]
        task_of = {t["name"]: t for t in tasks}
        phase = {t["name"]: run.find(t["name"]).phase for t in tasks}
        groups = {
            t["name"]: [
                n.phase for n in run.nodes if n.name.startswith(t["name"] + "(") and ":" in n.name
            ]
            for t in tasks
            if "withItems" in t
        }
        for t in tasks:
            name, got = t["name"], phase[t["name"]]
            text = t.get("depends") or " && ".join(t.get("dependencies", []))
            if text and not _holds(dep.parse(text), task_of, phase, groups):
                assert got == "Omitted", (g.name, name, text)
                continue
            when = t.get("when", "")
            for key, value in params.items():
                when = when.replace(f"{{{{workflow.parameters.{key}}}}}", value)
            if when and not evaluate(when):
                assert got in ("Skipped", "Succeeded"), (
                    g.name,
                    name,
                    when,
                )  # a fan-out group of skips succeeds
                continue
            assert got in ("Succeeded", "Failed", "Error"), (g.name, name, got)
            node = run.find(name)
            for parent in dep.refs(dep.parse(text)) if text else []:
                p = run.find(parent[0].task)
                if p.type in ("Pod", "Retry"):  # a pod takes a pass; a group of skips does not
                    assert p.started < node.started, (g.name, parent[0].task, name)
        assert run.phase in ("Succeeded", "Failed", "Error")
        for p in phase.values():
            if p in seen:
                seen[p] += 1
        seen[f"workflow {run.phase}"] = seen.get(f"workflow {run.phase}", 0) + 1
    assert all(count > 0 for count in seen.values()), seen  # the corpus exercises every branch
    assert time.perf_counter() - start < 30
