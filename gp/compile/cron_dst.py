"""What a schedule does on the days its zone changes clocks (argo #8140: "once, twice, or not
at all"), from the fire times Argo's controller computes (``cron_time``).

A schedule at fixed hours runs at wall-clock times; on a spring-forward day a time in the gap
does not exist and on a fall-back day a time in the repeated hour happens twice. Each such
day's wall-clock times are compared with the controller's fires: a time it skips or runs twice
is one ``DstEvent``. Schedules that run every hour follow absolute time and are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from gp.compile.cron_time import STAR, CronError, fires, parse

HORIZON_DAYS = 366


@dataclass(frozen=True)
class DstEvent:
    schedule: str
    day: date  # the local date of the transition
    time: str  # the wall-clock time, "02:30"
    runs: int  # how many times the controller runs it that day: 0 or 2

    def text(self, tz: str) -> str:
        if self.runs == 0:
            return (
                f"{self.time} does not exist in {tz} on {self.day.isoformat()} (clocks skip "
                "ahead): Argo's controller skips that run"
            )
        return (
            f"{self.time} happens twice in {tz} on {self.day.isoformat()} (clocks fall back): "
            f"Argo's controller runs it {self.runs} times"
        )


def transitions(tz: str, start: date, days: int = HORIZON_DAYS) -> list[date]:
    """Local dates on which ``tz`` changes its UTC offset, from ``start`` on."""
    zone = ZoneInfo(tz)
    out = []
    prev = _offset(zone, start)
    for i in range(1, days + 1):
        day = start + timedelta(days=i)
        now = _offset(zone, day)
        if now != prev:
            out.append(day)  # the change came between noon yesterday and noon today
        prev = now
    return out


def _offset(zone: ZoneInfo, day: date) -> timedelta | None:
    return datetime(day.year, day.month, day.day, 12, tzinfo=zone).utcoffset()


def dst_events(schedules: tuple[str, ...], tz: str, start: date) -> list[DstEvent]:
    """Each wall-clock time a schedule skips or repeats on ``tz``'s transitions in the year
    from ``start``; empty for UTC, zones without transitions and hourly schedules."""
    if not tz or tz == "UTC":
        return []
    try:
        days = transitions(tz, start)
    except (ValueError, KeyError):
        return []
    out: list[DstEvent] = []
    for expr in schedules:
        try:
            spec = parse(expr)
        except CronError:
            continue  # validate reports the expression itself
        if spec is None or spec.hour & STAR:
            continue
        for day in days:
            begin = datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(days=1)
            got: dict[str, int] = {}
            for when in fires(expr, tz, begin, begin + timedelta(days=3)):
                if when.date() == day:
                    got[when.strftime("%H:%M")] = got.get(when.strftime("%H:%M"), 0) + 1
            for wall in _wall_times(spec, day):
                runs = got.get(wall, 0)
                if runs != 1:
                    out.append(DstEvent(expr, day, wall, runs))
    return out


def _wall_times(spec, day: date) -> list[str]:
    """The times of day the schedule names on ``day`` (when the day matches it at all)."""
    weekday = (day.weekday() + 1) % 7
    dom, dow = bool((1 << day.day) & spec.dom), bool((1 << weekday) & spec.dow)
    day_ok = (dom and dow) if (spec.dom & STAR or spec.dow & STAR) else (dom or dow)
    if not day_ok or not (1 << day.month) & spec.month:
        return []
    return [
        f"{h:02d}:{m:02d}"
        for h in range(24)
        if (1 << h) & spec.hour
        for m in range(60)
        if (1 << m) & spec.minute
    ]
