"""`gp envs`: the environments side by side, from each one's `to_dict()` (gp/environments)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from rich.text import Text

HEADER = ("ENV", "TARGET", "LAST APPLY", "DRIFT", "LAST RUNS", "PROMOTION")


def target_words(target: Mapping[str, Any]) -> str:
    where = target.get("server") or "?"
    return f"{target['provider']} {where} (namespace {target['namespace']})"


def last_apply(env: Mapping[str, Any]) -> str:
    if not env.get("applied_at"):
        return "never" if env.get("drift") != "unreachable" else "?"
    commit = (env.get("commit") or "")[:7]
    if commit and env.get("dirty"):
        commit += " (dirty)"
    parts = [env["applied_at"], commit, f"by {env['applied_by']}" if env.get("applied_by") else ""]
    return " ".join(p for p in parts if p)


def runs_words(env: Mapping[str, Any]) -> str:
    runs = env.get("runs")
    if runs is None:
        return "-" if env.get("drift") == "unreachable" else "(no engine)"
    if not runs:
        return "none yet"
    return ", ".join(f"{r['address'].split('.', 1)[-1]} {r['phase']}" for r in runs)


def promotion_words(env: Mapping[str, Any]) -> str:
    source = env.get("promote_from")
    if not source:
        return ""
    behind = env.get("behind")
    if behind is None:
        return f"from {source}"
    if behind == 0:
        return f"from {source}: up to date"
    return f"behind {source} by {behind} commit{'s' if behind != 1 else ''}"


def row(env: Mapping[str, Any]) -> tuple[str, ...]:
    name = env["name"] + (" (default)" if env.get("default") else "")
    return (
        name,
        target_words(env["target"]),
        last_apply(env),
        env["drift"],
        runs_words(env),
        promotion_words(env),
    )


def envs_text(envs: Sequence[Mapping[str, Any]]) -> Text:
    out = Text()
    rows = [row(e) for e in envs]
    widths = [max(len(r[i]) for r in [HEADER, *rows]) for i in range(len(HEADER))]
    out.append("  ".join(h.ljust(w) for h, w in zip(HEADER, widths)).rstrip() + "\n", "bold")
    styles = {"yes": "yellow", "unreachable": "red"}
    for cells in rows:
        for i, (cell, width) in enumerate(zip(cells, widths)):
            style = styles.get(cell) if i == 3 else None
            out.append(cell.ljust(width) if i < len(cells) - 1 else cell, style)
            out.append("  " if i < len(cells) - 1 else "")
        out.rstrip()
        out.append("\n")
    for env in envs:
        if env.get("problem"):
            out.append(f"\n{env['name']}: {env['problem']}\n", "red")
    return out


def envs_json(envs: Sequence[Mapping[str, Any]]) -> str:
    return json.dumps({"environments": list(envs)}, indent=2, ensure_ascii=False) + "\n"
