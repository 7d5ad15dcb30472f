"""The plan is a value: frozen dataclasses that can be saved, loaded, rendered and applied."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from gp.compile.objects import CompiledObject, ObjectRef
from gp.errors import PlanError

# 1.1: changes carry their DAG summary (``ResourceChange.dag``); 1.0 files load without one.
FORMAT_VERSION = "1.1"


class Action(str, Enum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    REPLACE = "replace"  # a new name or namespace: create the new object, then delete the old
    NOOP = "no-op"


class Mode(str, Enum):
    NORMAL = "normal"
    DESTROY = "destroy"
    REFRESH_ONLY = "refresh-only"

    @classmethod
    def of(cls, *, destroy: bool = False, refresh_only: bool = False) -> Mode:
        """The mode the flags (`--destroy`, `--refresh-only`) or keywords ask for."""
        if destroy and refresh_only:
            raise PlanError("destroy and refresh_only cannot be combined")
        return cls.DESTROY if destroy else cls.REFRESH_ONLY if refresh_only else cls.NORMAL


@dataclass(frozen=True)
class Target:
    """Where a plan reads and apply writes; a saved plan is refused on any other target."""

    provider: str  # "kubernetes" or "directory"
    namespace: str
    server: str | None = None  # cluster API URL, or the directory's absolute path


@dataclass(frozen=True)
class LiveObject:
    ref: ObjectRef
    manifest: dict[str, Any]
    resource_version: str | None
    # The address annotation gp wrote, and whether the object carries this stack's label.
    address: str | None = None
    owned: bool = False
    # Fields of `spec` that others set by ordinary edits (kubectl edit/patch, the Argo UI: field
    # managers whose operation is Update), as a skeleton: nested dicts of field names (list
    # items by name) with None at the leaves. gp shows them as drift and takes them back.
    foreign: dict[str, Any] | None = None


@dataclass(frozen=True)
class RecordEntry:
    ref: ObjectRef
    # What gp applied last (the manifest it sent), the base for drift detection.
    applied: dict[str, Any]
    # Its sensitive fields (paths as ResourceChange.sensitive_paths), so a later plan that
    # deletes it or finds it changed still masks them.
    sensitive_paths: tuple[str, ...] = ()


@dataclass(frozen=True)
class StackRecord:
    """The stack's inventory, kept in the target (a ConfigMap, or a file in the directory)."""

    stack: str
    entries: dict[str, RecordEntry] = field(default_factory=dict)  # by address
    applied_at: str | None = None
    applied_by: str | None = None


@dataclass(frozen=True)
class LiveState:
    objects: dict[ObjectRef, LiveObject]
    record: StackRecord


@dataclass(frozen=True)
class FieldDiff:
    # Argo's names, name-keyed lists by name: 'spec.templates["sen2cor290"].container.image'
    path: str
    before: Any
    after: Any


@dataclass(frozen=True)
class SchedulePreview:
    """A cron's schedules and zone with its next run times (ISO 8601, in that zone), and what
    the controller does on the zone's next daylight-saving transition when that matters."""

    schedules: tuple[str, ...]
    timezone: str
    next_runs: tuple[str, ...]
    transition: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScheduleChange:
    """Shown on a CronWorkflow whose timing changes: when it ran next before, when it will after."""

    before: SchedulePreview | None  # None on create
    after: SchedulePreview | None  # None on delete


@dataclass(frozen=True)
class DagTask:
    """One task (or step) of a DAG that changes, as a reviewer reads it."""

    name: str  # the name after the change (before, for a removed task)
    status: str  # "added", "removed", "renamed", "changed" or "unchanged"
    reason: str = ""  # one line: what changed and why it matters
    renamed_from: str | None = None


@dataclass(frozen=True)
class DagEdge:
    """``target`` runs after ``source``: ``condition`` is "" for plain success, else ``Failed``,
    ``!Succeeded``, ..., as it reads in a depends expression."""

    source: str
    target: str
    condition: str = ""
    status: str = "unchanged"  # "added", "removed" or "unchanged"


@dataclass(frozen=True)
class DagChange:
    """A template whose DAG (tasks, steps, edges, templates they call) changes: every task and
    edge of before and after together, each with its status, so a renderer can list the
    changes and draw the whole graph."""

    template: str
    status: str  # "added", "removed" or "changed"
    style: str  # "dag" or "steps"
    tasks: tuple[DagTask, ...] = ()
    edges: tuple[DagEdge, ...] = ()


