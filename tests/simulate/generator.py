"""Random DAG pipelines with random outcomes, for checking the simulator against Argo's engine.

Each scenario is a WorkflowTemplate manifest (10 to 40 tasks; `depends` expressions over
earlier tasks with every task result, `!`, `&&`, `||` and parentheses; some older
`dependencies` lists; `when` on workflow parameters; some `continueOn`, retries and
`withItems` fan-outs) and the outcome of each task. Everything comes from one seeded
``random.Random``, so a seed always gives the same corpus.

    python3 -m tests.simulate.generator OUT_DIR [--count 200] [--seed 7] [--no-error]

writes, per scenario, ``NNN.yaml`` (the manifest) and ``NNN.json`` (arguments, outcomes and
what the simulator predicts), for running each on the engine and comparing.
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass
from pathlib import Path

from gp.simulate import Scenario

RESULTS = ("Succeeded", "Failed", "Errored", "Skipped", "Omitted")
SEED = 7


@dataclass(frozen=True)
class Generated:
    name: str
    scenario: Scenario


def _depends(rng: random.Random, parents: list[str], fan_out: set[str], depth: int = 0) -> str:
    if depth < 2 and len(parents) > 1 and rng.random() < 0.5:
        split = rng.randint(1, len(parents) - 1)
        left = _depends(rng, parents[:split], fan_out, depth + 1)
        right = _depends(rng, parents[split:], fan_out, depth + 1)
        text = f"{left} {rng.choice(['&&', '||'])} {right}"
        return f"({text})" if rng.random() < 0.5 else text
    name = rng.choice(parents)
    results = RESULTS + (("AnySucceeded", "AllFailed") if name in fan_out else ())
    ref = name if rng.random() < 0.2 else f"{name}.{rng.choice(results)}"
    return f"!{ref}" if rng.random() < 0.15 else ref


def _when(rng: random.Random) -> str:
    choice = rng.randrange(3)
    if choice == 0:
        return f"{{{{workflow.parameters.level}}}} {rng.choice(['<', '>', '<=', '>=', '==', '!='])} {rng.randint(0, 9)}"
    if choice == 1:
        return f"'{{{{workflow.parameters.colour}}}}' {rng.choice(['==', '!='])} {rng.choice(['red', 'blue'])}"
    return f"{{{{workflow.parameters.level}}}} > 4 {rng.choice(['&&', '||'])} '{{{{workflow.parameters.colour}}}}' =~ '^r'"


def scenario(rng: random.Random, index: int, allow_error: bool = True) -> Generated:
    n = rng.randint(10, 40)
    names = [f"t{i}" for i in range(n)]
    tasks, templates, outcomes, fan_out = [], [], {}, set()
    phases = ("Succeeded",) * 7 + ("Failed",) * 2 + (("Error",) if allow_error else ("Failed",))
    # Argo refuses a DAG that mixes `depends` with `dependencies`, and `continueOn` beside
    # `depends` (validate.go): one style per DAG, continueOn only with the older one.
    old_style = rng.random() < 0.25
    for i, name in enumerate(names):
        task: dict = {"name": name, "template": name}
        template: dict = {"name": name, "container": {"image": "busybox", "command": ["true"]}}
        if i > 0 and rng.random() < 0.9:
            parents = rng.sample(names[:i], k=min(i, rng.randint(1, 3)))
            if old_style:
                task["dependencies"] = parents
            else:
                task["depends"] = _depends(rng, parents, fan_out)
        if rng.random() < 0.15:
            task["when"] = _when(rng)
        if old_style and rng.random() < 0.3:
            task["continueOn"] = rng.choice(
                [{"failed": True}, {"error": True}, {"failed": True, "error": True}]
            )
        if rng.random() < 0.1:
            task["withItems"] = ["a", "b", "c"][: rng.randint(1, 3)]
            fan_out.add(name)
            for j, item in enumerate(task["withItems"]):
                if rng.random() < 0.3:
                    outcomes[f"{name}({j}:{item})"] = rng.choice(phases[7:])
        elif rng.random() < 0.15:
            limit = rng.randint(1, 2)
            template["retryStrategy"] = {
                "limit": limit,
                **({"retryPolicy": "Always"} if rng.random() < 0.5 else {}),
            }
            outcomes[name] = [rng.choice(phases) for _ in range(limit + 1)]
        elif rng.random() < 0.3:
            outcomes[name] = rng.choice(phases[7:])
        tasks.append(task)
        templates.append(template)
    manifest = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "WorkflowTemplate",
        "metadata": {"name": f"random-{index:03d}"},
        "spec": {
            "entrypoint": "main",
            "arguments": {
                "parameters": [
                    {"name": "level", "value": str(rng.randint(0, 9))},
                    {"name": "colour", "value": rng.choice(["red", "blue"])},
                ]
            },
            "templates": [{"name": "main", "dag": {"tasks": tasks}}, *templates],
        },
    }
    return Generated(f"random-{index:03d}", Scenario(manifest, (manifest,), {}, outcomes))


def corpus(count: int = 200, seed: int = SEED, allow_error: bool = True) -> list[Generated]:
    rng = random.Random(seed)
    return [scenario(rng, i, allow_error) for i in range(count)]


def main() -> None:
    import yaml

    from gp.simulate import simulate

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--no-error", action="store_true", help="outcomes Succeeded and Failed only"
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for g in corpus(args.count, args.seed, not args.no_error):
        run = simulate(g.scenario)
        (args.out / f"{g.name}.yaml").write_text(
            yaml.safe_dump(dict(g.scenario.pipeline), sort_keys=False)
        )
        (args.out / f"{g.name}.json").write_text(
            json.dumps(
                {
                    "outcomes": dict(g.scenario.outcomes),
                    "expected": {
                        "phase": run.phase,
                        "nodes": {n.name: n.phase for n in run.nodes if n.name},
                    },
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
