"""The text renderer: Terraform's shape, plain and coloured, apply results, stack listing."""

from __future__ import annotations

import re
from dataclasses import replace

from render_builders import (
    TARGET,
    create_cron,
    delete_template,
    drift,
    full_plan,
    make,
    noop_template,
    ref,
    replace_template,
    update_template,
)
from rich.text import Text

from gp.planner.applied import ApplyReport
from gp.planner.plan import FieldDiff, Mode
from gp.planner.stack_record import RecordEntry, StackRecord
from gp.render.formats import RENDERERS
from gp.render.stack import stack_markdown, stack_text
from gp.render.text import render_apply, render_owned, render_plan


def plain_plan(plan, **kw):
    return render_plan(plan, color=False, **kw)


def plain_apply(result, **kw):
    return render_apply(result, color=False, **kw)


FULL_PLAN = """\
Objects changed outside gp

gp detected the following changes made outside of gp since the last "gp apply":

  # cron_workflow.hourly has changed
  ~ CronWorkflow "pipeline/hourly" {
      ~ spec.suspend = false -> true
    }

Unless you have made equivalent changes to your configuration, or ignored the fields with lifecycle.ignore_changes, the plan below undoes these changes.

─────────────────────────────────────────────────────────────────────────────

Object actions are indicated with the following symbols:
  + create
  ~ update in-place
  - destroy
-/+ create replacement and then destroy

gp will perform the following actions:

  # cron_workflow.nightly will be created
  + CronWorkflow "pipeline/nightly" {
        # schedule: ["0 2 * * *"] UTC; next runs 2024-06-02T02:00:00+00:00, 2024-06-03T02:00:00+00:00, 2024-06-04T02:00:00+00:00
        # (its shape; gp plan --verbose shows all 6 fields)
    }

  # workflow_template.old will be destroyed
  # (because workflow_template.old is not in the configuration)
  - WorkflowTemplate "pipeline/old" {
      - entrypoint = "main"
        # (its shape; gp plan --verbose shows all 5 fields)
    }

  # workflow_template.sen2cor will be updated in-place
  ~ WorkflowTemplate "pipeline/sen2cor" {
      ~ template "main" {
          ~ container.image = "geo/sen2cor:2.9.0" -> "geo/sen2cor:2.10.0"
        }
        # (7 unchanged fields hidden)
    }

  # workflow_template.tile will be replaced
  # (because its identity changed: WorkflowTemplate "pipeline/tile" -> WorkflowTemplate "pipeline/tile-v2")
-/+ WorkflowTemplate "pipeline/tile-v2" {
      ~ metadata.name = "tile" -> "tile-v2"
        # (4 unchanged fields hidden)
    }

Plan: 2 to add, 1 to change, 2 to destroy.
"""


def test_full_plan_snapshot_plain():
    assert plain_plan(full_plan()) == FULL_PLAN


def test_no_changes():
    assert (
        plain_plan(make([noop_template()]))
        == "No changes. Your pipelines match the configuration.\n"
    )


def test_refresh_only_shows_drift_and_no_actions():
    out = plain_plan(make([], [drift()], mode=Mode.REFRESH_ONLY))
    assert out.startswith("Objects changed outside gp\n")
    assert "This is a refresh-only plan" in out
    assert "will perform" not in out
    assert out.endswith("Refresh: 1 object changed outside gp; applying records them.\n")


def test_legend_lists_only_the_symbols_used():
    out = plain_plan(make([update_template()]))
    assert "  ~ update in-place" in out and "+ create" not in out and "-/+" not in out
    assert out.endswith("Plan: 0 to add, 1 to change, 0 to destroy.\n")


def test_colour_mode_is_rich_markup_with_user_text_escaped():
    change = update_template(image_before="[bold]evil")
    out = render_plan(make([change]), color=True)
    assert "[green]" not in out and "[yellow]  ~ [/yellow]" in out
    assert '"\\[bold]evil"' in out
    assert plain_plan(make([change])).count("[bold]evil") == 1


def test_sensitive_values_are_masked_everywhere():
    change = update_template(image_before="registry/hunter2:1")
    secret_delete = delete_template()
    secret_delete.before["spec"]["token"] = "hunter2"
    p = make([change, secret_delete], secrets=frozenset({"hunter2"}))
    out = plain_plan(p)
    assert "hunter2" not in out
    assert '"(sensitive value)" -> "geo/sen2cor:2.10.0"' in out
    verbose = plain_plan(p, verbose=True)
    assert "hunter2" not in verbose
    assert re.search(r'- spec\.token += "\(sensitive value\)" -> null', verbose)
    assert "hunter2" not in plain_plan(make([update_template("x-s3cret")]), sensitive=["s3cret"])


def test_multiline_strings_show_a_line_diff():
    c = replace(
        update_template(),
        fields=(FieldDiff('spec.templates["main"].script.source', "a\nb\n", "a\nc\n"),),
    )
    out = plain_plan(make([c]))
    assert (
        '      ~ template "main" {\n'
        "          ~ script.source = <<-EOT\n"
        "                a\n"
        "              - b\n"
        "              + c\n"
        "            EOT\n"
        "        }\n"
    ) in out


