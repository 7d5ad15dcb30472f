"""When Argo's cron controller fires a schedule: robfig/cron v3.0.1 (the library Argo v4 uses,
through ``cron.ParseStandard`` with ``CRON_TZ=<timezone>``), ported step for step.

Ported, not approximated, because the interesting cases are where libraries differ: on a
daylight-saving transition robfig skips a time that does not exist (02:30 on the spring-forward
day) and runs a time that happens twice (01:30 on the fall-back day) twice, walking absolute
hours and minutes from a local midnight built the way Go's ``time.Date`` builds it. A fire time
is a UTC instant (unix seconds); ``Clock`` gives the local fields Go would.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

_DESCRIPTORS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
_MONTHS = {
    m: i + 1 for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split())
}
_DAYS = {d: i for i, d in enumerate("sun mon tue wed thu fri sat".split())}
_BOUNDS: tuple[tuple[int, int, dict[str, int]], ...] = (
    (0, 59, {}),
    (0, 23, {}),
    (1, 31, {}),
    (1, 12, _MONTHS),
    (0, 6, _DAYS),
)
STAR = 1 << 63  # robfig's starBit: the field was * or ?


class CronError(ValueError):
    pass


@dataclass(frozen=True)
class Spec:
    minute: int
    hour: int
    dom: int
    month: int
    dow: int


def parse(expr: str) -> Spec | None:
    """A five-field expression or descriptor as robfig's standard parser reads it; None for
    ``@every`` (a constant delay, which daylight saving does not touch)."""
    expr = expr.strip()
    if expr.startswith("@every"):
        return None
    fields = _DESCRIPTORS.get(expr, expr).split()
    if len(fields) != 5:
        raise CronError(f"expected exactly 5 fields, found {len(fields)}: {expr}")
    bits = [_field(f, *b) for f, b in zip(fields, _BOUNDS)]
    return Spec(*bits)


def _field(text: str, low: int, high: int, names: dict[str, int]) -> int:
    bits = 0
    for part in text.split(","):
        range_step = part.split("/")
        lo_hi = range_step[0].split("-")
        extra = 0
        if lo_hi[0] in ("*", "?"):
            start, end, extra = low, high, STAR
        else:
            start = _value(lo_hi[0], names)
            end = _value(lo_hi[1], names) if len(lo_hi) == 2 else start
        step = 1
        if len(range_step) == 2:
            step = int(range_step[1])
            if len(lo_hi) == 1 and lo_hi[0] not in ("*", "?"):
                end = high  # "N/step" means "N-max/step"
            if step > 1:
                extra = 0
        if start < low or end > high or start > end or step < 1 or len(range_step) > 2:
            raise CronError(f"{part!r} is out of range {low}-{high}")
        for v in range(start, end + 1, step):
            bits |= 1 << v
        bits |= extra
    return bits


def _value(text: str, names: dict[str, int]) -> int:
    if text.lower() in names:
        return names[text.lower()]
    if not text.isdigit():
        raise CronError(f"{text!r} is not a number")
    return int(text)


class Clock:
    """Go's time.Time in a location, as unix seconds: fields, Add, AddDate and Date."""

    def __init__(self, zone: ZoneInfo | None):
        self.zone = zone or ZoneInfo("UTC")

    def offset(self, unix: int) -> int:
        delta = datetime.fromtimestamp(unix, UTC).astimezone(self.zone).utcoffset()
        return int(delta.total_seconds()) if delta is not None else 0

    def fields(self, unix: int) -> datetime:
        """The local wall clock (naive) at ``unix``."""
        return datetime(1970, 1, 1) + timedelta(seconds=unix + self.offset(unix))

    def date(self, y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> int:
        """time.Date: the fields normalised, then the zone offset looked up as Go does."""
        y, mo = y + (mo - 1) // 12, (mo - 1) % 12 + 1
        naive = datetime(y, mo, 1) + timedelta(days=d - 1, hours=h, minutes=mi, seconds=s)
        unix = int((naive - datetime(1970, 1, 1)).total_seconds())
        offset = self.offset(unix)
        if offset:
            utc = unix - offset
            if self.offset(utc) != offset:  # the guess fell in another zone period
                offset = self.offset(utc)
            unix -= offset
        return unix


def next_fire(spec: Spec, after: int, clock: Clock) -> int | None:
    """SpecSchedule.Next: the first fire strictly after ``after`` (unix seconds)."""
    t = after + 1
    added = False
    limit = clock.fields(t).year + 5
    while True:  # WRAP
        f = clock.fields(t)
        if f.year > limit:
            return None
        wrapped = False
        while not (1 << f.month) & spec.month:
            if not added:
                added = True
                t = clock.date(f.year, f.month, 1)
            f = clock.fields(t)
            t = clock.date(f.year, f.month + 1, f.day, f.hour, f.minute, f.second)
            f = clock.fields(t)
            if f.month == 1:
                wrapped = True
                break
        if wrapped:
            continue
        while not _day_matches(spec, f):
            if not added:
                added = True
                t = clock.date(f.year, f.month, f.day)
            f = clock.fields(t)
            t = clock.date(f.year, f.month, f.day + 1, f.hour, f.minute, f.second)
            f = clock.fields(t)
            if f.hour != 0:  # a midnight that daylight saving moved
                t += (24 - f.hour) * 3600 if f.hour > 12 else -f.hour * 3600
                f = clock.fields(t)
            if f.day == 1:
                wrapped = True
                break
        if wrapped:
            continue
        while not (1 << f.hour) & spec.hour:
            if not added:
                added = True
                t = clock.date(f.year, f.month, f.day, f.hour)
            t += 3600
            f = clock.fields(t)
            if f.hour == 0:
                wrapped = True
                break
        if wrapped:
            continue
        while not (1 << f.minute) & spec.minute:
            if not added:
                added = True
                t -= t % 60
            t += 60
            f = clock.fields(t)
            if f.minute == 0:
                wrapped = True
                break
        if wrapped:
            continue
        if f.second != 0:  # the standard parser fixes seconds at 0
            if not added:
                added = True
            t += 60 - f.second
            continue
        return t


def _day_matches(spec: Spec, f: datetime) -> bool:
    dom = bool((1 << f.day) & spec.dom)
    dow = bool((1 << ((f.weekday() + 1) % 7)) & spec.dow)
    if spec.dom & STAR or spec.dow & STAR:
        return dom and dow
    return dom or dow


def fires(expr: str, tz: str, start: datetime, end: datetime) -> Iterator[datetime]:
    """Fire times in [start, end), as aware datetimes in the cron's zone (UTC when none)."""
    spec = parse(expr)
    if spec is None:
        raise CronError("@every schedules fire relative to when the controller started")
    zone = ZoneInfo(tz) if tz else ZoneInfo("UTC")
    clock = Clock(zone)
    t: int | None = int(start.timestamp()) - 1
    stop = int(end.timestamp())
    while t is not None:
        t = next_fire(spec, t, clock)
        if t is None or t >= stop:
            return
        yield datetime.fromtimestamp(t, UTC).astimezone(zone)
