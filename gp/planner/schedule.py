"""When a CronWorkflow runs next, before and after a change of its schedule or zone.

Shown in the plan so that a reviewer sees "02:00 Toronto" became "02:00 UTC" as times, not as
a cron string. Computed from the ``now`` the caller gives: the planner never reads the clock.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from gp.compile.cron_dst import HORIZON_DAYS, dst_events
from gp.compile.cron_time import CronError, fires
from gp.planner.plan import ScheduleChange, SchedulePreview

RUNS = 3


def schedules_of(manifest: dict[str, Any] | None) -> tuple[tuple[str, ...], str]:
    """A CronWorkflow's schedules (``schedules`` or the older ``schedule``) and time zone."""
    spec = (manifest or {}).get("spec") or {}
    many = spec.get("schedules") or []
    one = spec.get("schedule")
    found = tuple(many) if many else ((one,) if one else ())
    return tuple(str(s) for s in found), str(spec.get("timezone") or "")


def next_runs(
    schedules: tuple[str, ...], tz: str, now: datetime, count: int = RUNS
) -> tuple[str, ...]:
    """The next ``count`` run times over all schedules, in ``tz`` (UTC when empty), ISO 8601,
    as Argo's controller computes them (robfig/cron, ported in gp.compile.cron_time).

    Argo's controller uses its own local zone when none is given; gp assumes UTC there.
    """
    try:
        zone = ZoneInfo(tz) if tz else UTC
    except (ZoneInfoNotFoundError, ValueError):
        return ()
    start = now if now.tzinfo else now.replace(tzinfo=UTC)
    end = start + timedelta(days=HORIZON_DAYS)
    runs: set[datetime] = set()
    for expr in schedules:
        try:
            for i, when in enumerate(fires(expr, tz, start + timedelta(seconds=1), end)):
                runs.add(when.astimezone(UTC))  # instants: a repeated wall time is two runs
                if i + 1 >= count:
                    break
        except (CronError, ValueError, KeyError):
            continue  # validate reports bad expressions; the preview just leaves them out
    return tuple(when.astimezone(zone).isoformat() for when in sorted(runs)[:count])


def next_transition(schedules: tuple[str, ...], tz: str, now: datetime) -> tuple[str, ...]:
    """What the controller does to these schedules on the zone's next clock change, if
    anything: a wall-clock time it skips or runs twice."""
    events = dst_events(schedules, tz, now.date())
    if not events:
        return ()
    first = min(e.day for e in events)
    return tuple(e.text(tz) for e in events if e.day == first)


def _preview(manifest: dict[str, Any] | None, now: datetime) -> SchedulePreview | None:
    if manifest is None:
        return None
    schedules, tz = schedules_of(manifest)
    return SchedulePreview(
        schedules, tz, next_runs(schedules, tz, now), next_transition(schedules, tz, now)
    )


def schedule_change(
    before: dict[str, Any] | None, after: dict[str, Any] | None, now: datetime | None
) -> ScheduleChange | None:
    """A preview when the object is a CronWorkflow whose timing is new or differs."""
    obj = after or before or {}
    if now is None or obj.get("kind") != "CronWorkflow":
        return None
    if before is not None and after is not None and schedules_of(before) == schedules_of(after):
        return None
    return ScheduleChange(_preview(before, now), _preview(after, now))
