"""Build the Argo engine's parts from their Go modules: the parts of a cluster that run pods.

- kube-scheduler and kube-controller-manager come from the wrapper module kube-apiserver is built
  in (same release, same staging replaces), so they cost little once kube-apiserver is built.
- KWOK (``sigs.k8s.io/kwok``) installs with ``go install`` at its tag.
- Argo's workflow-controller and ``argo`` CLI are built inside a writable copy of the module's
  source: ``go install .../cmd/argo@v4.0.5`` fails because ``ui/embed.go`` embeds ``dist/app``,
  which the published module does not contain (the UI is built by yarn, outside Go). A
  placeholder page there is all the CLI needs; the controller is built from the same copy so the
  two share one dependency set.

Each binary is skipped when present, so a warm cache costs nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from gp.devcluster.build import (
    BuildPaths,
    build_kube_component,
    default_cache_root,
    go_env,
    run_go,
)

ARGO_VERSION = "v4.0.5"
ARGO_MODULE = "github.com/argoproj/argo-workflows/v4"
KWOK_VERSION = "v0.8.0"
KWOK_PACKAGE = "sigs.k8s.io/kwok/cmd/kwok"
# The argo CLI's embedded UI: the real one is built with yarn, which a Go build does not run.
UI_PLACEHOLDER = "<!doctype html><title>Argo UI</title><p>The UI is not part of this build.</p>\n"


@dataclass(frozen=True)
class EnginePaths:
    """Where the engine's sources and binaries live, beside kube-apiserver's in the cache."""

    kube: BuildPaths
    argo_version: str = ARGO_VERSION
    kwok_version: str = KWOK_VERSION

    @property
    def scheduler(self) -> Path:
        return self.kube.bin_dir / "kube-scheduler"

    @property
    def controller_manager(self) -> Path:
        return self.kube.bin_dir / "kube-controller-manager"

    @property
    def argo_dir(self) -> Path:
        return self.kube.cache_root / "argo" / self.argo_version

    @property
    def argo_src(self) -> Path:
        return self.argo_dir / "src"

    @property
    def workflow_controller(self) -> Path:
        return self.argo_dir / "bin" / "workflow-controller"

    @property
    def argo_cli(self) -> Path:
        return self.argo_dir / "bin" / "argo"

    @property
    def kwok(self) -> Path:
        return self.kube.cache_root / "kwok" / self.kwok_version / "bin" / "kwok"


@dataclass(frozen=True)
class EngineBinaries:
    scheduler: Path
    controller_manager: Path
    kwok: Path
    workflow_controller: Path
    argo_cli: Path


def find_engine(paths: EnginePaths) -> EngineBinaries | None:
    """The cached engine binaries, or None when any is missing."""
    found = EngineBinaries(
        paths.scheduler,
        paths.controller_manager,
        paths.kwok,
        paths.workflow_controller,
        paths.argo_cli,
    )
    return found if all(p.is_file() for p in vars(found).values()) else None


def _module_dir(module: str, version: str, cwd: Path, env: Mapping[str, str]) -> Path:
    out = run_go(["mod", "download", "-json", f"{module}@{version}"], cwd=cwd, env=env)
    start, end = out.find("{"), out.rfind("}")
    return Path(json.loads(out[start : end + 1])["Dir"])


def _writable_copy(source: Path, dest: Path) -> None:
    # The module cache is read-only; the copy must accept the placeholder and go's writes.
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(source, dest, symlinks=True)
    for root, dirs, files in os.walk(dest):
        for name in dirs + files:
            path = Path(root) / name
            if not path.is_symlink():
                path.chmod(path.stat().st_mode | stat.S_IWUSR)
    dest.chmod(dest.stat().st_mode | stat.S_IWUSR)


def prepare_argo_source(paths: EnginePaths, env: Mapping[str, str]) -> Path:
    """A writable copy of Argo's module with a placeholder UI; reused when already there."""
    src = paths.argo_src
    marker = src / "ui" / "dist" / "app" / "index.html"
    if marker.is_file():
        return src
    paths.argo_dir.mkdir(parents=True, exist_ok=True)
    module_dir = _module_dir(ARGO_MODULE, paths.argo_version, paths.argo_dir, env)
    _writable_copy(module_dir, src)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(UI_PLACEHOLDER)
    return src


def _argo_ldflags(version: str) -> str:
    return f"-X {ARGO_MODULE}.version={version} -X {ARGO_MODULE}.gitTag={version}"


def build_argo(paths: EnginePaths, env: Mapping[str, str], command: str, out: Path) -> Path:
    """``command`` is ``workflow-controller`` or ``argo``, built from the prepared source."""
    src = prepare_argo_source(paths, env)
    out.parent.mkdir(parents=True, exist_ok=True)
    run_go(
        [
            "build",
            "-ldflags",
            _argo_ldflags(paths.argo_version),
            "-o",
            str(out),
            f"./cmd/{command}",
        ],
        cwd=src,
        env=env,
    )
    return out


def build_kwok(paths: EnginePaths, env: Mapping[str, str]) -> Path:
    paths.kwok.parent.mkdir(parents=True, exist_ok=True)
    # `go install pkg@version` ignores any go.mod and refuses -mod flags: drop GOFLAGS.
    install_env = {**env, "GOBIN": str(paths.kwok.parent), "GOFLAGS": ""}
    run_go(
        ["install", f"{KWOK_PACKAGE}@{paths.kwok_version}"], cwd=paths.kwok.parent, env=install_env
    )
    return paths.kwok


def ensure_engine(
    paths: EnginePaths | None = None, report: Callable[[str], None] | None = None
) -> EngineBinaries:
    """Build whichever engine binary is missing, one at a time (Go builds take every core).

    ``report`` hears one line per binary built, with its wall time (the cold build's figures).
    """
    paths = paths or EnginePaths(BuildPaths(default_cache_root()))
    env = go_env(paths.kube)
    steps: list[tuple[Path, Callable[[], Path]]] = [
        (
            paths.scheduler,
            lambda: build_kube_component(paths.kube, env, "kube-scheduler", paths.scheduler),
        ),
        (
            paths.controller_manager,
            lambda: build_kube_component(
                paths.kube, env, "kube-controller-manager", paths.controller_manager
            ),
        ),
        (paths.kwok, lambda: build_kwok(paths, env)),
        (
            paths.workflow_controller,
            lambda: build_argo(paths, env, "workflow-controller", paths.workflow_controller),
        ),
        (paths.argo_cli, lambda: build_argo(paths, env, "argo", paths.argo_cli)),
    ]
    for binary, build in steps:
        if binary.is_file():
            continue
        began = time.monotonic()
        build()
        if report is not None:
            report(f"built {binary.name} in {time.monotonic() - began:.0f}s")
    found = find_engine(paths)
    assert found is not None  # every build above wrote its binary or raised
    return found
