"""Small builders for desired objects and live state, so planner tests read as scenarios."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from gp.compile.objects import (
    ADDRESS_ANNOTATION,
    API_VERSION,
    MANAGED_BY_LABEL,
    STACK_LABEL,
    CompiledObject,
    ObjectRef,
)
from gp.config.model import Lifecycle
from gp.errors import SourcePos
from gp.planner.make import make_plan
from gp.planner.plan import LiveObject, LiveState, Target
from gp.planner.stack_record import RecordEntry, StackRecord

NS = "pipeline"
STACK = "geo"
TARGET = Target("kubernetes", NS, "https://kube.example:6443")
NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def marks(address: str, stack: str = STACK) -> dict[str, Any]:
    return {
        "labels": {MANAGED_BY_LABEL: "gp", STACK_LABEL: stack},
        "annotations": {ADDRESS_ANNOTATION: address},
    }


def obj(
    kind: str,
    name: str,
    spec: dict[str, Any],
    *,
    address: str | None = None,
    namespace: str | None = NS,
    lifecycle: Lifecycle = Lifecycle(),
    depends_on: tuple[str, ...] = (),
) -> CompiledObject:
    block = {"WorkflowTemplate": "workflow_template", "CronWorkflow": "cron_workflow"}.get(
        kind, "cluster_workflow_template"
    )
    address = address or f"{block}.{name}"
    meta = {"name": name, **marks(address)}
    if namespace:
        meta["namespace"] = namespace
    manifest = {"apiVersion": API_VERSION, "kind": kind, "metadata": meta, "spec": spec}
    return CompiledObject(
        address,
        ObjectRef(API_VERSION, kind, namespace, name),
        manifest,
        lifecycle,
        SourcePos("main.gp.hcl", 3, 1),
        depends_on,
    )


def container_spec(image: str = "geo/sen2cor:2.9.0", **extra: Any) -> dict[str, Any]:
    return {
        "entrypoint": "main",
        "templates": [
            {"name": "main", "dag": {"tasks": [{"name": "run", "template": "sen2cor290"}]}},
            {"name": "sen2cor290", "container": {"image": image, "args": ["a", "b"]}, **extra},
        ],
    }


def wt(name: str = "sen2cor", image: str = "geo/sen2cor:2.9.0", **kw: Any) -> CompiledObject:
    return obj("WorkflowTemplate", name, container_spec(image), **kw)


def cron(
    name: str = "nightly", schedules: list[str] | None = None, timezone: str = "", **kw: Any
) -> CompiledObject:
    spec: dict[str, Any] = {
        "schedules": schedules or ["0 2 * * *"],
        "workflowSpec": {"workflowTemplateRef": {"name": "sen2cor"}},
    }
    if timezone:
        spec["timezone"] = timezone
    return obj("CronWorkflow", name, spec, **kw)


def live_of(
    o: CompiledObject, *, rv: str = "100", owned: bool = True, manifest: dict | None = None
) -> LiveObject:
    m = copy.deepcopy(manifest if manifest is not None else o.manifest)
    return LiveObject(o.ref, m, rv, o.address if owned else None, owned)


def state(*live: LiveObject, record: tuple[CompiledObject, ...] = ()) -> LiveState:
    entries = {o.address: RecordEntry(o.ref, copy.deepcopy(o.manifest)) for o in record}
    return LiveState({lo.ref: lo for lo in live}, StackRecord(STACK, entries))


def deployed(*objs: CompiledObject) -> LiveState:
    """The state right after gp applied ``objs``: live as sent, recorded as applied."""
    return state(*(live_of(o) for o in objs), record=objs)


def plan(desired: list[CompiledObject], live: LiveState, **kw: Any):
    kw.setdefault("now", NOW)
    return make_plan(desired, live, stack=STACK, target=TARGET, **kw)


def edit(o: CompiledObject, fn) -> dict[str, Any]:
    """A copy of ``o``'s manifest changed by ``fn`` (which edits it in place)."""
    m = copy.deepcopy(o.manifest)
    fn(m)
    return m
