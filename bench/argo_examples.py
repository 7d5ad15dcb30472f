"""The simulator against Argo's controller on Argo's own v4.0.5 examples, every scenario both ways.

Every pipeline of Argo's `examples/` folder (which the dev cluster's build downloads) runs under
several scenarios: as written, each task failing, each task erroring, and each retried task
failing once then succeeding. Each scenario runs on the simulator and, as a Workflow, on the dev
cluster's Argo engine; every node's phase and the Workflow's phase are compared. An example the
simulator refuses ("not modelled: ...") is counted as such, with its reason. The result is
written to bench/ARGO_EXAMPLES.md; CI runs a slice (tests/integration/test_engine_argo_examples.py).

    python3 -m bench.argo_examples [--only GLOB] [--batch 24] [--no-engine]
"""

from __future__ import annotations

import argparse
import collections
import fnmatch
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bench.argo_examples_outputs import OUTPUTS
from gp.compile.objects import TEMPLATE_KINDS
from gp.devcluster.build import BuildPaths, default_cache_root
from gp.devcluster.engine import NODE_LABELS as DEV_NODE_LABELS
from gp.devcluster.engine_build import EnginePaths
from gp.devcluster.engine_flags import node_manifest
from gp.errors import NotModelledError, SimulationError
from gp.simulate import Scenario, SimulatedRun, simulate, workflow_spec
from gp.testing.keys import pipeline_tasks

# The labels of the dev cluster's one node.
NODE_LABELS = node_manifest(DEV_NODE_LABELS)["metadata"]["labels"]
PIPELINE_KINDS = ("Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow")
RESULTS = Path(__file__).resolve().parent / "ARGO_EXAMPLES.md"
# What the dev cluster cannot give a run: an artifact store or a bucket, a database, a service
# to call, objects of other kinds. Such examples are counted apart (the goal counts the rest).
_ELSEWHERE = {
    "s3": "an S3 bucket",
    "gcs": "a GCS bucket",
    "azure": "an Azure container",
    "oss": "an OSS bucket",
    "hdfs": "HDFS",
    "http": "an HTTP server",
    "git": "a git server",
    "artifactory": "Artifactory",
    "plugin": "an artifact plugin",
    "database": "a database (synchronization.database)",
    "configMapKeyRef": "a ConfigMap of parameters",
    "secretKeySecret": "a bucket's credentials",
    "volumeClaimTemplates": "a storage provisioner",
    "persistentVolumeClaim": "a PersistentVolumeClaim",
    "artifactRepositoryRef": "a ConfigMap of artifact repositories",
}


def examples_dir() -> Path:
    return EnginePaths(BuildPaths(default_cache_root())).argo_src / "examples"


@dataclass
class Example:
    file: str
    name: str
    pipeline: dict  # as a WorkflowTemplate (a Workflow's spec) or a CronWorkflow
    needs: str = ""  # what outside the dev cluster it needs; "" when nothing
    refused: str = ""  # why the simulator does not run it ("not modelled: ...")
    scenarios: list[tuple[str, Scenario]] = field(default_factory=list)


def _documents(root: Path) -> Iterable[tuple[str, dict]]:
    for path in sorted(root.rglob("*.yaml")):
        try:
            docs = list(yaml.safe_load_all(path.read_text()))
        except yaml.YAMLError:
            continue
        for doc in docs:
            if isinstance(doc, dict) and doc.get("kind") in PIPELINE_KINDS:
                yield str(path.relative_to(root)), doc


def _as_pipeline(doc: dict) -> dict:
    """A Workflow becomes the WorkflowTemplate its spec makes (as `gp import` declares it)."""
    meta = dict(doc.get("metadata") or {})
    name = meta.get("name") or str(meta.get("generateName") or "wf").rstrip("-.")
    kind = "WorkflowTemplate" if doc["kind"] == "Workflow" else doc["kind"]
    return {"kind": kind, "metadata": {"name": name}, "spec": doc.get("spec") or {}}


def _needs(doc: Any) -> str:
    found: list[str] = []

    def walk(value: Any, key: str = "") -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if k in _ELSEWHERE and (k != "http" or key in ("artifacts", "")):
                    found.append(_ELSEWHERE[k])
                if k == "nodeSelector" and isinstance(v, dict):
                    found.extend(
                        f"a node labelled {name}={want}"
                        for name, want in v.items()
                        if ("{{" not in str(want) and NODE_LABELS.get(name) != want)
                        or ("{{" in str(want) and name not in NODE_LABELS)
                    )
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)

    walk(doc.get("spec"))
    return ", ".join(sorted(set(found)))


def load(root: Path | None = None) -> tuple[list[Example], tuple[dict, ...]]:
    """Every pipeline of the examples, and the templates they may refer to."""
    root = root or examples_dir()
    library: list[dict] = []
    examples: list[Example] = []
    for file, doc in _documents(root):
        if doc["kind"] in TEMPLATE_KINDS:
            library.append(_as_pipeline(doc))
            if not (doc.get("spec") or {}).get("entrypoint"):
                continue  # a library of templates, run only through templateRefs
        pipeline = _as_pipeline(doc)
        examples.append(Example(file, pipeline["metadata"]["name"], pipeline, _needs(doc)))
    return examples, tuple(library)


