"""`gp show` without a plan file: what the stack owns, from its record."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text

from gp.planner.plan import Target
from gp.planner.stack_record import StackRecord
from gp.planner.targets import address_order
from gp.redact import mask_text, secrets_of
from gp.render.mdtext import cell, code


def _object(namespace: str | None, name: str) -> str:
    return f"{namespace}/{name}" if namespace else name


def _where(target: Target | None) -> str:
    if target is None:
        return ""
    place = f" {target.server}" if target.server else ""
    return f" in {target.provider}{place} (namespace {target.namespace})"


def stack_text(
    record: StackRecord, sensitive: Iterable[str] = (), target: Target | None = None
) -> Text:
    secrets = secrets_of(sensitive)
    out = Text()
    n = len(record.entries)
    if not n:
        out.append(f'Stack "{record.stack}"{_where(target)} owns no objects.\n', style="bold")
        return out
    out.append(
        f'Stack "{record.stack}"{_where(target)} owns {n} object{"s" if n != 1 else ""}',
        style="bold",
    )
    when = [
        f"at {record.applied_at}" if record.applied_at else "",
        f"by {record.applied_by}" if record.applied_by else "",
    ]
    if any(when):
        out.append(" (last applied " + " ".join(w for w in when if w) + ")")
    out.append(":\n\n")
    rows = [
        (mask_text(address, secrets), e.ref.kind, _object(e.ref.namespace, e.ref.name))
        for address, e in sorted(record.entries.items(), key=lambda item: address_order(item[0]))
    ]
    widths = [max(len(r[i]) for r in rows + [("ADDRESS", "KIND", "OBJECT")]) for i in range(3)]
    header = ("ADDRESS", "KIND", "OBJECT")
    out.append(
        "  " + "  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip() + "\n", style="bold"
    )
    for row in rows:
        out.append("  " + "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() + "\n")
    return out


def stack_markdown(
    record: StackRecord, sensitive: Iterable[str] = (), target: Target | None = None
) -> str:
    """The same listing as a table, for a pull-request comment or a wiki page."""
    secrets = secrets_of(sensitive)
    lines = [f"## gp stack {code(record.stack)}{_where(target)}", ""]
    if not record.entries:
        return "\n".join(lines + ["Owns no objects.", ""])
    if record.applied_at or record.applied_by:
        lines += [
            f"Last applied {code(record.applied_at or '?')} by "
            f"{code(record.applied_by) if record.applied_by else 'unknown'}.",
            "",
        ]
    lines += ["| Address | Kind | Object |", "|---|---|---|"]
    for address, e in sorted(record.entries.items(), key=lambda item: address_order(item[0])):
        lines.append(
            f"| {cell(code(mask_text(address, secrets)))} | {e.ref.kind} "
            f"| {cell(code(_object(e.ref.namespace, e.ref.name)))} |"
        )
    return "\n".join(lines) + "\n"
