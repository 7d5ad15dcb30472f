from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from gp.devcluster.build import (
    BuildPaths,
    apiserver_gomod,
    ensure_binaries,
    etcd_gomod,
    go_env,
    run_go,
    staging_modules,
    staging_version,
)
from gp.devcluster.errors import BuildError

SAMPLE_GOMOD = """\
module k8s.io/kubernetes

go 1.25.0

require (
\tgithub.com/spf13/cobra v1.10.0
\tk8s.io/api v0.0.0
\tk8s.io/client-go v0.0.0
)

replace (
\tk8s.io/api => ./staging/src/k8s.io/api
\tk8s.io/client-go => ./staging/src/k8s.io/client-go
\tk8s.io/cri-api => ./staging/src/k8s.io/cri-api
\tgithub.com/onsi/ginkgo => github.com/onsi/ginkgo v1.16.5
)

replace k8s.io/kms => ./staging/src/k8s.io/kms
"""


def test_staging_modules_are_only_the_local_staging_replaces():
    assert staging_modules(SAMPLE_GOMOD) == [
        "k8s.io/api",
        "k8s.io/client-go",
        "k8s.io/cri-api",
        "k8s.io/kms",
    ]


def test_apiserver_gomod_pins_release_and_redirects_each_staging_module():
    text = apiserver_gomod(SAMPLE_GOMOD, "v1.35.4")
    assert text.startswith("module gp.local/kubebuild\n\ngo 1.25.0\n")
    assert "require k8s.io/kubernetes v1.35.4\n" in text
    assert "\tk8s.io/api v0.0.0 => k8s.io/api v0.35.4\n" in text
    assert "\tk8s.io/kms v0.0.0 => k8s.io/kms v0.35.4\n" in text
    assert "ginkgo" not in text and "./staging" not in text
    assert text.count("=>") == 4


def test_apiserver_gomod_without_staging_lines_fails():
    with pytest.raises(BuildError, match="no ./staging replace lines"):
        apiserver_gomod("module x\n", "v1.35.4")


@pytest.mark.parametrize("kube, staging", [("v1.35.4", "v0.35.4"), ("v1.9.12", "v0.9.12")])
def test_staging_version(kube, staging):
    assert staging_version(kube) == staging


@pytest.mark.parametrize("bad", ["1.35.4", "v2.0.0", "v1.35", "v1.35.4-rc.1"])
def test_staging_version_rejects_non_releases(bad):
    with pytest.raises(ValueError, match="not a Kubernetes release version"):
        staging_version(bad)


def test_etcd_gomod():
    assert etcd_gomod("v3.6.16") == (
        "module gp.local/etcdbuild\n\ngo 1.26.0\n\nrequire go.etcd.io/etcd/server/v3 v3.6.16\n"
    )


def test_build_paths_and_go_env(tmp_path):
    paths = BuildPaths(tmp_path)
    assert paths.apiserver == tmp_path / "kube/v1.35.4/bin/kube-apiserver"
    assert paths.etcd_src == tmp_path / "kube/v1.35.4/src/etcd"
    env = go_env(paths, {"PATH": "/usr/bin", "GOFLAGS": "-mod=vendor"})
    assert env == {
        "PATH": "/usr/bin",
        "GOMODCACHE": str(tmp_path / "go/mod"),
        "GOCACHE": str(tmp_path / "go/build"),
        "GOTOOLCHAIN": "local",
        "CGO_ENABLED": "0",
        "GOFLAGS": "-mod=mod",
    }


def _fake_go(directory: Path, script: str) -> dict[str, str]:
    go = directory / "go"
    go.write_text("#!/bin/sh\n" + script)
    go.chmod(go.stat().st_mode | stat.S_IEXEC)
    return {"PATH": f"{directory}:/usr/bin:/bin"}


def test_missing_go_fails_loudly(tmp_path):
    with pytest.raises(BuildError, match="Go toolchain is not installed") as err:
        run_go(["version"], cwd=tmp_path, env={"PATH": str(tmp_path)})
    assert err.value.command == "go version"