def test_added_item_is_one_block():
    task = {
        "name": "extra",
        "template": "x",
        "arguments": {"parameters": [{"name": "p", "value": "1"}]},
    }
    c = replace(
        update_template(),
        fields=(FieldDiff('spec.templates["main"].dag.tasks["extra"]', None, task),),
    )
    out = plain_plan(make([c]))
    assert (
        '      ~ template "main" {\n'
        '          + task "extra" {\n'
        '              + template = "x"\n'
        '              + arguments.parameter "p" {\n'
        '                  + value = "1"\n'
        "                }\n"
        "            }\n"
        "        }\n"
    ) in out


def test_apply_complete():
    result = ApplyReport(
        applied=[create_cron(), update_template(), replace_template(), delete_template()]
    )
    assert plain_apply(result) == "Apply complete! Resources: 2 added, 1 changed, 2 destroyed.\n"


def test_apply_failure_lists_applied_failed_and_not_attempted():
    result = ApplyReport(
        applied=[create_cron()],
        failed=[(delete_template(), 'conflict with "argocd"')],
        not_attempted=[replace_template()],
    )
    assert plain_apply(result) == (
        "Apply failed.\n\n"
        "Applied:\n"
        "    + cron_workflow.nightly (CronWorkflow/pipeline/nightly)\n\n"
        "Failed:\n"
        '    - workflow_template.old (WorkflowTemplate/pipeline/old): conflict with "argocd"\n\n'
        "Not attempted:\n"
        "  -/+ workflow_template.tile (WorkflowTemplate/pipeline/tile-v2)\n\n"
        "Resources: 1 added, 0 changed, 0 destroyed before stopping; 1 failed, 1 not attempted. "
        "Rerun to converge.\n"
    )


def test_apply_failure_masks_reasons():
    result = ApplyReport(failed=[(delete_template(), "bad token hunter2")])
    assert "hunter2" not in plain_apply(result, sensitive=["hunter2"])


def test_stack_listing():
    record = StackRecord(
        "geo",
        {
            "workflow_template.sen2cor": RecordEntry(ref("WorkflowTemplate", "sen2cor"), {}),
            "cluster_workflow_template.shared": RecordEntry(
                ref("ClusterWorkflowTemplate", "shared", None), {}
            ),
        },
        applied_at="2024-06-01T12:00:00Z",
        applied_by="alice",
    )
    assert stack_text(record).plain == (
        'Stack "geo" owns 2 objects (last applied at 2024-06-01T12:00:00Z by alice):\n\n'
        "  ADDRESS                           KIND                     OBJECT\n"
        "  cluster_workflow_template.shared  ClusterWorkflowTemplate  shared\n"
        "  workflow_template.sen2cor         WorkflowTemplate         pipeline/sen2cor\n"
    )
    assert stack_text(StackRecord("geo")).plain == 'Stack "geo" owns no objects.\n'


def test_stack_listing_as_markdown():
    record = StackRecord(
        "geo",
        {"workflow_template.sen2cor": RecordEntry(ref("WorkflowTemplate", "sen2cor"), {})},
        applied_at="2024-06-01T12:00:00Z",
        applied_by="alice",
    )
    assert stack_markdown(record, target=TARGET) == (
        "## gp stack `geo` in kubernetes https://kube.example:6443 (namespace pipeline)\n\n"
        "Last applied `2024-06-01T12:00:00Z` by `alice`.\n\n"
        "| Address | Kind | Object |\n|---|---|---|\n"
        "| `workflow_template.sen2cor` | WorkflowTemplate | `pipeline/sen2cor` |\n"
    )
    assert stack_markdown(StackRecord("geo")).endswith("Owns no objects.\n")


def test_cli_entry_points_return_rich_text():
    text = render_plan(full_plan())
    assert isinstance(text, Text) and text.plain == FULL_PLAN
    secret = replace(delete_template(), address="workflow_template.hunter2")
    p = make([secret], secrets=frozenset({"hunter2"}))
    result = ApplyReport(failed=[(secret, "token hunter2 refused")])
    assert "hunter2" not in RENDERERS["text"].applied(result, p, ()).plain
    record = StackRecord("geo")
    assert render_owned(record, TARGET).plain == (
        'Stack "geo" in kubernetes https://kube.example:6443 (namespace pipeline) owns no objects.\n'
    )


def test_apply_failure_a_rerun_cannot_fix_says_what_to_do_instead():
    result = ApplyReport(
        failed=[(delete_template(), 'conflict with "argocd"')],
        advice={"workflow_template.old": "rerun with --force-conflicts to take them over"},
    )
    assert plain_apply(result).endswith(
        "Resources: 0 added, 0 changed, 0 destroyed before stopping; 1 failed, 0 not attempted. "
        "Running gp again will not fix this: rerun with --force-conflicts to take them over.\n"
    )


def test_apply_failures_mixed_say_what_to_do_then_rerun():
    result = ApplyReport(
        failed=[(delete_template(), "too large"), (replace_template(), "connection refused")],
        advice={"workflow_template.old": "make it smaller"},
    )
    assert plain_apply(result).endswith(
        "0 not attempted. Some failures will repeat until you act: make it smaller; then rerun to converge.\n"
    )
