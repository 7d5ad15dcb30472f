"""A slice of Argo's own v4.0.5 examples, every scenario on the simulator and on the engine.

`python3 -m bench.argo_examples` runs them all and records the count in bench/ARGO_EXAMPLES.md;
this slice keeps in CI the cases where the simulator once fell short (each named below), so
none comes back. Any disagreement is a simulator bug until shown otherwise.
"""

from __future__ import annotations

import pytest

from bench.argo_engine import apply_library, compare_all
from bench.argo_examples import load, scenarios
from gp.providers.kubernetes import KubernetesProvider
from gp.testing.engine import EngineBackend

pytestmark = [pytest.mark.integration, pytest.mark.engine]

SLICE = (
    "retry-container-to-completion.yaml",  # retryStrategy {} retries without limit
    "loops.yaml",  # a steps loop whose outputs nobody reads
    "loops-param-result.yaml",  # withParam from a result
    "parameter-aggregation-dag.yaml",  # per-name aggregated outputs
    "dag-targets.yaml",  # dag.target from a parameter
    "hello-world.yaml",  # the entry template is the Workflow's own pod
    "k8s-jobs.yaml",  # a resource template that errors
    "artifact-passing.yaml",  # artifacts passed from step to step
    "loops-sequence.yaml",  # withSequence
    "exit-handlers.yaml",
    "template-defaults.yaml",
    "dag-inline-workflow.yaml",  # inline templates
    "container-set-template/sequence-workflow.yaml",  # a node per container of a set
)


def test_a_slice_of_argo_s_examples_agrees_node_by_node(engine, kube, namespace):
    examples, library = load()
    chosen = [e for e in examples if e.file in SLICE]
    assert {e.file for e in chosen} == set(SLICE)
    for example in chosen:
        scenarios(example, library)
        assert not example.refused, (example.file, example.refused)
    apply_library(kube, namespace, library)
    backend = EngineBackend(KubernetesProvider(kube, namespace).engine(), namespace, timeout_s=90)
    outcome = compare_all(backend, chosen, batch=12)
    assert len(outcome) >= 3 * len(SLICE)
    assert {k: v for k, v in outcome.items() if v} == {}
