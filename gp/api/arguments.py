"""The public API's arguments, checked where they come in: a wrong type or value is a GPError
naming the argument and what it takes, before anything is read or sent. Python's own errors
would be a TypeError from deep inside, or worse, no error: a string where a list of paths goes
is a list of its characters, a negative limit a slice.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from typing import Any

from gp.errors import GPError, PlanError
from gp.planner.targets import address_problem

__all__ = [
    "flag",
    "limit",
    "mapping",
    "optional_text",
    "path",
    "positive",
    "seconds",
    "strings_of",
    "targets",
    "text",
    "var_args",
]


def _kind(value: object) -> str:
    return type(value).__name__


def path(name: str, value: object) -> str | os.PathLike[str]:
    if not isinstance(value, (str, os.PathLike)):
        raise GPError(f"{name} is a path (a str or os.PathLike), not {_kind(value)}")
    return value


def text(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise GPError(f"{name} is a string, not {_kind(value)} ({value!r})")
    return value


def optional_text(name: str, value: object) -> str | None:
    return None if value is None else text(name, value)


def flag(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise GPError(f"{name} is True or False, not {value!r}")
    return value


def seconds(name: str, value: object) -> float:
    """A duration in seconds: a number of zero or more (not "2m")."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
        raise GPError(f"{name} is a number of seconds (0 or more), not {value!r}")
    return float(value)


def positive(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise GPError(f"{name} is a whole number of 1 or more, not {value!r}")
    return value


def limit(name: str, value: object) -> int | None:
    return None if value is None else positive(name, value)


def mapping(name: str, value: object) -> Mapping[str, Any]:
    """A mapping whose keys are names (strings); None is an empty one."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise GPError(f"{name} is a mapping of names to values, not {_kind(value)}")
    for key in value:
        if not isinstance(key, str):
            raise GPError(f"{name}: each name is a string, not {key!r}")
    return value


def strings_of(name: str, value: object) -> Mapping[str, str]:
    """A mapping of strings to strings (an environment, annotations)."""
    found = mapping(name, value)
    for key, item in found.items():
        if not isinstance(item, str):
            raise GPError(f"{name} maps strings to strings; {key!r} is {_kind(item)}")
    return found


def _list_of(name: str, value: object, each: str) -> Sequence[Any]:
    if isinstance(value, (str, bytes, os.PathLike)) or not isinstance(value, Sequence):
        raise GPError(
            f"{name} is a list of {each}, not {_kind(value)}: write {name}=[{value!r}]"
            if isinstance(value, (str, os.PathLike))
            else f"{name} is a list of {each}, not {_kind(value)}"
        )
    return value


def var_args(vars: object, var_files: object) -> tuple[tuple[str, str], ...]:
    """As the command line gives them: files first, then values (which win). A value that is
    not a string is written as its HCL (JSON) literal: 3, true, ["a"], {"k" = "v"}."""
    files = [path("var_files", f) for f in _list_of("var_files", var_files, "paths")]
    out = [("var-file", os.fspath(f)) for f in files]
    for key, value in mapping("vars", vars).items():
        try:
            literal = value if isinstance(value, str) else json.dumps(value)
        except (TypeError, ValueError) as exc:
            raise GPError(f"vars: {key}'s value cannot be written as HCL ({exc})") from None
        out.append(("var", f"{key}={literal}"))
    return tuple(out)


def targets(target: object, many: object) -> tuple[str, ...]:
    """``target`` and ``targets`` as addresses, each well formed."""
    chosen = tuple(text("targets", t) for t in _list_of("targets", many, "addresses")) + (
        (text("target", target),) if target is not None else ()
    )
    for address in chosen:
        problem = address_problem(address)
        if problem:
            raise PlanError(f"target {address}: {problem}")
    return chosen
