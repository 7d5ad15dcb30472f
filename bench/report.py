"""bench/RESULTS.md from the measurements of `python3 -m bench.vs_kubectl`: the table, the load
average around every figure, every run."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    seconds: float
    rss_kib: int
    load: float = 0.0  # the 1-minute load average when the run started


@dataclass
class Row:
    label: str
    gp: list[Run] = field(default_factory=list)
    peer_label: str = ""
    peer: list[Run] = field(default_factory=list)
    size: str = ""  # what the row ran on, when not the size's own stack

    def ratio(self) -> float | None:
        if not self.peer:
            return None
        return statistics.median(a.seconds / b.seconds for a, b in zip(self.gp, self.peer))

    def loads(self) -> str:
        seen = [r.load for r in (*self.gp, *self.peer)]
        return f"{min(seen):.1f}-{max(seen):.1f}" if seen else ""


def load_now() -> float:
    return os.getloadavg()[0]


def speed(ratio: float) -> str:
    return f"gp {1 / ratio:.1f}x faster" if ratio <= 1 else f"gp {ratio:.1f}x slower"


def machine() -> str:
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
    return f"{platform.system()} {platform.release()}, {os.cpu_count()} CPUs ({cpu}), {mem} RAM"


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
        f"kubectl {kc} ({kubectl}); {out([str(apiserver), '--version'])}; etcd from gp.devcluster",
    ]


def report(
    results: dict[str, list[Row]],
    loads: dict[str, tuple[str, str]],
    command: str,
    kubectl: Path,
    apiserver: Path,
    started: str,
    repeat: int,
) -> str:
    lines = [
        "# gp vs kubectl: results",
        "",
        f"Run {started} to {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with `{command}`.",
        "",
        f"- machine: {machine()}",
    ]
    lines += [f"- versions: {v}" for v in versions(kubectl, apiserver)]
    lines += [
        "- the API server: gp.devcluster's kube-apiserver and etcd on this machine, the "
        "project's CRDs (spec kept as sent), no controllers",
        "- every figure: a fresh process; gp and kubectl alternate (A B A B); median of "
        f"{repeat} runs; gp / kubectl is the median of the pair-by-pair ratios "
        "(below 1: gp is faster); peak RSS is the largest of the runs; load is the 1-minute "
        "load average at the start of the row's runs (lowest-highest)",
        "",
        "| N (templates + crons) | work | gp s | gp MiB | kubectl | kubectl s | kubectl MiB "
        "| gp / kubectl | load |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for size, rows in results.items():
        for row in rows:
            gp_s = statistics.median(r.seconds for r in row.gp)
            gp_m = max(r.rss_kib for r in row.gp) / 1024
            ratio = row.ratio()
            if ratio is not None:
                k_s = statistics.median(r.seconds for r in row.peer)
                k_m = max(r.rss_kib for r in row.peer) / 1024
                peer = f"`{row.peer_label}` | {k_s:.2f} | {k_m:.0f} | {ratio:.2f} ({speed(ratio)})"
            else:
                peer = "| | |"
            lines.append(
                f"| {row.size or size} | {row.label} | {gp_s:.2f} | {gp_m:.0f} | {peer} "
                f"| {row.loads()} |"
            )
    lines += [
        "",
        "Load average (1, 5, 15 min) when each part started and ended (2 cores shared "
        "with other work: figures taken under load are noisy):",
        "",
    ]
    lines += [f"- {size}: {before} -> {after}" for size, (before, after) in loads.items()]
    lines += ["", "Every run, in seconds (gp / kubectl), with the load at its start:", ""]
    for size, rows in results.items():
        for row in rows:
            runs = " ".join(f"{r.seconds:.2f}@{r.load:.1f}" for r in row.gp)
            peer = (
                " / " + " ".join(f"{r.seconds:.2f}@{r.load:.1f}" for r in row.peer)
                if row.peer
                else ""
            )
            lines.append(f"- {row.size or size}, {row.label}: {runs}{peer}")
    return "\n".join(lines) + "\n"
