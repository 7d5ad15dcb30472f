"""Object and module addresses as moved and removed blocks name them
(``module.geo.workflow_template.t["a"]``): their parts, what a move does to one, and how a
plan names a block's place. Plain strings: a plan reads these without the language's tree."""

from __future__ import annotations

from pathlib import Path

from gp.config.model import OBJECT_KINDS, Moved
from gp.errors import SourcePos

_KINDS = frozenset(OBJECT_KINDS)


def _steps(address: str) -> list[str]:
    """``module.a["k"].workflow_template.t`` -> ["module", 'a["k"]', "workflow_template", "t"]."""
    out: list[str] = []
    for part in address.replace("[", ".[").split("."):
        if part.startswith("[") and out:
            out[-1] += part
        else:
            out.append(part)
    return out


def address_kind(address: str) -> str | None:
    """ "object" or "module" for a well-formed address, None otherwise."""
    steps = _steps(address)
    while len(steps) >= 2 and steps[0] == "module":
        if not steps[1] or steps[1].startswith("["):
            return None
        steps = steps[2:]
    if not steps:
        return "module"
    if len(steps) == 2 and steps[0] in _KINDS and steps[1] and not steps[1].startswith("["):
        return "object"
    return None


def has_key(address: str) -> bool:
    return address.endswith("]")


def block_type(address: str) -> str | None:
    steps = _steps(address)
    return steps[-2] if address_kind(address) == "object" else None


def moved_to(address: str, move: Moved) -> str | None:
    """Where ``move`` takes ``address``: an instance address moves alone; a block or module
    address takes every instance and everything under it along (as in Terraform)."""
    src, dst = move.from_, move.to
    if address == src:
        return dst
    if has_key(src) or has_key(dst):
        return None
    if address.startswith(src) and address[len(src)] in ".[":
        return dst + address[len(src) :]
    return None


def covers(address: str, source: str) -> bool:
    """Whether ``source`` (a block, an instance or a module address) names ``address``."""
    return address == source or (address.startswith(source) and address[len(source)] in ".[")


def relative(pos: SourcePos, root: Path) -> str:
    """FILE:LINE with FILE relative to the root module (how a plan names a block)."""
    try:
        file = str(Path(pos.file).resolve().relative_to(root.resolve()))
    except ValueError:
        file = pos.file
    return f"{file}:{pos.line}"
