"""Drift (changes made outside gp) and the CronWorkflow schedule preview."""

from __future__ import annotations

from datetime import UTC, datetime

from plan_builders import NOW, cron, deployed, edit, live_of, plan, state, wt

from gp.config.model import Lifecycle
from gp.planner.plan import Action, FieldDiff, SchedulePreview
from gp.planner.schedule import next_runs, schedule_change


def test_live_edit_of_a_gp_field_is_drift_listed_and_reverted():
    live = deployed(wt(), cron())
    edited = edit(wt(), lambda m: m["spec"]["templates"][1]["container"].update(image="hotfix"))
    live.objects[wt().ref] = live_of(wt(), manifest=edited)
    p = plan([wt(), cron()], live)
    (d,) = p.drift
    assert (d.address, d.before, d.after) == ("workflow_template.sen2cor", wt().manifest, edited)
    assert d.fields == (
        FieldDiff('spec.templates["sen2cor290"].container.image', "geo/sen2cor:2.9.0", "hotfix"),
    )
    change = {c.address: c for c in p.changes}["workflow_template.sen2cor"]
    assert change.action is Action.UPDATE
    assert change.fields == (
        FieldDiff('spec.templates["sen2cor290"].container.image', "hotfix", "geo/sen2cor:2.9.0"),
    )


def test_server_only_fields_are_not_drift():
    live = deployed(cron())

    def server(m):
        m["spec"]["concurrencyPolicy"] = "Allow"
        m["status"] = {"lastScheduledTime": "t"}
        m["metadata"]["annotations"]["cronworkflows.argoproj.io/last-used-schedule"] = "x"

    live.objects[cron().ref] = live_of(cron(), manifest=edit(cron(), server))
    assert plan([cron()], live).drift == ()


def test_object_deleted_outside_gp_is_drift_and_recreated():
    live = deployed(wt())
    del live.objects[wt().ref]
    p = plan([wt()], live)
    (d,) = p.drift
    assert (d.address, d.after, d.fields) == ("workflow_template.sen2cor", None, ())
    assert [c.action for c in p.changes] == [Action.CREATE]


def test_deleted_and_undeclared_is_drift_only():
    live = deployed(wt())
    del live.objects[wt().ref]
    p = plan([], live)
    assert [d.after for d in p.drift] == [None] and p.changes == ()


def test_ignored_paths_are_not_drift():
    life = Lifecycle(ignore_changes=("spec.entrypoint",))
    live = deployed(wt())
    live.objects[wt().ref] = live_of(
        wt(), manifest=edit(wt(), lambda m: m["spec"].update(entrypoint="x"))
    )
    assert plan([wt(lifecycle=life)], live).drift == ()
    assert len(plan([wt()], live).drift) == 1


def test_drift_respects_targets():
    live = deployed(wt(), cron())
    del live.objects[cron().ref]
    assert plan([wt(), cron()], live, targets=["workflow_template.sen2cor"]).drift == ()


def test_next_runs_in_the_given_zone():
    runs = next_runs(("0 2 * * *",), "America/Toronto", datetime(2024, 6, 1, 12, tzinfo=UTC))
    assert runs == (
        "2024-06-02T02:00:00-04:00",
        "2024-06-03T02:00:00-04:00",
        "2024-06-04T02:00:00-04:00",
    )


def test_next_runs_merge_schedules_and_default_to_utc():
    runs = next_runs(("0 6 * * *", "30 5 * * *"), "", datetime(2024, 6, 1, 12, tzinfo=UTC))
    assert runs == (
        "2024-06-02T05:30:00+00:00",
        "2024-06-02T06:00:00+00:00",
        "2024-06-03T05:30:00+00:00",
    )


def test_next_runs_skip_what_cannot_run():
    assert next_runs(("not cron",), "UTC", NOW) == ()
    assert next_runs(("0 2 * * *",), "Mars/Olympus", NOW) == ()
    assert next_runs(("0 0 30 2 *", "@daily"), "UTC", NOW)[0] == "2024-06-02T00:00:00+00:00"


def test_cron_create_carries_a_preview():
    (c,) = plan([cron(timezone="Europe/Paris")], state()).changes
    assert c.schedule.before is None
    assert c.schedule.after == SchedulePreview(
        ("0 2 * * *",),
        "Europe/Paris",
        ("2024-06-02T02:00:00+02:00", "2024-06-03T02:00:00+02:00", "2024-06-04T02:00:00+02:00"),
        (
            "02:00 happens twice in Europe/Paris on 2024-10-27 (clocks fall back): Argo's "
            "controller runs it 2 times",
        ),
    )


def test_cron_schedule_change_shows_before_and_after():
    new = cron(schedules=["0 3 * * *"], timezone="America/Toronto")
    (c,) = plan([new], deployed(cron())).changes
    assert c.action is Action.UPDATE
    assert c.schedule.before.next_runs[0] == "2024-06-02T02:00:00+00:00"
    assert c.schedule.after.next_runs[0] == "2024-06-02T03:00:00-04:00"


def test_other_cron_changes_carry_no_preview():
    new = cron()
    new.manifest["spec"]["concurrencyPolicy"] = "Forbid"
    (c,) = plan([new], deployed(cron())).changes
    assert c.action is Action.UPDATE and c.schedule is None


def test_no_preview_without_a_clock_or_for_templates():
    (c,) = plan([cron()], state(), now=None).changes
    assert c.schedule is None
    assert schedule_change(None, wt().manifest, NOW) is None


def test_old_single_schedule_field_is_read():
    old = edit(
        cron(), lambda m: m["spec"].pop("schedules") and m["spec"].update(schedule="0 2 * * *")
    )
    assert schedule_change(old, cron().manifest, NOW) is None


def test_next_runs_are_the_controller_s_across_daylight_saving():
    # robfig/cron, which Argo's controller uses: the spring gap is skipped, the repeated hour
    # of the fall runs twice (argo #8140).
    spring = next_runs(("30 2 * * *",), "America/Toronto", datetime(2027, 3, 13, 12, tzinfo=UTC))
    assert spring[:2] == ("2027-03-15T02:30:00-04:00", "2027-03-16T02:30:00-04:00")
    fall = next_runs(("30 1 * * *",), "America/Toronto", datetime(2027, 11, 6, 12, tzinfo=UTC))
    assert fall == (
        "2027-11-07T01:30:00-04:00",
        "2027-11-07T01:30:00-05:00",
        "2027-11-08T01:30:00-05:00",
    )
