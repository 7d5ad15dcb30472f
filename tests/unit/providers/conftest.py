"""Builders for hand-made plans, so provider tests do not depend on the planner."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from gp.compile.objects import (
    ADDRESS_ANNOTATION,
    API_VERSION,
    MANAGED_BY_LABEL,
    STACK_LABEL,
    CompiledObject,
    ObjectRef,
)
from gp.planner.plan import Action, Mode, PlanData, ResourceChange, Target


def manifest(
    kind: str, name: str, stack: str = "geo", namespace: str | None = "pipeline", **spec: Any
) -> dict:
    address = f"{kind.lower()}.{name}"
    meta: dict[str, Any] = {
        "name": name,
        "labels": {MANAGED_BY_LABEL: "gp", STACK_LABEL: stack},
        "annotations": {ADDRESS_ANNOTATION: address},
    }
    if namespace and kind != "ClusterWorkflowTemplate":
        meta["namespace"] = namespace
    return {"apiVersion": API_VERSION, "kind": kind, "metadata": meta, "spec": spec}


def ref_of(m: dict) -> ObjectRef:
    meta = m["metadata"]
    return ObjectRef(m["apiVersion"], m["kind"], meta.get("namespace"), meta["name"])


def compiled(m: dict) -> CompiledObject:
    return CompiledObject(
        address=m["metadata"]["annotations"][ADDRESS_ANNOTATION], ref=ref_of(m), manifest=m
    )


def change(
    action: Action, before: dict | None, after: dict | None, rv: str | None = None
) -> ResourceChange:
    m = after or before
    assert m is not None
    return ResourceChange(
        address=m["metadata"]["annotations"][ADDRESS_ANNOTATION],
        ref=ref_of(m),
        action=action,
        reason=None,
        before=before,
        after=after,
        resource_version=rv,
    )


def make_plan(
    target: Target, *changes: ResourceChange, stack: str = "geo", mode: Mode = Mode.NORMAL
) -> PlanData:
    return PlanData(stack=stack, target=target, mode=mode, changes=tuple(changes))


class FixedClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime = datetime(2030, 1, 1, tzinfo=UTC)):
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def b() -> SimpleNamespace:
    """The builders above, as ``b.manifest(...)``, ``b.change(...)``, ``b.plan(...)``."""
    return SimpleNamespace(
        manifest=manifest,
        compiled=compiled,
        change=change,
        plan=make_plan,
        ref=ref_of,
        Action=Action,
    )
