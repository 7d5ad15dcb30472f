"""The simulator against Argo's controller on the whole generated corpus (200 scenarios, seed 7).

Starts a dev cluster with the engine in a state dir of its own, submits every scenario at once,
waits for each, compares every node's phase and the Workflow's phase with the simulator's, prints
each disagreement and the count, and stops the cluster. CI runs a slice of the same corpus
(tests/integration/test_engine_agrees_with_simulator.py).

    python3 -m bench.simulator_agreement [--count 200] [--seed 7]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from kubernetes import client

from gp.devcluster import cluster, lifecycle
from gp.devcluster.build import BuildPaths, default_cache_root, ensure_binaries
from gp.devcluster.engine import start_engine
from gp.devcluster.engine_build import EnginePaths, ensure_engine
from gp.devcluster.kubeconfig import api_client
from gp.providers.kubernetes import KubernetesProvider
from gp.simulate import simulate
from gp.testing.engine import EngineBackend
from tests.simulate.generator import SEED, corpus


def _phases(run) -> dict[str, str]:
    return {n.name: n.phase for n in run.nodes if n.name}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--count", type=int, default=200)
    p.add_argument("--seed", type=int, default=SEED)
    args = p.parse_args(argv)
    paths = BuildPaths(default_cache_root())
    state_dir = Path(tempfile.mkdtemp(prefix="gp-agreement-"))
    state = lifecycle.start(state_dir, ensure_binaries(paths), die_with_parent=True)
    try:
        start_engine(state, ensure_engine(EnginePaths(paths)), die_with_parent=True)
        with api_client(state.kubeconfig()) as api:
            client.CoreV1Api(api).create_namespace({"metadata": {"name": "agreement"}})
            backend = EngineBackend(KubernetesProvider(api, "agreement").engine(), "agreement")
            generated = corpus(args.count, args.seed)
            began = time.monotonic()
            names = [backend.submit(g.scenario) for g in generated]
            agree = 0
            for g, name in zip(generated, names):
                got, want = backend.wait(name), simulate(g.scenario)
                if got.phase == want.phase and _phases(got) == _phases(want):
                    agree += 1
                    continue
                diff = {
                    k: (_phases(want).get(k), _phases(got).get(k))
                    for k in set(_phases(want)) | set(_phases(got))
                    if _phases(want).get(k) != _phases(got).get(k)
                }
                print(
                    f"{g.name}: workflow simulator {want.phase}, engine {got.phase}; "
                    f"nodes (simulator, engine): {diff}"
                )
            print(
                f"{agree} of {len(generated)} scenarios agree (seed {args.seed}), "
                f"{time.monotonic() - began:.0f} s on the engine"
            )
            return 0 if agree == len(generated) else 1
    finally:
        cluster.down(state_dir)


if __name__ == "__main__":
    sys.exit(main())
