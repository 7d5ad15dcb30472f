"""Plans and apply results as the Python API hands them out: read-only views over the
planner's values that render themselves in a notebook.

What a view shows is built from ``gp plan --format json``'s data (gp/render/json.py), which is
already masked: a sensitive value never reaches a ``Change``, a summary or a picture.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gp import operations
from gp.errors import PlanError

if TYPE_CHECKING:
    # Imported where used: a plan printed as text never loads the JSON, HTML or plan-file code.
    from gp.planner import plan as planned
    from gp.planner.applied import ApplyReport

__all__ = ["ApplyResult", "Change", "FieldChange", "Plan"]


@dataclass(frozen=True)
class FieldChange:
    """One changed field: its path as Argo names it, its value before and after (masked)."""

    path: str
    before: Any
    after: Any


@dataclass(frozen=True)
class Change:
    """What the plan does to one object.

    ``action`` is "create", "update", "delete", "replace" or "no-op"; ``fields`` the changed
    fields of an update; ``before`` and ``after`` the whole object (None when absent).
    Sensitive values read "(sensitive value)" everywhere.
    """

    address: str
    action: str
    kind: str
    namespace: str | None
    name: str
    reason: str | None
    fields: tuple[FieldChange, ...]
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None

    @classmethod
    def _from_json(cls, item: Mapping[str, Any], action: str) -> Change:
        change = item["change"]
        return cls(
            address=item["address"],
            action=action,
            kind=item["kind"],
            namespace=item["namespace"],
            name=item["name"],
            reason=item.get("action_reason"),
            fields=tuple(FieldChange(f["path"], f["before"], f["after"]) for f in change["fields"]),
            before=change["before"],
            after=change["after"],
        )


class Plan:
    """A plan: what apply would do, made by ``Stack.plan`` or read by ``Plan.load``.

    Apply it with ``Stack.apply(plan)``; a plan whose objects changed since is refused as stale,
    as `gp apply PLANFILE` refuses it.
    """

    def __init__(self, raw: planned.PlanData, sensitive: Iterable[str] = ()) -> None:
        self._raw = raw
        # The texts of the module's sensitive values, for masking free text; a plan read from
        # a file has only its own record of them.
        self._sensitive = frozenset(sensitive)

    @functools.cached_property
    def _data(self) -> dict[str, Any]:
        from gp.render.json import plan_json

        return plan_json(self._raw, self._sensitive)

    @property
    def raw(self) -> planned.PlanData:
        """The planner's value (gp.planner.plan.PlanData), as apply and the renderers take it."""
        return self._raw

    @property
    def sensitive(self) -> frozenset[str]:
        """The texts of sensitive values masked in free text (the module's, for a plan made here)."""
        return self._sensitive

    @property
    def stack(self) -> str:
        """The name of the stack the plan was made for."""
        return self._raw.stack

    @property
    def environment(self) -> str | None:
        """The environment the plan was made for (None: the module has none)."""
        return self._raw.environment

    @property
    def mode(self) -> str:
        """ "normal", "destroy" or "refresh-only"."""
        return self._raw.mode.value

    @property
    def summary(self) -> dict[str, int]:
        """{"add": n, "change": n, "destroy": n}; a replacement adds one and destroys one."""
        return dict(self._data["summary"])

    @property
    def changes(self) -> list[Change]:
        """Every object the plan read, no-ops included, in plan order."""
        return [
            Change._from_json(item, c.action.value)
            for item, c in zip(self._data["resource_changes"], self._raw.changes)
        ]

    @property
    def drift(self) -> list[Change]:
        """Objects changed outside gp since it applied them (action "update", or "delete"
        when deleted)."""
        return [
            Change._from_json(item, item["change"]["actions"][0])
            for item in self._data["resource_drift"]
        ]

    @property
    def errors(self) -> list[str]:
        """Why the plan cannot be applied; empty when it can."""
        return list(self._data["errors"])

    @property
    def applyable(self) -> bool:
        """Whether applying it writes anything: a change, or (with no change) the git commit
        the stack's record names brought up to date."""
        return self._raw.applyable

    @property
    def has_changes(self) -> bool:
        """Whether applying would change anything (drift, in refresh-only mode)."""
        return self._raw.has_changes

    def raise_for_errors(self) -> None:
        """Raise gp.DiagnosticsError, each error at its object's block, when planning failed."""
        from gp.planner.make import raise_for_errors

        raise_for_errors(self._raw)

    def to_json(self) -> str:
        """The plan file's text (what ``save`` writes, what ``load`` and `gp apply` read)."""
        from gp.planner.serialize import save_plan

        return save_plan(self._raw)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the plan file, to apply exactly this plan later (here or with `gp apply`)."""
        target = Path(path)
        try:
            target.write_text(self.to_json(), encoding="utf-8")
        except OSError as exc:
            raise PlanError(f"{target}: cannot write the plan: {exc.strerror or exc}") from exc
        return target

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Plan:
        """A plan saved by ``save`` or `gp plan --out`; raises gp.PlanError naming the file."""
        if not isinstance(path, (str, os.PathLike)):
            raise PlanError(f"a plan file's path is a str or os.PathLike, not {path!r}")
        return cls(operations.read_plan_file(Path(path)))

    def render(self, fmt: str = "text", *, verbose: bool = False, color: bool = False) -> str:
        """The plan as `gp plan --format FMT` prints it: "text" (with the terminal's colour
        escapes when ``color``), "json", "markdown" (a pull-request comment) or "html"."""
        from gp.render.formats import renderer, to_string

        drawn = renderer(fmt).plan(self._raw, self._sensitive, verbose)
        return to_string(drawn, color=color)

    def text(self, verbose: bool = False) -> str:
        """The plan as `gp plan` prints it, without colours."""
        return self.render("text", verbose=verbose)

    def markdown(self, verbose: bool = False) -> str:
        """The plan as `gp plan --format markdown` prints it (a pull-request comment)."""
        return self.render("markdown", verbose=verbose)

    def to_dict(self) -> dict[str, Any]:
        """The plan as `gp plan --format json` prints it."""
        from gp.render.json import plan_json

        return plan_json(self._raw, self._sensitive)

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        s = self.summary
        return (
            f"<gp.Plan stack={self.stack!r} mode={self.mode} add={s['add']} "
            f"change={s['change']} destroy={s['destroy']}{' errors' if self.errors else ''}>"
        )

    def _repr_html_(self) -> str:
        return self.render("html")

    def _repr_markdown_(self) -> str:
        return self.markdown()


class ApplyResult:
    """What apply did: the addresses applied, failed (with why) and not attempted."""

    def __init__(self, raw: ApplyReport, plan: Plan) -> None:
        self._raw = raw
        self._plan = plan

    @property
    def raw(self) -> ApplyReport:
        """What the provider reported (gp.planner.applied.ApplyReport)."""
        return self._raw

    @property
    def plan(self) -> Plan:
        """The plan that was applied."""
        return self._plan

    @property
    def ok(self) -> bool:
        """True when every change was applied and the stack's lock was held to the end."""
        return self._raw.ok and not self._raw.lock_lost

    @property
    def applied(self) -> list[str]:
        """Addresses written (created, updated or deleted), in order."""
        return [c.address for c in self._raw.applied]

    @property
    def failed(self) -> dict[str, str]:
        """Address -> why it failed (masked)."""
        from gp.redact import mask_text, secrets_of

        secrets = secrets_of(self._plan.raw.secrets, self._plan.sensitive)
        return {c.address: mask_text(reason, secrets) for c, reason in self._raw.failed}

    @property
    def not_attempted(self) -> list[str]:
        """Addresses not written because the run stopped or failed first."""
        return [c.address for c in self._raw.not_attempted]

    @property
    def stopped(self) -> str | None:
        """Why the run stopped starting writes before the end (interrupted, lock lost)."""
        return self._raw.stopped

    @property
    def lock_lost(self) -> str | None:
        """Why the stack's lock was found lost during the run; None while it was held."""
        return self._raw.lock_lost

    def render(self, fmt: str = "text", *, color: bool = False) -> str:
        """The report as `gp apply` prints it ("text", with colour escapes when ``color``), or
        as "json", "markdown" or "html"."""
        from gp.render.formats import renderer, to_string

        drawn = renderer(fmt).applied(self._raw, self._plan.raw, self._plan.sensitive)
        return to_string(drawn, color=color)

    def text(self) -> str:
        """The report as `gp apply` prints it."""
        return self.render("text")

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        return (
            f"<gp.ApplyResult ok={self.ok} applied={len(self.applied)} "
            f"failed={len(self.failed)} not_attempted={len(self.not_attempted)}>"
        )

    def _repr_html_(self) -> str:
        return self.render("html")

    def _repr_markdown_(self) -> str:
        return "```\n" + self.text() + "```\n"
