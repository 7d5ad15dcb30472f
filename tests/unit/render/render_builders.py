"""Hand-made plans for renderer tests (renderers are tested without the planner)."""

from __future__ import annotations

import copy
from typing import Any

from gp.compile.objects import API_VERSION, ObjectRef
from gp.planner.plan import (
    REASON_IDENTITY,
    REASON_NO_CONFIG,
    Action,
    Drift,
    FieldDiff,
    Mode,
    PlanData,
    ResourceChange,
    ScheduleChange,
    SchedulePreview,
    Target,
)

TARGET = Target("kubernetes", "pipeline", "https://kube.example:6443")


def ref(kind: str, name: str, ns: str | None = "pipeline") -> ObjectRef:
    return ObjectRef(API_VERSION, kind, ns, name)


def manifest(kind: str, name: str, spec: dict[str, Any]) -> dict[str, Any]:
    meta = {"name": name, "namespace": "pipeline"}
    return {"apiVersion": API_VERSION, "kind": kind, "metadata": meta, "spec": copy.deepcopy(spec)}


TEMPLATE_SPEC = {
    "entrypoint": "main",
    "templates": [{"name": "main", "container": {"image": "geo/sen2cor:2.10.0", "args": ["run"]}}],
}


def create_cron() -> ResourceChange:
    m = manifest("CronWorkflow", "nightly", {"schedules": ["0 2 * * *"], "timezone": "UTC"})
    runs = ("2024-06-02T02:00:00+00:00", "2024-06-03T02:00:00+00:00", "2024-06-04T02:00:00+00:00")
    preview = ScheduleChange(None, SchedulePreview(("0 2 * * *",), "UTC", runs))
    return ResourceChange(
        "cron_workflow.nightly",
        ref("CronWorkflow", "nightly"),
        Action.CREATE,
        None,
        None,
        m,
        None,
        schedule=preview,
    )


def update_template(image_before: str = "geo/sen2cor:2.9.0") -> ResourceChange:
    after = manifest("WorkflowTemplate", "sen2cor", TEMPLATE_SPEC)
    fields = (
        FieldDiff('spec.templates["main"].container.image', image_before, "geo/sen2cor:2.10.0"),
    )
    return ResourceChange(
        "workflow_template.sen2cor",
        ref("WorkflowTemplate", "sen2cor"),
        Action.UPDATE,
        None,
        after,
        after,
        "12",
        fields,
    )


def delete_template() -> ResourceChange:
    before = manifest("WorkflowTemplate", "old", {"entrypoint": "main"})
    return ResourceChange(
        "workflow_template.old",
        ref("WorkflowTemplate", "old"),
        Action.DELETE,
        REASON_NO_CONFIG,
        before,
        None,
        "7",
    )


def replace_template() -> ResourceChange:
    after = manifest("WorkflowTemplate", "tile-v2", {"entrypoint": "main"})
    before = manifest("WorkflowTemplate", "tile", {"entrypoint": "main"})
    return ResourceChange(
        "workflow_template.tile",
        ref("WorkflowTemplate", "tile-v2"),
        Action.REPLACE,
        REASON_IDENTITY,
        before,
        after,
        "3",
        (FieldDiff("metadata.name", "tile", "tile-v2"),),
        prior_ref=ref("WorkflowTemplate", "tile"),
    )


def noop_template() -> ResourceChange:
    m = manifest("WorkflowTemplate", "same", {"entrypoint": "main"})
    return ResourceChange(
        "workflow_template.same", ref("WorkflowTemplate", "same"), Action.NOOP, None, m, m, "1"
    )


def drift() -> Drift:
    before = manifest("CronWorkflow", "hourly", {"suspend": False})
    after = manifest("CronWorkflow", "hourly", {"suspend": True})
    return Drift(
        "cron_workflow.hourly",
        ref("CronWorkflow", "hourly"),
        before,
        after,
        (FieldDiff("spec.suspend", False, True),),
    )


def make(changes=(), drifts=(), mode: Mode = Mode.NORMAL, **kw: Any) -> PlanData:
    return PlanData(
        stack="geo", target=TARGET, mode=mode, changes=tuple(changes), drift=tuple(drifts), **kw
    )


def full_plan(**kw: Any) -> PlanData:
    return make(
        [create_cron(), delete_template(), noop_template(), update_template(), replace_template()],
        [drift()],
        **kw,
    )
