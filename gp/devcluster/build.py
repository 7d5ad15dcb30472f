"""Build the genuine kube-apiserver and etcd from source with the local Go toolchain.

No Docker and no prebuilt downloads: a throwaway Go module in the cache requires the pinned
release and ``go build`` makes the binary, the way envtest's binaries are made. Kubernetes'
own go.mod points its ``k8s.io/*`` staging modules at ``./staging/...`` directories that do not
exist outside its repository, so the wrapper module replaces each with the published module
of the matching ``v0.<minor>.<patch>`` version.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from gp.devcluster.errors import BuildError

KUBE_VERSION = "v1.35.4"
ETCD_VERSION = "v3.6.16"
APISERVER_GO = "1.25.0"
ETCD_GO = "1.26.0"
APISERVER_MODULE = "gp.local/kubebuild"
ETCD_MODULE = "gp.local/etcdbuild"

# Both go.mod forms: inside a ``replace ( ... )`` block, or a one-line ``replace x => y``.
_STAGING_LINE = re.compile(
    r"^\s*(?:replace\s+)?(k8s\.io/[\w.\-/]+)(?:\s+v\S+)?\s*=>\s*\./staging/\S+\s*$", re.M
)


def default_cache_root() -> Path:
    return Path(os.environ.get("GP_CACHE_DIR", Path.home() / ".cache" / "gp"))


@dataclass(frozen=True)
class BuildPaths:
    """Where sources, Go caches and binaries live for one pinned Kubernetes version."""

    cache_root: Path
    kube_version: str = KUBE_VERSION

    @property
    def version_dir(self) -> Path:
        return self.cache_root / "kube" / self.kube_version

    @property
    def bin_dir(self) -> Path:
        return self.version_dir / "bin"

    @property
    def apiserver(self) -> Path:
        return self.bin_dir / "kube-apiserver"

    @property
    def etcd(self) -> Path:
        return self.bin_dir / "etcd"

    @property
    def apiserver_src(self) -> Path:
        return self.version_dir / "src" / "apiserver"

    @property
    def etcd_src(self) -> Path:
        return self.version_dir / "src" / "etcd"

    @property
    def gomodcache(self) -> Path:
        return self.cache_root / "go" / "mod"

    @property
    def gocache(self) -> Path:
        return self.cache_root / "go" / "build"


def staging_version(kube_version: str) -> str:
    """``v1.35.4`` -> ``v0.35.4``: the tag the staging modules are published under."""
    m = re.fullmatch(r"v1\.(\d+)\.(\d+)", kube_version)
    if not m:
        raise ValueError(f"not a Kubernetes release version: {kube_version!r}")
    return f"v0.{m.group(1)}.{m.group(2)}"


def staging_modules(kubernetes_gomod: str) -> list[str]:
    """Module paths that kubernetes' go.mod replaces with a ``./staging`` directory."""
    return sorted(set(_STAGING_LINE.findall(kubernetes_gomod)))


def apiserver_gomod(kubernetes_gomod: str, kube_version: str = KUBE_VERSION) -> str:
    staging = staging_version(kube_version)
    # Kubernetes requires its staging modules at v0.0.0; only that version has to be redirected.
    replaces = "".join(
        f"\t{mod} v0.0.0 => {mod} {staging}\n" for mod in staging_modules(kubernetes_gomod)
    )
    if not replaces:
        raise BuildError("kubernetes go.mod has no ./staging replace lines", "go.mod", "")
    return (
        f"module {APISERVER_MODULE}\n\n"
        f"go {APISERVER_GO}\n\n"
        f"require k8s.io/kubernetes {kube_version}\n\n"
        f"replace (\n{replaces})\n"
    )


def etcd_gomod(etcd_version: str = ETCD_VERSION) -> str:
    return (
        f"module {ETCD_MODULE}\n\n"
        f"go {ETCD_GO}\n\n"
        f"require go.etcd.io/etcd/server/v3 {etcd_version}\n"
    )


