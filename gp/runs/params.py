"""Run parameters: what the template declares, what the user gave, and whether they fit.

Checked before anything is sent, so a typo never becomes a failed run on the cluster. Problems
are gp.RunRefused, in the Python API's words; the CLI and the UI say them in theirs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from gp.errors import Refusal, RunError, RunRefused
from gp.suggest import did_you_mean


@dataclass(frozen=True)
class Declared:
    """A workflow-level parameter of the template (``spec.arguments.parameters``)."""

    name: str
    value: str | None = None  # the default the template gives, if any
    enum: tuple[str, ...] = ()
    has_source: bool = False  # valueFrom: the value comes from elsewhere
    description: str | None = None

    @property
    def required(self) -> bool:
        return self.value is None and not self.has_source


def declared_parameters(spec: Mapping[str, Any]) -> tuple[Declared, ...]:
    out = []
    for p in (spec.get("arguments") or {}).get("parameters") or []:
        value = p.get("value", p.get("default"))
        out.append(
            Declared(
                name=str(p.get("name")),
                value=None if value is None else str(value),
                enum=tuple(str(e) for e in p.get("enum") or ()),
                has_source=bool(p.get("valueFrom")),
                description=p.get("description"),
            )
        )
    return tuple(out)


def overlay(base: Sequence[Declared], values: Mapping[str, str]) -> tuple[Declared, ...]:
    """``base`` with the values a CronWorkflow's arguments give (they make a parameter optional)."""
    return tuple(
        Declared(d.name, values[d.name], d.enum, d.has_source, d.description)
        if d.name in values
        else d
        for d in base
    ) + tuple(Declared(n, v) for n, v in values.items() if n not in {d.name for d in base})


def parse_assignments(items: Iterable[str]) -> dict[str, str]:
    """``-p NAME=VALUE`` values, in order (a later one wins)."""
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise RunError(f"-p {item!r}: expected NAME=VALUE")
        out[name.strip()] = value
    return out


def read_param_file(path: Path) -> dict[str, str]:
    """A YAML or JSON mapping of names to values, as `argo submit --parameter-file` reads."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RunError(f"{path}: cannot read the parameter file: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise RunError(f"{path}: the parameter file is not YAML or JSON: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise RunError(f"{path}: the parameter file must map parameter names to values")
    return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}


def check(declared: Sequence[Declared], given: Mapping[str, str], what: str) -> dict[str, str]:
    """The run's arguments: declared defaults with ``given`` on top. Every problem is reported
    at once; nothing is returned (and so nothing submitted) when there is one."""
    known = {d.name: d for d in declared}
    problems: list[Refusal] = []
    for name in given:
        if name not in known:
            hint = did_you_mean(name, known)
            names = ", ".join(known) or "none"
            problems.append(
                Refusal(f'{what} has no parameter "{name}"{hint} (it declares: {names})')
            )
    for d in declared:
        value = given.get(d.name, d.value)
        if value is None and d.required:
            problems.append(Refusal(f'{what} needs the parameter "{d.name}"', "parameter", d.name))
        elif value is not None and d.enum and value not in d.enum:
            allowed = ", ".join(d.enum)
            problems.append(
                Refusal(f'parameter "{d.name}" is {value!r}, not one of its values: {allowed}')
            )
    if problems:
        raise RunRefused(problems)
    return {d.name: given[d.name] for d in declared if d.name in given}
