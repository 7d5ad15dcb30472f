"""The simulator against Argo's own controller: the same scenarios both ways, every node compared.

Two sets: every example's `*.gptest.hcl` tests through `gp test --engine`, and a slice of the
generated corpus (tests/simulate/generator.py, fixed seed). `GP_AGREEMENT_COUNT` sets the size
of the slice (40 by default, to keep CI short); `python3 -m bench.simulator_agreement` runs all 200 and
prints the count. Any disagreement is a simulator bug until shown otherwise.
"""

from __future__ import annotations

import os

import pytest
from engine_helpers import example_on_cluster

from gp.operations import Inputs
from gp.operations import test as run_gp_test
from gp.providers.kubernetes import KubernetesProvider
from gp.simulate import simulate
from gp.testing.engine import EngineBackend
from tests.simulate.generator import corpus

pytestmark = [pytest.mark.integration, pytest.mark.engine]

EXAMPLES_WITH_TESTS = ("sen2cor", "whalesay-diamond", "tiles")


@pytest.mark.parametrize("name", EXAMPLES_WITH_TESTS)
def test_example_tests_pass_on_both_backends_and_agree(engine, namespace, tmp_path, name):
    from engine_helpers import gp_apply

    root = example_on_cluster(name, tmp_path, engine.kubeconfig(), namespace)
    gp_apply(root)  # crons' tests run the applied template they refer to
    report = run_gp_test(Inputs(root, cache_dir=tmp_path / "cache"), engine=True)
    assert report.results, f"{name} has no tests"
    for result in report.results:
        assert [c.backend for c in result.checks] == ["simulator", "engine"]
        assert result.ok, [(c.backend, c.error, c.mismatches) for c in result.checks]
        assert result.disagreements == (), (result.case.name, result.disagreements)


def _phases(run) -> dict[str, str]:
    return {n.name: n.phase for n in run.nodes if n.name}


def test_generated_scenarios_agree_node_by_node(engine, kube, namespace):
    count = int(os.environ.get("GP_AGREEMENT_COUNT", "40"))
    backend = EngineBackend(KubernetesProvider(kube, namespace).engine(), namespace)
    generated = corpus(count)
    # All submitted first: Argo runs them side by side, as it would a busy day's runs.
    names = [backend.submit(g.scenario) for g in generated]
    disagreements = {}
    for g, name in zip(generated, names):
        engine_run, simulated = backend.wait(name), simulate(g.scenario)
        if engine_run.phase != simulated.phase or _phases(engine_run) != _phases(simulated):
            disagreements[g.name] = (
                simulated.phase,
                engine_run.phase,
                {
                    k: (_phases(simulated).get(k), _phases(engine_run).get(k))
                    for k in set(_phases(simulated)) | set(_phases(engine_run))
                    if _phases(simulated).get(k) != _phases(engine_run).get(k)
                },
            )
    assert not disagreements, disagreements
    assert len(names) == count
