"""Which version of the pipeline a run comes from: the applied template and the module's commit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gp.runs.submit import Version, template_digest


def version_of(
    applied: Mapping[str, Any], inputs_hash: str | None, git: tuple[str, bool] | None
) -> Version:
    """The version a run records: the applied template's digest, the module's inputs and
    ``git`` (the commit and whether the tree was dirty; None outside a git work tree)."""
    return Version(
        digest=template_digest(applied),
        inputs_hash=inputs_hash,
        commit=git[0] if git else None,
        dirty=git[1] if git else False,
    )
