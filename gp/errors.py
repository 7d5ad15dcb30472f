"""The one error hierarchy of gp.

Every stage raises a subclass of ``GPError``. The CLI is the only place that turns them into
text (``Error: file:line:col: message``) and exit codes; nothing else formats errors for people.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class SourcePos:
    """A position in a source file; line and column are 1-based, as editors show them."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in the user's input. ``summary`` never holds a sensitive value."""

    message: str
    pos: SourcePos | None = None
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        return f"{self.pos}: {self.message}" if self.pos else self.message

    @property
    def file(self) -> str | None:
        """The file, or None when the problem has no position."""
        return self.pos.file if self.pos else None

    @property
    def line(self) -> int | None:
        """The 1-based line, or None."""
        return self.pos.line if self.pos else None

    @property
    def column(self) -> int | None:
        """The 1-based column, or None."""
        return self.pos.col if self.pos else None

    def to_dict(self) -> dict[str, object]:
        """As `gp validate --json` lists it."""
        d: dict[str, object] = {"severity": self.severity, "message": self.message}
        if self.pos:
            d["file"], d["line"], d["column"] = self.pos.file, self.pos.line, self.pos.col
        return d


class GPError(Exception):
    """Base of every error gp reports to a user. Carries one or more diagnostics."""

    def __init__(self, message: str, pos: SourcePos | None = None):
        super().__init__(message)
        self.message = message
        self.pos = pos

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [Diagnostic(self.message, self.pos)]

    def __str__(self) -> str:
        return f"{self.pos}: {self.message}" if self.pos else self.message


class DiagnosticsError(GPError):
    """Several problems reported at once (``gp validate`` lists every error, not just the first)."""

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self._diagnostics = sorted(
            diagnostics, key=lambda d: (d.pos is None, d.pos or SourcePos("", 0, 0), d.message)
        )
        first = self._diagnostics[0] if self._diagnostics else Diagnostic("invalid configuration")
        super().__init__(first.message, first.pos)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return list(self._diagnostics)

    def __str__(self) -> str:
        return "\n".join(str(d) for d in self._diagnostics)


class ConfigError(GPError):
    """HCL that cannot be parsed or evaluated: syntax, references, types, variables."""


class EnvironmentRequired(ConfigError):
    """The module declares environments and none was chosen (nor is one the default)."""

    def __init__(self, names: list[str], pos: SourcePos | None = None) -> None:
        super().__init__(
            f"this module declares the environments {', '.join(names)}: choose one with "
            "--env NAME (or GP_ENV, or env= in the Python API), or mark one default = true",
            pos,
        )
        self.names = names


class CompileError(GPError):
    """A module that evaluates but does not make valid Argo objects."""


class SimulationError(GPError):
    """A pipeline the simulator cannot run as asked: a task input it lacks, a run that never ends."""


class NotModelledError(SimulationError):
    """An Argo construct the simulator does not model; a test using it fails saying so."""


class PlanError(GPError):
    """A plan that cannot be made or must not be applied (prevent_destroy, unmanaged objects)."""


class StalePlanError(PlanError):
    """A saved plan whose live objects or target changed since it was made."""


class ProviderError(GPError):
    """Reading or writing the target failed. ``advice`` says what to do when running gp again
    would fail the same way (a field conflict, an object too large, a missing CRD)."""

    def __init__(self, message: str, pos: SourcePos | None = None, *, advice: str | None = None):
        super().__init__(message, pos)
        self.advice = advice


class UnreachableError(ProviderError):
    """The cluster (or directory) cannot be reached at all."""


class ConflictError(ProviderError):
    """Another field manager owns fields gp wants to set, or the object is not gp's."""


class LockError(ProviderError):
    """The stack's lock is held by someone else (names the holder and the lock id)."""


class RunError(GPError):
    """A run that cannot be submitted, stopped or resubmitted as asked (parameters, drift, a
    pipeline or task not declared, a run already ended, a run of another stack), a run not
    found, or a wait that timed out."""


class RunNotFoundError(RunError):
    """No run of that name where it was looked for."""


@dataclass(frozen=True)
class Refusal:
    """One reason a run was refused: ``text``, then what to do, in the words of whoever
    asked (``kind`` picks the hint: "parameter" for a missing ``name``, "drift")."""

    text: str
    kind: str = ""
    name: str = ""


# What to do, as the Python API says it; the CLI and the UI pass their own (``RunRefused.say``).
API_WORDS: Mapping[str, str] = {
    "parameter": "pass {name}=VALUE",
    "drift": "apply first (Stack.plan shows how it differs), or pass allow_drift=True to run "
    "the live version anyway",
}


class RunRefused(RunError):
    """A run refused before anything was sent: parameters that do not fit the template, or a
    live template that differs from the module. Each reason is a diagnostic."""

    def __init__(self, reasons: Sequence[Refusal], words: Mapping[str, str] = API_WORDS):
        self.reasons = tuple(reasons)
        self.words = words
        self.lines = [self._line(r) for r in self.reasons]
        super().__init__("\n".join(self.lines))

    def _line(self, r: Refusal) -> str:
        hint = self.words.get(r.kind, "").format(name=r.name) if r.kind else ""
        return f"{r.text}: {hint}" if hint else r.text

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [Diagnostic(line) for line in self.lines]

    def say(self, words: Mapping[str, str]) -> RunRefused:
        """The same refusal in other words (the CLI's flags, the UI's fields)."""
        return RunRefused(self.reasons, words)


class ApplyError(ProviderError):
    """Some writes failed. ``result`` tells what was applied, what failed and what was not tried."""

    def __init__(self, message: str, result: object = None):
        super().__init__(message)
        self.result = result
