"""``python -m gp.devcluster build|up|down|env``: the dev cluster from a shell.

A developer tool outside the gp CLI, so it uses argparse (click belongs to gp/cli) and writes
its few lines itself. ``up`` and ``env`` print only the ``export KUBECONFIG=...`` line on stdout,
so ``eval "$(scripts/dev-cluster up)"`` works; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from gp.devcluster import cluster, engine, lifecycle
from gp.devcluster.build import BuildPaths, default_cache_root, ensure_binaries
from gp.devcluster.crds import CRD_SETS
from gp.devcluster.engine_build import EnginePaths, ensure_engine
from gp.devcluster.errors import DevClusterError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="dev-cluster", description=__doc__.splitlines()[0])
    p.add_argument(
        "--state-dir",
        type=Path,
        default=None,
        help="where the cluster keeps its state (default $GP_DEV_CLUSTER_DIR or ~/.cache/gp/dev-cluster)",
    )
    sub = p.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="build the cluster's binaries from source unless cached")
    build.add_argument(
        "--no-engine",
        action="store_true",
        help="only etcd and kube-apiserver, not the Argo engine's parts",
    )
    up = sub.add_parser(
        "up", help="start the cluster (building first if needed); print the export line"
    )
    up.add_argument(
        "--crds",
        choices=CRD_SETS,
        default="project",
        help="project: gp's own CRDs; full: Argo's CRDs with schemas (needs ../shared)",
    )
    up.add_argument(
        "--no-engine",
        action="store_true",
        help="API server only: no Argo controller, scheduler or simulated node (faster)",
    )
    up.add_argument(
        "--namespace",
        action="append",
        default=[],
        metavar="NAME",
        help="a namespace to create for modules to apply into (repeatable; default: "
        "pipeline, the examples' namespace)",
    )
    up.add_argument(
        "--image-cmd",
        action="append",
        default=[],
        metavar="IMAGE=CMD",
        help="the command of an image used without `command` (repeatable); Argo's "
        "controller cannot look it up offline",
    )
    sub.add_parser("down", help="stop the cluster and remove its data")
    sub.add_parser("env", help="print the export line of the running cluster")
    return p


def _image_commands(pairs: list[str]) -> dict[str, list[str]]:
    out = {}
    for pair in pairs:
        image, sep, cmd = pair.partition("=")
        if not sep or not image or not cmd:
            raise DevClusterError(f"--image-cmd wants IMAGE=CMD, got {pair!r}")
        out[image] = cmd.split()
    return out


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    state_dir = args.state_dir or cluster.default_state_dir()
    try:
        if args.command == "build":
            paths = BuildPaths(default_cache_root())
            binaries = ensure_binaries(paths)
            _err(f"etcd: {binaries.etcd}\nkube-apiserver: {binaries.apiserver}")
            if not args.no_engine:
                for name, path in vars(ensure_engine(EnginePaths(paths), report=_err)).items():
                    _err(f"{name}: {path}")
        elif args.command == "up":
            began = time.monotonic()
            state = lifecycle.start(state_dir, ensure_binaries(), crd_set=args.crds)
            lifecycle.ensure_namespaces(state, args.namespace or ["pipeline"])
            what = "dev cluster"
            if not args.no_engine:
                engine.start_engine(
                    state, ensure_engine(report=_err), _image_commands(args.image_cmd)
                )
                what = "dev cluster and Argo engine"
            _err(
                f"{what} up in {time.monotonic() - began:.1f}s "
                f"({state.apiservers[cluster.DEFAULT_SERVER].server}, CRDs: {args.crds})"
            )
            sys.stdout.write(cluster.env_line(state.kubeconfig()) + "\n")
        elif args.command == "env":
            sys.stdout.write(cluster.env_line(cluster.require(state_dir).kubeconfig()) + "\n")
        elif args.command == "down":
            _err("dev cluster stopped" if cluster.down(state_dir) else "no dev cluster was running")
    except DevClusterError as e:
        _err(f"Error: {e}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
