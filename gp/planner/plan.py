"""The plan is a value: frozen dataclasses that can be saved, loaded, rendered and applied."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from gp.compile.objects import ADDRESS_ANNOTATION, CompiledObject, ObjectRef
from gp.errors import PlanError
from gp.planner.stack_record import Override, StackRecord

# 1.1: changes carry their DAG summary (``ResourceChange.dag``); 1.0 files load without one.
# 1.2: moves, forgets and record fixes, the environment and the commit a plan was made from;
# 1.0 and 1.1 files load without them.
FORMAT_VERSION = "1.2"


class Action(str, Enum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    REPLACE = "replace"  # a new name or namespace: create the new object, then delete the old
    NOOP = "no-op"
    # A `removed` block with `destroy = false` (or `gp state rm`): the object stays where it is,
    # without gp's ownership marks, and leaves the record (Terraform's "forget").
    FORGET = "forget"


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


# The field diff of an object's address mark (planner/paths.py's form).
ADDRESS_FIELD = f'metadata.annotations["{ADDRESS_ANNOTATION}"]'


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
    # gp's own field manager last wrote the spec (managedFields), after the record was saved:
    # a difference from the record is an interrupted apply's write, not drift.
    interrupted_write: bool = False


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
# gp's own: a `removed` block (destroy = true) names the object's destroy.
REASON_REMOVED = "delete_because_removed_block"


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
    # The address the object had before (a `moved` block, a renamed label, a move into a
    # module, `gp state mv`): apply writes the new address onto the object and the record.
    moved_from: str | None = None
    # The `removed` block ("FILE:LINE") that asks for a delete or a forget.
    removed_by: str | None = None

    @property
    def acts(self) -> bool:
        """Whether applying it does anything: writes, or moves the object in the record."""
        return self.action is not Action.NOOP or self.moved_from is not None

    @property
    def only_moves(self) -> bool:
        """A move that changes nothing but the address mark: shown as "has moved to"."""
        return (
            self.moved_from is not None
            and self.action in (Action.UPDATE, Action.NOOP)
            and all(f.path == ADDRESS_FIELD for f in self.fields)
        )


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
    # When it fires next (ISO 8601, in its zone), from the plan's ``now``; None when suspended
    # or when its schedule cannot be read.
    next_run: str | None = None


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
class RecordFix:
    """An object a record written by an earlier gp lists under several addresses: apply keeps
    it once, under ``kept``."""

    ref: ObjectRef
    kept: str
    dropped: tuple[str, ...]


@dataclass(frozen=True)
class Promotion:
    """A plan of an environment made from the commit last applied to the one it promotes from
    (`gp promote`)."""

    source: str  # the environment promoted from ("dev")
    commit: str  # the commit last applied to it, which this plan was made from
    since: str | None = None  # the commit last applied here (None: never, or unknown)
    # Each commit of since..commit, newest first: (short hash, subject).
    commits: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class TestsOutcome:
    """How the module's `gp test` tests fare on the code the plan applies (the simulator's
    verdict): a change of behaviour, not only of text."""

    __test__ = False  # not a pytest class, whatever its name

    total: int
    failed: int
    # 'test "B fails" (diamond.gptest.hcl:14): task "D": expected Omitted, got Succeeded'
    first_failure: str = ""

    def summary(self) -> str:
        """'6 tests: 6 fail on this change', '6 tests: all pass on this change'."""
        if not self.total:
            return self.first_failure or "no tests"
        n = f"{self.total} test{'s' if self.total != 1 else ''}"
        if not self.failed:
            return f"{n}: {'all pass' if self.total > 1 else 'it passes'} on this change"
        return f"{n}: {self.failed} fail{'s' if self.failed == 1 else ''} on this change"


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
    # Duplicates in a record an earlier gp wrote, which this plan's apply removes.
    record_fixes: tuple[RecordFix, ...] = ()
    # The environment (None: the module has none), and the git commit the module was at.
    environment: str | None = None
    commit: str | None = None
    dirty: bool = False
    promotion: Promotion | None = None
    # The commit the record named when the plan was read (what `restamps` compares).
    record_commit: str | None = None
    record_dirty: bool = False
    # The overrides that hold after this plan (the record's, less those the module now
    # supersedes or whose objects go); apply records them.
    overrides: tuple[Override, ...] = ()
    # What a reviewer should know that is not a change: an override kept, or one that ends.
    notes: tuple[str, ...] = ()
    # The module's tests on the new code, when it has some and the plan changes a pipeline.
    tests: TestsOutcome | None = None
    # Objects an interrupted apply wrote (gp's field manager, after the record was saved):
    # before is the record's, after the live object. Not drift: the next apply records them.
    interrupted: tuple[Drift, ...] = ()

    @property
    def applyable(self) -> bool:
        if self.errors:
            return False
        if self.mode is Mode.REFRESH_ONLY and self.interrupted:
            return True  # it rewrites the record to what the target holds
        return self.has_changes or self.restamps

    @property
    def restamps(self) -> bool:
        """Whether applying would bring the record's commit up to date. Not a change (a commit
        that changes no object leaves --detailed-exitcode at 0), but `gp apply` records it, so
        that `gp envs` and `gp promote` know what each environment runs."""
        recorded = (self.record_commit, self.record_dirty)
        return self.commit is not None and (self.commit, self.dirty) != recorded

    @property
    def has_changes(self) -> bool:
        """Whether anything would change (drift in refresh-only mode, or a record fix), for
        --detailed-exitcode. An interrupted apply's writes are a change to the record in a
        normal plan, never drift (a refresh-only drift check stays quiet)."""
        if self.record_fixes:
            return True
        if self.mode is Mode.REFRESH_ONLY:
            # Applying a refresh-only plan only rewrites the record to what the target holds.
            return bool(self.drift)
        return bool(self.interrupted) or any(c.acts for c in self.changes)
