from dataclasses import replace

from run_fixtures import workflow

from gp.compile.objects import ObjectRef
from gp.planner.plan import Action, Mode, PlanData, ResourceChange, Target
from gp.render.plan_runs import run_lines
from gp.render.text import render_plan
from gp.runs.awareness import assess
from gp.runs.history import newest_first, selector
from gp.runs.model import run_from_workflow

WT = ObjectRef("argoproj.io/v1alpha1", "WorkflowTemplate", "pipeline", "sen2cor")
CRON = ObjectRef("argoproj.io/v1alpha1", "CronWorkflow", "pipeline", "nightly")


def _plan(*changes):
    return PlanData("geo", Target("kubernetes", "pipeline"), Mode.NORMAL, tuple(changes))


def _change(ref, action, address, after=None):
    return ResourceChange(address, ref, action, None, {}, after, "1")


def _wf(name, phase, template="sen2cor", ns="pipeline"):
    return {
        "metadata": {"name": name, "namespace": ns},
        "spec": {"workflowTemplateRef": {"name": template}},
        "status": {"phase": phase},
    }


def _cron(name, stack=None, template="sen2cor"):
    return {
        "metadata": {
            "name": name,
            "namespace": "pipeline",
            "labels": {"gp.dev/stack": stack} if stack else {},
        },
        "spec": {"workflowSpec": {"workflowTemplateRef": {"name": template}}},
    }


def test_runs_in_progress_and_crons_of_a_changing_template():
    plan = _plan(_change(WT, Action.UPDATE, "workflow_template.sen2cor", {}))
    impacts, warnings = assess(
        plan,
        [
            _wf("a", "Running"),
            _wf("b", "Succeeded"),
            _wf("c", ""),
            _wf("d", "Running", "other"),
            _wf("e", "Running", ns="x"),
        ],
        [_cron("nightly", "geo"), _cron("other", template="x")],
    )
    assert [(i.address, i.running, [c.name for c in i.crons]) for i in impacts] == [
        ("workflow_template.sen2cor", ("a", "c"), ["nightly"])
    ]
    assert warnings == ()  # an update keeps the template: no warning
    text = run_lines(replace(plan, runs=impacts))
    assert (
        text[0]
        == "workflow_template.sen2cor: 2 runs in progress (a, c) keep the spec they started with"
    )
    assert (
        text[1] == "workflow_template.sen2cor: run by the CronWorkflow pipeline/nightly (stack geo)"
    )


def test_deleting_a_template_a_live_cron_runs_is_a_warning():
    plan = _plan(_change(WT, Action.DELETE, "workflow_template.sen2cor"))
    impacts, warnings = assess(plan, [], [_cron("outside")])
    assert warnings == (
        "workflow_template.sen2cor: the CronWorkflow pipeline/outside (no gp stack) runs "
        "sen2cor, which this plan deletes; its next runs will fail",
    )
    shown = render_plan(replace(plan, runs=impacts, warnings=warnings), color=False)
    assert "Warning: workflow_template.sen2cor: the CronWorkflow pipeline/outside" in shown


def test_no_warning_when_the_plan_deletes_the_cron_too():
    plan = _plan(
        _change(WT, Action.DELETE, "workflow_template.sen2cor"),
        _change(CRON, Action.DELETE, "cron_workflow.nightly"),
    )
    _, warnings = assess(plan, [], [_cron("nightly", "geo")])
    assert warnings == ()


def test_history_newest_first_filtered_and_limited():
    runs = [
        run_from_workflow(
            workflow(
                f"r{i}",
                phase,
                created=f"2025-01-0{i}T00:00:00Z",
                annotations={"gp.dev/address": addr},
            )
        )
        for i, (phase, addr) in enumerate(
            [("Succeeded", "a"), ("Failed", "a"), ("Succeeded", "b"), ("Succeeded", "a")], start=1
        )
    ]
    assert [r.name for r in newest_first(runs)] == ["r4", "r3", "r2", "r1"]
    assert [r.name for r in newest_first(runs, "a", "Succeeded")] == ["r4", "r1"]
    assert [r.name for r in newest_first(runs, limit=2)] == ["r4", "r3"]
    assert (
        selector("geo", "workflow_template.x")
        == "gp.dev/stack=geo,gp.dev/address=workflow_template.x"
    )


def test_a_saved_plan_keeps_runs_and_warnings():
    from gp.planner.serialize import load_plan, save_plan

    plan = _plan(_change(WT, Action.DELETE, "workflow_template.sen2cor"))
    impacts, warnings = assess(plan, [_wf("a", "Running")], [_cron("nightly", "geo")])
    plan = replace(plan, runs=impacts, warnings=warnings)
    loaded = load_plan(save_plan(plan))
    assert (loaded.runs, loaded.warnings) == (plan.runs, plan.warnings) and loaded.runs


def test_the_stacks_own_crons_are_named_without_an_engine_with_their_next_run():
    """A directory plan has no live crons to read: the stack's crons come from the plan."""
    from datetime import UTC, datetime

    cron = _cron("nightly", "geo")
    cron["metadata"]["annotations"] = {"gp.dev/address": "cron_workflow.nightly"}
    cron["spec"].update(schedule="0 2 * * *", timezone="America/Toronto")
    plan = _plan(
        _change(WT, Action.UPDATE, "workflow_template.sen2cor", {}),
        _change(CRON, Action.NOOP, "cron_workflow.nightly", cron),
    )
    now = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
    impacts, _ = assess(plan, [], [], now)
    (use,) = impacts[0].crons
    assert (use.name, use.stack, use.next_run) == ("nightly", "geo", "2024-06-02T02:00:00-04:00")
    assert run_lines(replace(plan, runs=impacts)) == [
        "workflow_template.sen2cor: run by the CronWorkflow pipeline/nightly (stack geo, "
        "cron_workflow.nightly, next run 2024-06-02T02:00:00-04:00)"
    ]
    # A cron the plan deletes no longer runs it; a live cron outside the stack still does.
    gone = _plan(
        _change(WT, Action.UPDATE, "workflow_template.sen2cor", {}),
        _change(CRON, Action.DELETE, "cron_workflow.nightly"),
    )
    impacts, _ = assess(gone, [], [_cron("nightly", "geo"), _cron("theirs")], now)
    assert [c.name for c in impacts[0].crons] == ["theirs"]