# Why an object gets its action (Terraform's vocabulary, so tools reading the JSON know it).
REASON_NO_CONFIG = "delete_because_no_resource_config"
REASON_DESTROY = "delete_because_destroy_mode"
REASON_IDENTITY = "replace_because_identity_changed"


@dataclass(frozen=True)
class ResourceChange:
    address: str
    ref: ObjectRef
    action: Action
    reason: str | None
    before: dict[str, Any] | None
    # What apply sends: the compiled manifest, with ignore_changes paths kept at their live values.
    after: dict[str, Any] | None
    resource_version: str | None  # of the live object read, None when there was none
    fields: tuple[FieldDiff, ...] = ()
    # On replace: the live object that is deleted once ``ref`` is created (gp/providers/replacing.py).
    prior_ref: ObjectRef | None = None
    schedule: ScheduleChange | None = None
    # Fields others set by ordinary edits that gp's configuration does not set: server-side
    # apply leaves another manager's fields alone, so apply removes these explicitly.
    remove: tuple[str, ...] = ()
    # Paths (as in FieldChange.path) of the fields that hold sensitive values, in before and
    # after alike: renderers show "(sensitive value)" for them and for everything under them.
    sensitive_paths: tuple[str, ...] = ()
    # The templates whose DAG changes, computed once here so every renderer shows the same.
    dag: tuple[DagChange, ...] = ()


@dataclass(frozen=True)
class Drift:
    address: str
    ref: ObjectRef
    before: dict[str, Any] | None  # what gp last applied
    after: dict[str, Any] | None  # what the target holds now (None: deleted outside gp)
    fields: tuple[FieldDiff, ...] = ()
    sensitive_paths: tuple[str, ...] = ()  # as ResourceChange.sensitive_paths


@dataclass(frozen=True)
class CronUse:
    """A live CronWorkflow that runs a template."""

    namespace: str
    name: str
    stack: str | None  # the gp stack that owns it, None when none does
    address: str | None
    suspended: bool = False


@dataclass(frozen=True)
class RunImpact:
    """Runs of a template the plan changes or deletes: those in progress keep the spec they
    started with; the crons keep referring to it by name."""

    address: str
    running: tuple[str, ...] = ()  # names of runs in progress
    crons: tuple[CronUse, ...] = ()
    # The controller's workflowRestrictions.templateReferencing: "Strict", "Secure", "" (not
    # set), None when gp could not read workflow-controller-configmap. Under Secure a run in
    # progress errors once its template changes (argo #13850).
    referencing: str | None = ""


@dataclass(frozen=True)
class PlanData:
    stack: str
    target: Target
    mode: Mode
    changes: tuple[ResourceChange, ...]
    drift: tuple[Drift, ...] = ()
    inputs_hash: str = ""
    errors: tuple[str, ...] = ()  # non-empty: the plan must not be applied
    format_version: str = FORMAT_VERSION
    # The compiled objects the plan was made from (a saved plan carries them to apply).
    objects: tuple[CompiledObject, ...] = ()
    # Every object the plan read or expected to be absent, with its resourceVersion (None:
    # absent); a saved plan is stale when any of them differs at apply time.
    read: tuple[tuple[ObjectRef, str | None], ...] = ()
    targets: tuple[str, ...] = ()  # the --target addresses the plan was limited to
    # The texts of sensitive values (Module.sensitive_values), for masking free text: errors
    # and server messages. Fields are masked by their paths (ResourceChange.sensitive_paths).
    secrets: frozenset[str] = frozenset()
    created_at: str | None = None  # ISO 8601, from the ``now`` the planner was given
    # Runs in progress and crons of the templates that change (gp/runs/awareness.py).
    runs: tuple[RunImpact, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def applyable(self) -> bool:
        if self.errors:
            return False
        if self.mode is Mode.REFRESH_ONLY:
            # Applying a refresh-only plan only rewrites the record to what the target holds.
            return bool(self.drift)
        return any(c.action is not Action.NOOP for c in self.changes)

    @property
    def has_changes(self) -> bool:
        """Whether anything would change (drift in refresh-only mode), for --detailed-exitcode."""
        if self.mode is Mode.REFRESH_ONLY:
            return bool(self.drift)
        return any(c.action is not Action.NOOP for c in self.changes)
