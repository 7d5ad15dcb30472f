"""How long `gp ui` takes to render its pages for a stack of many WorkflowTemplates
(directory provider, applied once) and for one template of a 500-task DAG.

Each page is fetched in-process through Starlette's test client, as the server would serve it:
the first fetch compiles the module (cold for the UI, warm parse cache), later fetches reuse
the compiled module while no file changed (the stack page still plans against the target every
time; a DAG's layout is cached by its shape).

    python bench/bench_ui.py --templates 1000 --tasks 500 --repeat 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

from bench_validate import generate

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

BIG_DAG_HEAD = """
gp {
  stack = "bigdag"
}
provider "directory" {
  path      = "deploy"
  namespace = "pipeline"
}
"""


def big_dag(root: Path, tasks: int) -> str:
    """One template of ``tasks`` tasks: layers of 10, each task after two of the layer before."""
    root.mkdir(parents=True, exist_ok=True)
    steps = []
    for i in range(tasks):
        layer, spot = divmod(i, 10)
        deps = (
            ""
            if layer == 0
            else (
                f'    depends = "t{(layer - 1) * 10 + spot} && t{(layer - 1) * 10 + (spot + 3) % 10}"\n'
            )
        )
        steps.append(
            f'  step "t{i}" {{\n{deps}    container {{\n      image = "busybox:1.36"\n'
            f'      command = ["true"]\n    }}\n  }}\n'
        )
    (root / "main.gp.hcl").write_text(
        BIG_DAG_HEAD + 'workflow_template "big" {\n' + "".join(steps) + "}\n"
    )
    return "workflow_template.big"


def timed(client, url: str, repeat: int) -> tuple[float, float]:
    first = time.perf_counter()
    page = client.get(url)
    first = time.perf_counter() - first
    if page.status_code != 200:
        sys.exit(f"{url}: {page.status_code}\n{page.text[:2000]}")
    later = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(url)
        later.append(time.perf_counter() - start)
    return first, statistics.median(later)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--templates", type=int, default=1000)
    ap.add_argument("--files", type=int, default=10)
    ap.add_argument("--tasks", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient
    from gp import operations
    from gp.ui import StackSource, make_app

    with tempfile.TemporaryDirectory(prefix="gp-bench-ui-") as tmp:
        os.environ["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")
        module = Path(tmp) / "module"
        generate(module, args.templates, args.files)
        subprocess.run(
            [sys.executable, "-m", "gp", "apply", "-C", str(module), "--auto-approve"],
            check=True,
            capture_output=True,
        )
        dag_module = Path(tmp) / "dag"
        dag_address = big_dag(dag_module, args.tasks)

        rows = []
        client = TestClient(make_app(StackSource(operations.Inputs(root_dir=module))))
        for label, url in (
            ("/ (stack page)", "/"),
            ("/?states=1 (its states: plans each time)", "/?states=1"),
            ("/pipelines/<one template>", "/pipelines/workflow_template.pipeline-0"),
            ("/schedules", "/schedules"),
            ("/plan (plans each time)", "/plan"),
        ):
            rows.append((f"{args.templates} templates: {label}", *timed(client, url, args.repeat)))
        client = TestClient(make_app(StackSource(operations.Inputs(root_dir=dag_module))))
        rows.append(
            (
                f"{args.tasks}-task DAG: /pipelines/<it>",
                *timed(client, f"/pipelines/{dag_address}", args.repeat),
            )
        )

    print(
        f"{os.cpu_count()} CPUs; first fetch compiles the module; median of {args.repeat} later fetches"
    )
    print(f"{'page':52} {'first s':>8} {'later s':>8}")
    for label, first, later in rows:
        print(f"{label:52} {first:8.2f} {later:8.2f}")


if __name__ == "__main__":
    main()