def test_failed_go_command_carries_command_and_output(tmp_path):
    env = _fake_go(tmp_path, 'echo "compiling"; echo "undefined: foo" >&2; exit 2\n')
    with pytest.raises(BuildError) as err:
        run_go(["build", "-o", "out", "pkg"], cwd=tmp_path, env=env)
    e = err.value
    assert e.command == "go build -o out pkg"
    assert "compiling" in e.output and "undefined: foo" in e.output
    assert "go exited with status 2" in str(e) and "$ go build -o out pkg" in str(e)
    assert "undefined: foo" in str(e)


def test_ensure_binaries_skips_build_when_cached(tmp_path, monkeypatch):
    paths = BuildPaths(tmp_path)
    paths.bin_dir.mkdir(parents=True)
    for b in (paths.etcd, paths.apiserver):
        b.write_text("binary")
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))  # building would fail: no go
    found = ensure_binaries(paths)
    assert (found.etcd, found.apiserver) == (paths.etcd, paths.apiserver)


def test_ensure_binaries_builds_missing_one_and_fails_loudly_without_go(tmp_path, monkeypatch):
    paths = BuildPaths(tmp_path)
    paths.bin_dir.mkdir(parents=True)
    paths.etcd.write_text("binary")
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    with pytest.raises(BuildError, match="Go toolchain is not installed") as err:
        ensure_binaries(paths)
    assert "k8s.io/kubernetes@v1.35.4" in err.value.command


def test_ensure_binaries_runs_the_lead_recipe(tmp_path, monkeypatch):
    """Each go invocation, in order, with the wrapper go.mod written where the recipe says."""
    paths = BuildPaths(tmp_path / "cache")
    gomod = tmp_path / "k8s.mod"
    gomod.write_text(SAMPLE_GOMOD)
    calls = tmp_path / "calls"
    env = _fake_go(
        tmp_path,
        (
            f'echo "$PWD|$GOTOOLCHAIN|$*" >> {calls}\n'
            f'case "$1" in mod) echo \'{{"Path":"k8s.io/kubernetes","GoMod":"{gomod}"}}\';;\n'
            ' build) touch "$(echo "$*" | sed -E "s/.* -o ([^ ]+) .*/\\1/")";; esac\n'
        ),
    )
    monkeypatch.setenv("PATH", env["PATH"])
    ensure_binaries(paths)
    lines = calls.read_text().splitlines()
    e, a = paths.etcd_src, paths.apiserver_src
    assert lines == [
        f"{e}|local|get go.etcd.io/etcd/server/v3@v3.6.16",
        f"{e}|local|build -o {paths.etcd} go.etcd.io/etcd/server/v3",
        f"{a}|local|mod download -json k8s.io/kubernetes@v1.35.4",
        f"{a}|local|get k8s.io/kubernetes/cmd/kube-apiserver@v1.35.4",
        f"{a}|local|build -ldflags -X k8s.io/component-base/version.gitVersion=v1.35.4 "
        f"-o {paths.apiserver} k8s.io/kubernetes/cmd/kube-apiserver",
    ]
    assert (a / "go.mod").read_text() == apiserver_gomod(SAMPLE_GOMOD, "v1.35.4")
    assert (e / "go.mod").read_text() == etcd_gomod()
    assert paths.etcd.is_file() and paths.apiserver.is_file()


def test_generated_gomod_matches_the_cached_build():
    """On a machine with the real build cached, our replace block equals the one it used."""
    cache = Path(os.environ.get("GP_CACHE_DIR", Path.home() / ".cache/gp"))
    built = cache / "kube/v1.35.4/src/apiserver/go.mod"
    source = cache / "go/mod/cache/download/k8s.io/kubernetes/@v/v1.35.4.mod"
    if not (built.is_file() and source.is_file()):
        pytest.skip("no cached kube-apiserver build")
    ours = apiserver_gomod(source.read_text(), "v1.35.4")
    replace_block = built.read_text().split("replace (", 1)[1]
    assert ours.split("replace (", 1)[1] == replace_block