def go_env(paths: BuildPaths, base: Mapping[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ if base is None else base)
    env.update(
        GOMODCACHE=str(paths.gomodcache),
        GOCACHE=str(paths.gocache),
        # A pinned, offline-friendly build: no toolchain download, no cgo, go.mod may be updated.
        GOTOOLCHAIN="local",
        CGO_ENABLED="0",
        GOFLAGS="-mod=mod",
    )
    return env


def run_go(args: list[str], cwd: Path, env: Mapping[str, str]) -> str:
    """Run a go command; on failure raise BuildError carrying the command and its output."""
    command = " ".join(["go", *args])
    go = shutil.which("go", path=env.get("PATH"))
    if go is None:
        raise BuildError("the Go toolchain is not installed (no `go` on PATH)", command, "")
    proc = subprocess.run(
        [go, *args], cwd=cwd, env=dict(env), capture_output=True, text=True, check=False
    )
    output = proc.stdout + proc.stderr
    if proc.returncode != 0:
        raise BuildError(f"go exited with status {proc.returncode}", command, output)
    return output


def _kubernetes_gomod(paths: BuildPaths, env: Mapping[str, str]) -> str:
    out = run_go(
        ["mod", "download", "-json", f"k8s.io/kubernetes@{paths.kube_version}"],
        cwd=paths.apiserver_src,
        env=env,
    )
    # -json prints the object on stdout; stderr may add progress lines around it.
    start, end = out.find("{"), out.rfind("}")
    info = json.loads(out[start : end + 1])
    return Path(info["GoMod"]).read_text()


def _prepare_kube_module(paths: BuildPaths, env: Mapping[str, str]) -> Path:
    """The wrapper module every Kubernetes component is built in; written once."""
    src = paths.apiserver_src
    gomod = src / "go.mod"
    if gomod.is_file() and "k8s.io/kubernetes " + paths.kube_version in gomod.read_text():
        return src
    src.mkdir(parents=True, exist_ok=True)
    # A go.mod must exist before `go mod download` runs inside the directory.
    gomod.write_text(f"module {APISERVER_MODULE}\n\ngo {APISERVER_GO}\n")
    gomod.write_text(apiserver_gomod(_kubernetes_gomod(paths, env), paths.kube_version))
    return src


def build_kube_component(
    paths: BuildPaths, env: Mapping[str, str], component: str, out: Path
) -> Path:
    """``component`` is a command of k8s.io/kubernetes/cmd (kube-apiserver, kube-scheduler, ...)."""
    src = _prepare_kube_module(paths, env)
    pkg = f"k8s.io/kubernetes/cmd/{component}"
    run_go(["get", f"{pkg}@{paths.kube_version}"], cwd=src, env=env)
    ldflags = f"-X k8s.io/component-base/version.gitVersion={paths.kube_version}"
    run_go(["build", "-ldflags", ldflags, "-o", str(out), pkg], cwd=src, env=env)
    return out


def build_apiserver(paths: BuildPaths, env: Mapping[str, str]) -> Path:
    return build_kube_component(paths, env, "kube-apiserver", paths.apiserver)


def build_etcd(paths: BuildPaths, env: Mapping[str, str], etcd_version: str = ETCD_VERSION) -> Path:
    src = paths.etcd_src
    src.mkdir(parents=True, exist_ok=True)
    (src / "go.mod").write_text(etcd_gomod(etcd_version))
    pkg = "go.etcd.io/etcd/server/v3"
    run_go(["get", f"{pkg}@{etcd_version}"], cwd=src, env=env)
    run_go(["build", "-o", str(paths.etcd), pkg], cwd=src, env=env)
    return paths.etcd


@dataclass(frozen=True)
class Binaries:
    etcd: Path
    apiserver: Path


def find_binaries(paths: BuildPaths) -> Binaries | None:
    """The cached binaries, or None when either is missing."""
    if paths.etcd.is_file() and paths.apiserver.is_file():
        return Binaries(paths.etcd, paths.apiserver)
    return None


def ensure_binaries(paths: BuildPaths | None = None) -> Binaries:
    """Build whichever binary is missing; a no-op when both are cached."""
    paths = paths or BuildPaths(default_cache_root())
    env = go_env(paths)
    paths.bin_dir.mkdir(parents=True, exist_ok=True)
    if not paths.etcd.is_file():
        build_etcd(paths, env)
    if not paths.apiserver.is_file():
        build_apiserver(paths, env)
    found = find_binaries(paths)
    assert found is not None  # both builds wrote their output or raised
    return found
