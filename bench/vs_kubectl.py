"""gp against kubectl on the dev cluster's real API server, on the same rendered objects.

    python3 -m bench.vs_kubectl                      # N = 10, 100, 1000, 3000; 5 pairs each
    python3 -m bench.vs_kubectl --sizes 10,100 --repeat 7

For each N it generates a module of N WorkflowTemplates (5 to 15 steps) and N/5 CronWorkflows in
several files and three namespaces, renders it with `gp render`, and gives kubectl the same
objects in namespaces of its own (gp's in g<N>-*, kubectl's in k<N>-*). Each row runs gp and
kubectl alternately (A B A B), every run a fresh process; the figures are medians, the ratio
is the median of the pair-by-pair ratios, and peak RSS is each process's own (wait4).

Rows: the first apply, creating every object (`gp apply --auto-approve` vs `kubectl apply
--server-side`); a plan with nothing changed (`gp plan` vs `kubectl diff --server-side`); a plan
right after 10% of the templates were edited (each repeat edits them anew, so every gp run
is the first after an edit: its caches hold only the unchanged files); warm `gp validate` and
`gp render`.

The harness starts its own API server and etcd (gp.devcluster, a state dir of its own, no
controllers) and stops them at the end; it builds etcd, kube-apiserver and kubectl into
~/.cache/gp/kube when they are missing. It writes bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench import stack

REPO = Path(__file__).resolve().parent.parent
GROUP, VERSION = "argoproj.io", "v1alpha1"
PLURALS = ("workflowtemplates", "cronworkflows")


@dataclass
class Run:
    seconds: float
    rss_kib: int


@dataclass
class Row:
    label: str
    gp: list[Run] = field(default_factory=list)
    peer_label: str = ""
    peer: list[Run] = field(default_factory=list)

    def ratio(self) -> float | None:
        if not self.peer:
            return None
        return statistics.median(a.seconds / b.seconds for a, b in zip(self.gp, self.peer))


# A small process forks and waits for each measured command: a child forked straight from this
# one (which holds a Kubernetes client) would count this process's pages in its peak RSS.
_SPAWN = r"""
import json, os, sys, time
out = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.dup2(out, 1)
    os.dup2(out, 2)
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
print(json.dumps([time.perf_counter() - start, usage.ru_maxrss, os.waitstatus_to_exitcode(status)]))
"""


def run(cmd: list[str], env: dict[str, str], ok: tuple[int, ...] = (0,)) -> Run:
    """Wall seconds and the command's own peak RSS, from fork to exit."""
    with tempfile.NamedTemporaryFile(prefix="gp-bench-out-") as out:
        done = subprocess.run(
            [sys.executable, "-I", "-S", "-c", _SPAWN, out.name, *cmd],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        seconds, rss, code = json.loads(done.stdout)
        if code not in ok:
            tail = Path(out.name).read_text(errors="replace")[-3000:]
            sys.exit(f"benchmark command failed (exit {code}): {' '.join(cmd)}\n{tail}")
    return Run(seconds, rss)


def tools(kubectl_ok: bool = True):
    """etcd, kube-apiserver and kubectl: the cached binaries, built when missing."""
    from gp.devcluster.build import (
        BuildPaths,
        build_kube_component,
        default_cache_root,
        ensure_binaries,
        go_env,
    )

    paths = BuildPaths(default_cache_root())
    binaries = ensure_binaries(paths)
    kubectl = paths.bin_dir / "kubectl"
    if not kubectl.is_file():
        print(f"building kubectl {paths.kube_version} into {kubectl} ...", flush=True)
        build_kube_component(paths, go_env(paths), "kubectl", kubectl)
    return paths, binaries, kubectl


class Bench:
    def __init__(self, tmp: Path, kubeconfig: Path, kubectl: Path, repeat: int):
        self.tmp = tmp
        self.kubeconfig = kubeconfig
        self.kubectl = kubectl
        self.repeat = repeat
        base = {
            k: v
            for k, v in os.environ.items()
            if k not in ("GP_DEBUG", "PYTHONDONTWRITEBYTECODE") and not k.startswith("GP_VAR_")
        }
        self.env = {
            **base,
            "KUBECONFIG": str(kubeconfig),
            "XDG_CACHE_HOME": str(tmp / "xdg"),
            "PYTHONPATH": str(REPO),
        }
        # Renders for kubectl's files use a cache of their own, so gp's runs find theirs as
        # the user's last command left them.
        self.render_env = {**self.env, "XDG_CACHE_HOME": str(tmp / "xdg-render")}
        self.gp = [sys.executable, "-m", "gp"]
        self.k = [
            str(kubectl),
            "--kubeconfig",
            str(kubeconfig),
            "--cache-dir",
            str(tmp / "kube-cache"),
        ]
        from kubernetes import client

        from gp.devcluster.kubeconfig import api_client

        self.api = api_client(kubeconfig)
        self.custom = client.CustomObjectsApi(self.api)
        self.core = client.CoreV1Api(self.api)

    # -- cluster chores (not timed) ----------------------------------------------------------

    def namespaces(self, prefix: str) -> None:
        for ns in stack.namespaces(prefix):
            try:
                self.core.create_namespace({"metadata": {"name": ns}})
            except Exception as exc:  # already there from an earlier size
                if getattr(exc, "status", None) != 409:
                    raise

    def clear(self, prefix: str, stack_name: str | None = None) -> None:
        """Delete every Argo object in the prefix's namespaces (and gp's record and lock)."""
        for ns in stack.namespaces(prefix):
            for plural in PLURALS:
                self.custom.delete_collection_namespaced_custom_object(GROUP, VERSION, ns, plural)
            if stack_name:
                for delete in (self.core.delete_namespaced_config_map,):
                    try:
                        delete(f"gp-stack-{stack_name}", ns)
                    except Exception as exc:
                        if getattr(exc, "status", None) != 404:
                            raise
        for ns in stack.namespaces(prefix):
            for plural in PLURALS:
                deadline = time.monotonic() + 120
                while self.custom.list_namespaced_custom_object(
                    GROUP, VERSION, ns, plural, limit=1
                )["items"]:
                    if time.monotonic() > deadline:
                        sys.exit(f"{plural} in {ns} were not deleted")
                    time.sleep(0.2)

    def kubectl_files(self, module: Path, folder: Path, gp_prefix: str, k_prefix: str) -> None:
        """kubectl's copy of what gp renders: the same objects, in kubectl's namespaces, a few
        List files as a repository of manifests would hold them."""
        out = subprocess.run(
            [*self.gp, "render", "--format", "json", "-C", str(module)],
            env=self.render_env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        objects = json.loads(out)
        for obj in objects:
            ns = obj["metadata"]["namespace"]
            obj["metadata"]["namespace"] = ns.replace(gp_prefix + "-", k_prefix + "-", 1)
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        files = stack.files_for(len(objects))
        per_file = -(-len(objects) // files)
        for f in range(files):
            chunk = objects[f * per_file : (f + 1) * per_file]
            if chunk:
                (folder / f"objects_{f:03d}.json").write_text(
                    json.dumps({"apiVersion": "v1", "kind": "List", "items": chunk})
                )

    # -- one size ------------------------------------------------------------------------------

    def size(self, n: int) -> list[Row]:
        g, k, name = f"g{n}", f"k{n}", f"bench{n}"
        module, files = self.tmp / f"module-{n}", self.tmp / f"kubectl-{n}"
        self.namespaces(g)
        self.namespaces(k)
        stack.write(module, n, name, self.kubeconfig, g)
        self.kubectl_files(module, files, g, k)
        gp_in = lambda *args: [*self.gp, *args, "-C", str(module)]  # noqa: E731
        kubectl = lambda *args: [*self.k, *args, "-f", str(files)]  # noqa: E731
        run(gp_in("validate"), self.env)  # fills gp's caches, as a user's earlier run would
        rows = [Row("validate (warm)"), Row("render (warm)")]
        for _ in range(self.repeat):
            rows[0].gp.append(run(gp_in("validate"), self.env))
            rows[1].gp.append(run(gp_in("render"), self.env))

        create = Row("apply, creating all", peer_label="kubectl apply --server-side")
        for _ in range(self.repeat):
            self.clear(g, name)
            self.clear(k)
            create.gp.append(run(gp_in("apply", "--auto-approve"), self.env))
            create.peer.append(run(kubectl("apply", "--server-side"), self.env))
        rows.append(create)

        same = Row("plan, nothing changed", peer_label="kubectl diff --server-side")
        for _ in range(self.repeat):
            same.gp.append(run(gp_in("plan", "--detailed-exitcode"), self.env, ok=(0,)))
            same.peer.append(run(kubectl("diff", "--server-side"), self.env, ok=(0,)))
        rows.append(same)

        edited = Row("plan, 10% of templates changed", peer_label="kubectl diff --server-side")
        # The first tenth of the templates: the files a change of that size touches (2 of 20
        # at N = 1,000), as a pull request would.
        changed = frozenset(range(max(1, n // 10)))
        for r in range(self.repeat):
            stack.write(module, n, name, self.kubeconfig, g, changed, image=f"geo/tool:3.{r}")
            self.kubectl_files(module, files, g, k)
            edited.gp.append(run(gp_in("plan", "--detailed-exitcode"), self.env, ok=(2,)))
            edited.peer.append(run(kubectl("diff", "--server-side"), self.env, ok=(1,)))
        rows.append(edited)
        self.clear(g, name)
        self.clear(k)
        return rows


def speed(ratio: float) -> str:
    return f"gp {1 / ratio:.1f}x faster" if ratio <= 1 else f"gp {ratio:.1f}x slower"


def machine() -> list[str]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return [f"{platform.system()} {platform.release()}, {os.cpu_count()} CPUs ({cpu}), {mem} RAM"]


def versions(kubectl: Path, apiserver: Path) -> list[str]:
    def out(cmd: list[str]) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
        except OSError:
            return "?"

    commit = out(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"]) or "?"
    dirty = (
        " (with uncommitted changes)"
        if out(["git", "-C", str(REPO), "status", "--porcelain", "--", "gp"])
        else ""
    )
    kc = out([str(kubectl), "version", "--client", "-o", "json"])
    try:
        kc = json.loads(kc)["clientVersion"]["gitVersion"]
    except (ValueError, KeyError):
        pass
    try:
        import orjson

        fast = f"orjson {orjson.__version__}"
    except ImportError:
        fast = "no orjson (standard json)"
    return [
        f"gp {commit}{dirty}, Python {platform.python_version()}, {fast}",
        f"kubectl {kc}; {out([str(apiserver), '--version'])}; etcd from gp.devcluster",
    ]


def report(
    results: dict[int, list[Row]],
    loads: dict[int, tuple[str, str]],
    args,
    kubectl: Path,
    apiserver: Path,
    started: str,
) -> str:
    lines = [
        "# gp vs kubectl: results",
        "",
        f"Run {started} to {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with "
        f"`python3 -m bench.vs_kubectl --sizes {','.join(map(str, args.sizes))} --repeat {args.repeat}`.",
        "",
    ]
    lines += [f"- machine: {m}" for m in machine()]
    lines += [f"- versions: {v}" for v in versions(kubectl, apiserver)]
    lines += [
        "- the API server: gp.devcluster's kube-apiserver and etcd on this machine, the "
        "project's CRDs (spec kept as sent), no controllers",
        "- every figure: a fresh process; gp and kubectl alternate (A B A B); median of "
        f"{args.repeat} runs; gp / kubectl is the median of the pair-by-pair ratios "
        "(below 1: gp is faster); peak RSS is the largest of the runs",
        "",
    ]
    lines += [
        "| N (templates + crons) | work | gp s | gp MiB | kubectl | kubectl s | kubectl MiB | gp / kubectl |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for n, rows in results.items():
        for row in rows:
            gp_s = statistics.median(r.seconds for r in row.gp)
            gp_m = max(r.rss_kib for r in row.gp) / 1024
            if row.peer:
                k_s = statistics.median(r.seconds for r in row.peer)
                k_m = max(r.rss_kib for r in row.peer) / 1024
                peer = f"`{row.peer_label}` | {k_s:.2f} | {k_m:.0f} | {row.ratio():.2f} ({speed(row.ratio())})"
            else:
                peer = "| | |"
            lines.append(f"| {n} + {n // 5} | {row.label} | {gp_s:.2f} | {gp_m:.0f} | {peer} |")
    lines += [
        "",
        "Load average (1, 5, 15 min) when each size started and ended (2 cores shared "
        "with other work: figures taken under load are noisy):",
        "",
    ]
    for n, (before, after) in loads.items():
        lines.append(f"- N = {n}: {before} -> {after}")
    lines += ["", "Every run, in seconds (gp / kubectl):", ""]
    for n, rows in results.items():
        for row in rows:
            runs = " ".join(f"{r.seconds:.2f}" for r in row.gp)
            peer = " / " + " ".join(f"{r.seconds:.2f}" for r in row.peer) if row.peer else ""
            lines.append(f"- N = {n}, {row.label}: {runs}{peer}")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--sizes", type=lambda s: [int(x) for x in s.split(",")], default=[10, 100, 1000, 3000]
    )
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "RESULTS.md")
    args = ap.parse_args()

    sys.path.insert(0, str(REPO))
    from gp.devcluster import lifecycle
    from gp.devcluster.cluster import down

    _, binaries, kubectl = tools()
    started = f"{datetime.now(UTC):%Y-%m-%d %H:%M}"
    with tempfile.TemporaryDirectory(prefix="gp-vs-kubectl-") as tmp_name:
        tmp = Path(tmp_name)
        state_dir = tmp / "cluster"
        try:
            state = lifecycle.start(state_dir, binaries, "project", die_with_parent=True)
            bench = Bench(tmp, state.kubeconfig(), kubectl, args.repeat)
            results: dict[int, list[Row]] = {}
            loads: dict[int, tuple[str, str]] = {}
            for n in args.sizes:
                before = " ".join(f"{x:.2f}" for x in os.getloadavg())
                print(f"N = {n} (load {before}) ...", flush=True)
                results[n] = bench.size(n)
                loads[n] = (before, " ".join(f"{x:.2f}" for x in os.getloadavg()))
                text = report(results, loads, args, kubectl, binaries.apiserver, started)
                args.out.write_text(text)  # after each size, so a long run keeps what it measured
            print(text)
        finally:
            down(state_dir)


if __name__ == "__main__":
    main()
