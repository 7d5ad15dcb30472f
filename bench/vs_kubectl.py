"""gp against kubectl on the dev cluster's real API server, on the same rendered objects.

    python3 -m bench.vs_kubectl                      # N = 10, 100, 1000, 3000; 5 pairs each
    python3 -m bench.vs_kubectl --sizes 10,100 --repeat 7
    python3 -m bench.vs_kubectl --kubectl /usr/bin/kubectl   # a kubectl already installed

For each N it generates a module of N WorkflowTemplates (5 to 15 steps) and N/5 CronWorkflows in
several files and three namespaces, renders it with `gp render`, and gives kubectl the same
objects in namespaces of its own (gp's in g<N>-*, kubectl's in k<N>-*). Each row runs gp and
kubectl alternately (A B A B), every run a fresh process; the figures are medians, the ratio
is the median of the pair-by-pair ratios, and peak RSS is each process's own (wait4). The load
average is recorded at the start of every run.

Rows: the first apply, creating every object (`gp apply --auto-approve` vs `kubectl apply
--server-side`); a plan with nothing changed (`gp plan` vs `kubectl diff --server-side`); a plan
right after 10% of the templates were edited (each repeat edits them anew, so every gp run
is the first after an edit: its caches hold only the unchanged blocks); warm `gp validate` and
`gp render`. Then the edit -> plan loop, gp alone (kubectl has no folder to diff): a module of
100 templates + 20 crons on the directory provider, applied once, then one image changed before
each `gp plan`.

The harness starts its own API server and etcd (gp.devcluster, a state dir of its own, no
controllers) and stops them at the end; it builds etcd, kube-apiserver and kubectl into
~/.cache/gp/kube when they are missing (``--kubectl`` names one already installed instead). It
writes bench/RESULTS.md after each part.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import stack
from bench.report import Row, Run, load_now, report

REPO = Path(__file__).resolve().parent.parent
GROUP, VERSION = "argoproj.io", "v1alpha1"
PLURALS = ("workflowtemplates", "cronworkflows")


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
    load = load_now()
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
    return Run(seconds, rss, load)


def tools(kubectl: Path | None = None):
    """etcd, kube-apiserver and kubectl: the cached binaries, built when missing (``kubectl``
    given: that one, nothing built for it)."""
    from gp.devcluster.build import (
        BuildPaths,
        build_kube_component,
        default_cache_root,
        ensure_binaries,
        go_env,
    )

    paths = BuildPaths(default_cache_root())
    binaries = ensure_binaries(paths)
    if kubectl is not None:
        return paths, binaries, kubectl
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

    def loop(self, n: int, repeat: int) -> list[Row]:
        """The edit -> plan loop, gp alone: a module of ``n`` templates on the directory
        provider, applied once; then before each plan one template's image is changed."""
        module = self.tmp / f"loop-{n}"
        stack.write(module, n, f"loop{n}", None, "loop")
        gp_in = lambda *args: [*self.gp, *args, "-C", str(module)]  # noqa: E731
        run(gp_in("apply", "--auto-approve"), self.env)
        same = Row("plan, nothing changed (directory provider)", size=f"{n} + {n // 5}")
        for _ in range(repeat):
            same.gp.append(run(gp_in("plan", "--detailed-exitcode"), self.env, ok=(0,)))
        edited = Row("edit -> plan: one image changed (directory provider)", size=same.size)
        first = module / "pipes_000.gp.hcl"
        for r in range(repeat):
            text = first.read_text()
            at = text.index('image   = "geo/tool:', text.index(f'"pipe-{r % 10}"'))
            end = text.index('"', at + len('image   = "'))
            first.write_text(f'{text[:at]}image   = "geo/tool:9.{r}{text[end:]}')
            edited.gp.append(run(gp_in("plan", "--detailed-exitcode"), self.env, ok=(2,)))
        return [same, edited]


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--sizes", type=lambda s: [int(x) for x in s.split(",") if x], default=[10, 100, 1000, 3000]
    )
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument(
        "--loop", type=int, default=100, help="templates of the edit -> plan loop (0: none)"
    )
    ap.add_argument("--kubectl", type=Path, help="a kubectl to use instead of building one")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "RESULTS.md")
    args = ap.parse_args()
    command = "python3 -m bench.vs_kubectl " + " ".join(sys.argv[1:])

    sys.path.insert(0, str(REPO))
    from gp.devcluster import lifecycle
    from gp.devcluster.cluster import down

    _, binaries, kubectl = tools(args.kubectl)
    started = f"{datetime.now(UTC):%Y-%m-%d %H:%M}"
    results: dict[str, list[Row]] = {}
    loads: dict[str, tuple[str, str]] = {}

    def measured(part: str, rows) -> None:
        before = " ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"{part} (load {before}) ...", flush=True)
        results[part] = rows()
        loads[part] = (before, " ".join(f"{x:.2f}" for x in os.getloadavg()))
        text = report(
            results, loads, command.strip(), kubectl, binaries.apiserver, started, args.repeat
        )
        args.out.write_text(text)  # after each part, so a long run keeps what it measured

    with tempfile.TemporaryDirectory(prefix="gp-vs-kubectl-") as tmp_name:
        tmp = Path(tmp_name)
        state_dir = tmp / "cluster"
        try:
            state = lifecycle.start(state_dir, binaries, "project", die_with_parent=True)
            bench = Bench(tmp, state.kubeconfig(), kubectl, args.repeat)
            for n in args.sizes:
                measured(f"{n} + {n // 5}", lambda n=n: bench.size(n))
            if args.loop:
                loop_repeat = max(10, args.repeat)
                measured("edit -> plan loop", lambda: bench.loop(args.loop, loop_repeat))
            print(args.out.read_text())
        finally:
            down(state_dir)


if __name__ == "__main__":
    main()
