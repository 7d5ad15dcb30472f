"""How long `gp plan` and `gp apply` take on a stack of many WorkflowTemplates with the
directory provider: the first apply, a plan with nothing to do, and a plan after one
template changed. Each is a fresh process (what a user waits for), repeated; the parse cache is
warm, so the figures are the planning itself.

    python bench/bench_plan.py --templates 1000 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

from bench_validate import generate, run


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--templates", type=int, default=1000)
    ap.add_argument("--files", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="gp-bench-plan-") as tmp:
        module = Path(tmp) / "module"
        paths = generate(module, args.templates, args.files)
        env = {
            **{k: v for k, v in os.environ.items() if k != "GP_DEBUG"},
            "XDG_CACHE_HOME": str(Path(tmp) / "cache"),
        }
        gp = [sys.executable, "-m", "gp"]
        run([*gp, "validate", "-C", str(module)], env)  # fills the parse cache

        rows = []
        first_apply = run([*gp, "apply", "-C", str(module), "--auto-approve"], env)
        rows.append(("apply, creating every object", [first_apply]))
        rows.append(
            (
                "plan, nothing to do",
                [run([*gp, "plan", "-C", str(module)], env) for _ in range(args.repeat)],
            )
        )
        last = paths[-1]
        last.write_text(last.read_text().replace('"done ', '"finished ', 1))
        rows.append(
            (
                "plan, one template changed",
                [run([*gp, "plan", "-C", str(module)], env) for _ in range(args.repeat)],
            )
        )

    print(
        f"stack: {args.templates} WorkflowTemplates in {args.files} files, directory provider, "
        f"warm parse cache; fresh process per run; {os.cpu_count()} CPUs"
    )
    print(f"{'measurement':32} {'runs':>4} {'median s':>9} {'peak RSS MiB':>13}")
    for label, results in rows:
        times = [t for t, _ in results]
        rss = max(r for _, r in results)
        print(f"{label:32} {len(results):4d} {statistics.median(times):9.2f} {rss / 1024:13.0f}")


if __name__ == "__main__":
    main()