def scenarios(example: Example, library: tuple[dict, ...]) -> None:
    """Fill ``example.scenarios``, or ``example.refused`` when the simulator does not run it."""
    outputs = OUTPUTS.get(example.file, {})
    base = Scenario(pipeline=example.pipeline, manifests=library, outputs=outputs)
    try:
        simulate(base)
    except NotModelledError as e:
        example.refused = f"not modelled: {e.message}"
        return
    except SimulationError as e:
        example.refused = f"refused: {e.message}"
        return
    out = [("as written", base)]
    _, spec = workflow_spec(base)
    retried = _retried(spec, library)
    for task in sorted(pipeline_tasks(base)):
        for phase in ("Failed", "Error"):
            out.append((f"{task} {phase}", _with(base, {task: phase})))
        if task in retried:
            out.append(
                (f"{task} Failed then Succeeded", _with(base, {task: ("Failed", "Succeeded")}))
            )
    kept = []
    for label, scenario in out:
        try:
            simulate(scenario)
        except SimulationError as e:
            kept.append((f"{label} [simulator: {e.message}]", scenario))
            continue
        kept.append((label, scenario))
    example.scenarios = kept


def _with(base: Scenario, outcomes: dict) -> Scenario:
    return Scenario(base.pipeline, base.manifests, base.arguments, outcomes, base.outputs)


def _retried(spec: dict, library: Sequence[dict]) -> set[str]:
    """Tasks and steps whose template (or the spec) has a retry strategy."""
    specs = [spec, *(m.get("spec") or {} for m in library)]
    strategy = {
        t.get("name") for s in specs for t in s.get("templates") or [] if "retryStrategy" in t
    }
    out = set()
    if "retryStrategy" in spec:
        out.add(str(spec.get("entrypoint")))
    for s in specs:
        for tmpl in s.get("templates") or []:
            items = list((tmpl.get("dag") or {}).get("tasks") or [])
            for group in tmpl.get("steps") or []:
                items += group or []
            for item in items:
                if "retryStrategy" in spec or item.get("template") in strategy:
                    out.add(item.get("name"))
                ref = item.get("templateRef") or {}
                if ref.get("template") in strategy:
                    out.add(item.get("name"))
    return out


def phases(run: SimulatedRun) -> dict[str, str]:
    return {n.name: n.phase for n in run.nodes if n.name}


def differences(simulated: SimulatedRun, engine: SimulatedRun) -> list[str]:
    out = []
    if simulated.phase != engine.phase:
        out.append(f"workflow: simulator {simulated.phase}, engine {engine.phase}")
    a, b = phases(simulated), phases(engine)
    for name in sorted(set(a) | set(b)):
        if a.get(name) != b.get(name):
            out.append(f'"{name}": simulator {a.get(name, "-")}, engine {b.get(name, "-")}')
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", help="example files matching this glob")
    p.add_argument("--batch", type=int, default=24, help="Workflows on the engine at once")
    p.add_argument("--no-engine", action="store_true", help="only what the simulator runs")
    args = p.parse_args(argv)
    examples, library = load()
    if args.only:
        examples = [e for e in examples if fnmatch.fnmatch(e.file, args.only)]
    for e in examples:
        scenarios(e, library)
    counts = summary(examples)
    if args.no_engine:
        print(counts)
        for e in examples:
            if e.refused:
                print(f"{e.file}: {e.refused}")
        return 0
    from bench.argo_engine import run_on_engine

    began = time.monotonic()
    outcome = run_on_engine(examples, library, args.batch)
    report = render(examples, outcome, time.monotonic() - began)
    if not args.only:
        RESULTS.write_text(report)
    print(report)
    return 0


def summary(examples: Sequence[Example]) -> str:
    local = [e for e in examples if not e.needs]
    modelled = [e for e in local if not e.refused]
    return (
        f"{len(examples)} pipelines, {len(local)} need nothing outside the dev cluster, "
        f"{len(modelled)} of those modelled ({100 * len(modelled) / max(len(local), 1):.0f}%), "
        f"{sum(len(e.scenarios) for e in examples)} scenarios"
    )


def render(examples: Sequence[Example], outcome: dict, seconds: float) -> str:
    agree = sum(1 for v in outcome.values() if not v)
    lines = [
        "# The simulator on Argo's v4.0.5 examples",
        "",
        "`python3 -m bench.argo_examples` (bench/argo_examples.py): every pipeline of Argo's",
        "`examples/` folder, each scenario on the simulator and on the dev cluster's engine.",
        "",
        f"- {summary(examples)}",
        f"- {agree} of {len(outcome)} scenarios agree node by node ({seconds:.0f} s on the engine)",
        "",
        "## Disagreements",
        "",
    ]
    for (file, label), diffs in sorted(outcome.items()):
        if diffs:
            lines.append(f"- {file}, {label}: {'; '.join(diffs)}")
    lines += ["", "## Not run by the simulator", ""]
    reasons: collections.Counter[str] = collections.Counter()
    for e in examples:
        if e.refused:
            lines.append(f"- {e.file}: {e.refused}" + (f" (needs {e.needs})" if e.needs else ""))
            reasons[e.refused.split(":")[1].strip() if ":" in e.refused else e.refused] += 1
    lines += ["", "## Needing what the dev cluster lacks", ""]
    lines += [f"- {e.file}: {e.needs}" for e in examples if e.needs]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
