"""Schedules across daylight saving: validate warns with the dates (argo #8140), from the fire
times Argo's controller computes (robfig/cron, ported in gp/compile/cron_time.py)."""

from datetime import UTC, date, datetime

import pytest
from hcl_builders import a, decl, module

from gp.compile.cron_time import CronError, fires, parse
from gp.compile.module import compile_all

TODAY = date(2026, 12, 6)


def warnings(schedule: str, tz: str) -> list[str]:
    cron = decl(
        "cron_workflow",
        "nightly",
        a("schedule", schedule, line=2),
        a("timezone", tz),
        a("workflow_spec", {"entrypoint": "a", "templates": [{"name": "a", "suspend": {}}]}),
    )
    _, diags = compile_all(module(cron), TODAY)
    return [str(d) for d in diags if d.severity == "warning"]


def test_a_time_in_the_spring_gap_is_skipped_and_validate_says_when():
    [w] = warnings("30 2 * * *", "America/Toronto")
    assert w.startswith('main.gp.hcl:2:3: schedule "30 2 * * *": 02:30 does not exist in ')
    assert (
        "America/Toronto on 2027-03-14 (clocks skip ahead): Argo's controller skips that run" in w
    )


def test_a_time_in_the_repeated_hour_runs_twice_and_validate_says_when():
    [w] = warnings("30 1 * * *", "America/Toronto")
    assert "01:30 happens twice in America/Toronto on 2027-11-07" in w and "runs it 2 times" in w


@pytest.mark.parametrize(
    ("schedule", "tz"),
    [("0 3 * * *", "America/Toronto"), ("*/15 * * * *", "America/Toronto"), ("30 2 * * *", "UTC")],
)
def test_no_warning_where_the_clock_change_changes_nothing(schedule, tz):
    assert warnings(schedule, tz) == []


def test_the_controller_s_fire_times_around_the_transitions():
    def local(expr, start, end):
        return [d.isoformat() for d in fires(expr, "America/Toronto", start, end)]

    assert local(
        "30 2 * * *", datetime(2027, 3, 13, 12, tzinfo=UTC), datetime(2027, 3, 16, tzinfo=UTC)
    ) == ["2027-03-15T02:30:00-04:00"]
    assert local(
        "0 * * * *", datetime(2027, 11, 7, 4, tzinfo=UTC), datetime(2027, 11, 7, 8, tzinfo=UTC)
    ) == [
        "2027-11-07T00:00:00-04:00",
        "2027-11-07T01:00:00-04:00",
        "2027-11-07T01:00:00-05:00",
        "2027-11-07T02:00:00-05:00",
    ]


def test_argo_s_parser_refuses_what_croniter_accepts():
    with pytest.raises(CronError):
        parse("0 0 * * 7")  # robfig's day of week is 0-6
    assert parse("@daily") == parse("0 0 * * *")
