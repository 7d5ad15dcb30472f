"""Masking of sensitive values (LANGUAGE.md: they never appear in plan output).

Fields are masked by their paths: a change carries the paths of its sensitive fields
(``ResourceChange.sensitive_paths``, from the marks the evaluator put on values), and whatever is
at or under such a path shows as "(sensitive value)", in the before and after alike. A field
change under a sensitive path is shown at that path (a key or a list item's name under it
would tell part of the secret).

Texts are masked by value as well: the texts of sensitive values (``PlanData.secrets``) are
replaced in every string shown, which is all that can be done for free text such as a
server's error message.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from gp.planner.masking import mask_at
from gp.planner.paths import Path, format_path, parse_path, starts_with
from gp.planner.plan import FieldDiff
from gp.redact import MASK, mask_text, secrets_of

__all__ = ["mask_fields", "mask_value"]


def mask_value(value: Any, secrets: Iterable[str]) -> Any:
    """A copy with every string that contains a secret replaced by the mask, as a whole."""
    secrets = secrets_of(secrets)
    if not secrets:
        return value
    if isinstance(value, str):
        return MASK if any(s in value for s in secrets) else value
    if isinstance(value, dict):
        return {mask_text(str(k), secrets): mask_value(v, secrets) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_value(v, secrets) for v in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool) and str(value) in secrets:
        return MASK
    return value


def mask_fields(fields: Iterable[FieldDiff], marks: Sequence[Path]) -> list[FieldDiff]:
    """The field changes with sensitive values masked; those at or under a sensitive path
    become one change at that path, in the place of the first of them."""
    if not marks:
        return list(fields)
    out: list[FieldDiff] = []
    merged: dict[Path, int] = {}
    for f in fields:
        try:
            path = parse_path(f.path)
        except ValueError:
            path = ()
        top = next((m for m in sorted(marks, key=len) if starts_with(path, m)), None)
        if top is None:
            out.append(
                FieldDiff(f.path, mask_at(f.before, path, marks), mask_at(f.after, path, marks))
            )
            continue
        before = MASK if f.before is not None else None
        after = MASK if f.after is not None else None
        if top in merged:
            old = out[merged[top]]
            out[merged[top]] = FieldDiff(old.path, old.before or before, old.after or after)
        else:
            merged[top] = len(out)
            out.append(FieldDiff(format_path(top) if top else "(object)", before, after))
    return out
