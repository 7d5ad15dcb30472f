"""`gp cron backfill`: the runs a cron would have made between two times, reviewed, then
submitted (argo #2706; #9632: after downtime Argo schedules only the latest missed run).

The fire times are the controller's own (robfig/cron in the cron's zone, gp.compile.cron_time).
Each run is the Workflow Argo's controller would have made at that time: named
``<cron>-<unix seconds>`` (cron/operator.go getChildWorkflowName), the cron's workflow spec and
arguments, the annotation ``workflows.argoproj.io/scheduled-time`` and the cron's label, plus
``gp.dev/backfill``. A fire time that already has a run, made by the controller or an earlier
backfill, is skipped: a second backfill of the same window submits nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from gp.compile.cron_time import CronError, fires
from gp.errors import RunError
from gp.runs.actions import RunContext, namespace_of, origin_of, runnable
from gp.runs.model import CRON_LABEL, RunSnapshot, run_from_workflow
from gp.runs.submit import Submission, build_workflow

SCHEDULED_TIME = "workflows.argoproj.io/scheduled-time"
BACKFILL_LABEL = "gp.dev/backfill"
MAX_RUNS = 5000
DONE = ("Succeeded", "Failed", "Error")


@dataclass(frozen=True)
class BackfillRun:
    scheduled: str  # the fire time, ISO 8601 in the cron's zone
    name: str  # the Workflow's name, as the controller would have named it
    exists: bool  # a run of this fire time exists: skipped


@dataclass(frozen=True)
class BackfillPlan:
    address: str
    namespace: str
    cron: str
    timezone: str  # "" when the cron names none (gp reads its times in UTC)
    schedules: tuple[str, ...]
    start: str  # inclusive, ISO 8601
    end: str  # exclusive
    runs: tuple[BackfillRun, ...]

    @property
    def to_submit(self) -> tuple[BackfillRun, ...]:
        return tuple(r for r in self.runs if not r.exists)


def parse_when(text: str, tz: str, what: str) -> datetime:
    """An ISO 8601 time: with its offset, or read in the cron's zone (a date is its midnight)."""
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise RunError(
            f"{what} {text!r} is not an ISO 8601 time such as 2027-03-14T02:00 or "
            "2027-03-14T02:00-04:00"
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=_zone(tz))
    return when


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise RunError(f"the cron's time zone {tz!r} is not an IANA zone") from None


def plan_backfill(ctx: RunContext, address: str, start: str, end: str) -> BackfillPlan:
    """The fire times of ``address`` (a cron) in [start, end) and which of them have a run."""
    obj = runnable(ctx.objects, address)
    if obj.ref.kind != "CronWorkflow":
        raise RunError(f"{address} is a {obj.ref.kind}; backfill is for a cron_workflow")
    ns = namespace_of(ctx, obj)
    live = ctx.engine.get_object("CronWorkflow", ns, obj.ref.name)
    if live is None:
        raise RunError(f"{address} does not exist on the cluster; run gp apply first")
    spec = live.get("spec") or {}
    schedules = tuple(spec.get("schedules") or ([spec["schedule"]] if spec.get("schedule") else []))
    tz = str(spec.get("timezone") or "")
    begin, until = parse_when(start, tz, "--from"), parse_when(end, tz, "--to")
    if until <= begin:
        raise RunError(f"--to {end} is not after --from {start}: the window has no time in it")
    instants: set[datetime] = set()
    for expr in schedules:
        try:
            for when in fires(expr, tz, begin, until):
                instants.add(when.astimezone(UTC))
                if len(instants) > MAX_RUNS:
                    raise RunError(
                        f"the window holds more than {MAX_RUNS} fire times of {address}; "
                        "backfill a shorter one at a time"
                    )
        except CronError as e:
            raise RunError(f"schedule {expr!r} of {address}: {e}") from None
    made = ctx.engine.list_workflows(ns, f"{CRON_LABEL}={obj.ref.name}")
    names = {(w.get("metadata") or {}).get("name") for w in made}
    scheduled = {
        _instant(((w.get("metadata") or {}).get("annotations") or {}).get(SCHEDULED_TIME))
        for w in made
    }
    zone = _zone(tz)
    runs = []
    for when in sorted(instants):
        name = f"{obj.ref.name}-{int(when.timestamp())}"
        runs.append(
            BackfillRun(when.astimezone(zone).isoformat(), name, name in names or when in scheduled)
        )
    return BackfillPlan(
        address, ns, obj.ref.name, tz, schedules, begin.isoformat(), until.isoformat(), tuple(runs)
    )


def _instant(stamp: str | None) -> datetime | None:
    if not stamp:
        return None
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return None


def submit_backfill(
    ctx: RunContext,
    plan: BackfillPlan,
    parallelism: int = 1,
    on_submit: Callable[[RunSnapshot], None] | None = None,
    poll_s: float = 1.0,
) -> list[RunSnapshot]:
    """Submit the plan's runs, at most ``parallelism`` running at once, oldest first."""
    if parallelism < 1:
        raise RunError("--parallelism must be at least 1")
    obj = runnable(ctx.objects, plan.address)
    cron = ctx.engine.get_object("CronWorkflow", plan.namespace, plan.cron)
    if cron is None:
        raise RunError(f"{plan.address} does not exist on the cluster any more")
    origin = origin_of(ctx, obj)
    made: list[RunSnapshot] = []
    running: list[str] = []
    for run in plan.to_submit:
        while len(running) >= parallelism:
            running = [n for n in running if not _done(ctx, plan.namespace, n)]
            if len(running) >= parallelism:
                time.sleep(poll_s)
        stamp = datetime.fromisoformat(run.scheduled).astimezone(UTC)
        sub = Submission(
            namespace=plan.namespace,
            cron=cron,
            name=run.name,
            annotations={SCHEDULED_TIME: stamp.strftime("%Y-%m-%dT%H:%M:%SZ")},
        )
        body = build_workflow(sub, origin)
        body["metadata"]["labels"][BACKFILL_LABEL] = "true"
        if ctx.engine.get_workflow(plan.namespace, run.name) is not None:
            continue  # made since the plan was shown: the fire time has its run
        snapshot = run_from_workflow(ctx.engine.create_workflow(body))
        made.append(snapshot)
        running.append(run.name)
        if on_submit is not None:
            on_submit(snapshot)
    return made


def _done(ctx: RunContext, namespace: str, name: str) -> bool:
    wf = ctx.engine.get_workflow(namespace, name)
    return wf is None or ((wf.get("status") or {}).get("phase") in DONE)
