"""Run history: which runs belong to a stack or a pipeline, filtered and newest first."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from gp.errors import RunError
from gp.runs.model import ADDRESS_LABEL, STACK_LABEL, RunSnapshot
from gp.runs.submit import label_value

STATUSES = ("Pending", "Running", "Succeeded", "Failed", "Error")


def selector(stack: str, address: str | None = None) -> str:
    parts = [f"{STACK_LABEL}={label_value(stack)}"]
    if address:
        parts.append(f"{ADDRESS_LABEL}={label_value(address)}")
    return ",".join(parts)


def normal_status(status: str | None) -> str | None:
    if status is None:
        return None
    for s in STATUSES:
        if s.lower() == status.lower():
            return s
    raise RunError(f"unknown status {status!r}; use one of {', '.join(STATUSES)}")


def newest_first(
    runs: Iterable[RunSnapshot],
    address: str | None = None,
    status: str | None = None,
    limit: int | None = None,
) -> list[RunSnapshot]:
    """``runs`` of ``address`` (exactly, not only by the label's digest) in ``status``,
    newest first, at most ``limit``."""
    chosen = [
        r
        for r in runs
        if (address is None or r.address == address) and (status is None or r.phase == status)
    ]
    chosen.sort(key=lambda r: (r.created_at or "", r.name), reverse=True)
    return chosen[:limit] if limit else chosen


def merge_namespaces(lists: Sequence[Sequence[RunSnapshot]]) -> list[RunSnapshot]:
    seen, out = set(), []
    for runs in lists:
        for r in runs:
            if (r.namespace, r.name) not in seen:
                seen.add((r.namespace, r.name))
                out.append(r)
    return out
