"""How long `gp validate` takes on a generated module of many WorkflowTemplates, cold and warm,
side by side with the peer: python-hcl2 parsing the same files (`hcl2.loads`).

Each measurement is a fresh process (what a user waits for), repeated; the table gives the
median wall time, the peak RSS, and each time as a ratio of the peer's.

    python bench/bench_validate.py --templates 1000 --files 1 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TEMPLATE = """
workflow_template "pipeline-{i}" {{
  node_selector = {{ pipeline = "small" }}

  toleration {{
    key      = "ga.nodepool/type"
    operator = "Exists"
    effect   = "NoSchedule"
  }}

  parameter "tile" {{
    value = "T10UDV"
  }}

  step "preprocess" {{
    script {{
      image   = "python:3.12-alpine"
      command = ["python"]
      source  = "print('{{{{workflow.parameters.tile}}}}')"
    }}
  }}

  step "process" {{
    depends = "preprocess.Succeeded"
    container {{
      image   = "geo/sen2cor:${{var.version}}"
      command = ["L2A_Process"]
      args    = ["/data/{{{{workflow.parameters.tile}}}}", "--id", "{i}"]
      env     = {{ LOG_LEVEL = "info" }}
    }}
  }}

  step "publish" {{
    depends = "process.Succeeded || process.Failed"
    container {{
      image   = "busybox:1.36"
      command = ["echo", "done {i}"]
    }}
  }}
}}
"""

HEADER = """
gp {
  stack = "bench"
}

provider "directory" {
  path      = "deploy"
  namespace = "bench"
}

variable "version" {
  type    = string
  default = "2.9.0"
}
"""


def generate(root: Path, templates: int, files: int) -> list[Path]:
    root.mkdir(parents=True, exist_ok=True)
    (root / "header.gp.hcl").write_text(HEADER)
    paths = [root / "header.gp.hcl"]
    per_file = -(-templates // files)
    for f in range(files):
        chunk = range(f * per_file, min(templates, (f + 1) * per_file))
        path = root / f"templates_{f:03d}.gp.hcl"
        path.write_text("".join(TEMPLATE.format(i=i) for i in chunk))
        paths.append(path)
    return paths


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and this child's own peak RSS in KiB (os.wait4 gives per-child usage)."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            out.seek(0)
            sys.exit(f"benchmark command failed: {' '.join(cmd)}\n{out.read().decode()}")
    return elapsed, usage.ru_maxrss


def measure(label: str, cmd: list[str], env: dict[str, str], repeat: int, fresh_cache=None):
    times, rss = [], 0
    for _ in range(repeat):
        if fresh_cache:
            env = {**env, "XDG_CACHE_HOME": fresh_cache()}
        t, r = run(cmd, env)
        times.append(t)
        rss = max(rss, r)
    return label, statistics.median(times), min(times), rss


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--templates", type=int, default=1000)
    ap.add_argument("--files", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="gp-bench-") as tmp:
        tmpdir = Path(tmp)
        module = tmpdir / "module"
        paths = generate(module, args.templates, args.files)
        size = sum(p.stat().st_size for p in paths)
        env = {k: v for k, v in os.environ.items() if k != "GP_DEBUG"}
        counter = iter(range(10**6))

        def fresh_cache() -> str:
            d = tmpdir / f"cache-{next(counter)}"
            d.mkdir()
            return str(d)

        warm_cache = fresh_cache()
        gp = [sys.executable, "-m", "gp", "validate", "-C", str(module)]
        peer = [
            sys.executable,
            "-c",
            "import sys, hcl2\nfor p in sys.argv[1:]:\n    hcl2.loads(open(p).read())",
            *map(str, paths),
        ]
        # One unmeasured run fills the warm cache.
        run(gp, {**env, "XDG_CACHE_HOME": warm_cache})
        rows = [
            measure("python-hcl2 hcl2.loads (peer)", peer, env, args.repeat),
            measure("gp validate, cold (empty cache)", gp, env, args.repeat, fresh_cache),
            measure(
                "gp validate, warm (cached parse)",
                gp,
                {**env, "XDG_CACHE_HOME": warm_cache},
                args.repeat,
            ),
        ]

    peer_median = rows[0][1]
    print(
        f"module: {args.templates} WorkflowTemplates in {args.files} file(s), "
        f"{size / 1024:.0f} KiB; {args.repeat} runs each, fresh process per run; "
        f"{os.cpu_count()} CPUs"
    )
    print(f"{'measurement':36} {'median s':>9} {'min s':>7} {'peak RSS MiB':>13} {'vs peer':>8}")
    for label, med, best, rss in rows:
        print(f"{label:36} {med:9.2f} {best:7.2f} {rss / 1024:13.0f} {med / peer_median:7.2f}x")


if __name__ == "__main__":
    main()
