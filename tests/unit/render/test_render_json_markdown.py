"""The JSON plan (documented in docs/plan-json.md) and the pull-request markdown."""

from __future__ import annotations

import json

import pytest
from render_builders import (
    create_cron,
    delete_template,
    drift,
    full_plan,
    make,
    manifest,
    noop_template,
    ref,
    replace_template,
    update_template,
)

from gp.planner.plan import Action, Mode, ResourceChange
from gp.render.json import plan_json, render_plan_json
from gp.render.markdown import LIMIT, render_plan_markdown


def test_json_top_level_shape():
    data = json.loads(render_plan_json(full_plan()))
    assert list(data) == [
        "format_version",
        "stack",
        "mode",
        "target",
        "resource_drift",
        "interrupted_writes",
        "resource_changes",
        "summary",
        "errors",
        "warnings",
        "notes",
        "tests",
        "runs",
        "applyable",
        "record_fixes",
        "environment",
        "commit",
        "dirty",
        "promotion",
    ]
    assert data["format_version"] == "1.2" and data["stack"] == "geo" and data["mode"] == "normal"
    assert data["target"] == {
        "provider": "kubernetes",
        "server": "https://kube.example:6443",
        "namespace": "pipeline",
    }
    assert data["summary"] == {"add": 2, "change": 1, "destroy": 2}
    assert data["applyable"] is True and data["errors"] == []


def test_json_resource_changes():
    data = plan_json(full_plan())
    by_address = {c["address"]: c for c in data["resource_changes"]}
    assert {a: c["change"]["actions"] for a, c in by_address.items()} == {
        "cron_workflow.nightly": ["create"],
        "workflow_template.old": ["delete"],
        "workflow_template.same": ["no-op"],
        "workflow_template.sen2cor": ["update"],
        "workflow_template.tile": ["delete", "create"],
    }
    update = by_address["workflow_template.sen2cor"]
    assert {
        k: update[k] for k in ("kind", "namespace", "name", "action_reason", "resource_version")
    } == {
        "kind": "WorkflowTemplate",
        "namespace": "pipeline",
        "name": "sen2cor",
        "action_reason": None,
        "resource_version": "12",
    }
    assert update["change"]["fields"] == [
        {
            "path": 'spec.templates["main"].container.image',
            "before": "geo/sen2cor:2.9.0",
            "after": "geo/sen2cor:2.10.0",
        }
    ]
    tile = by_address["workflow_template.tile"]
    assert tile["action_reason"] == "replace_because_identity_changed"
    assert (tile["name"], tile["replaces"]["name"]) == ("tile-v2", "tile")
    assert by_address["workflow_template.old"]["change"]["after"] is None
    assert (
        by_address["cron_workflow.nightly"]["schedule"]["after"]["next_runs"][0]
        == "2024-06-02T02:00:00+00:00"
    )


def test_json_drift():
    (d,) = plan_json(full_plan())["resource_drift"]
    assert d["address"] == "cron_workflow.hourly"
    assert d["change"]["actions"] == ["update"]
    assert d["change"]["fields"] == [{"path": "spec.suspend", "before": False, "after": True}]


def test_json_masks_sensitive_values():
    c = update_template(image_before="ghcr.io/x:hunter2")
    c.after["spec"]["templates"][0]["env"] = [{"name": "TOKEN", "value": "hunter2"}]
    text = render_plan_json(
        make([c], errors=("workflow_template.x: bad hunter2",)), sensitive=["hunter2"]
    )
    assert "hunter2" not in text
    data = json.loads(text)
    assert data["resource_changes"][0]["change"]["fields"][0]["before"] == "(sensitive value)"
    assert data["applyable"] is False


def test_json_no_op_plan_is_not_applyable():
    assert plan_json(make([noop_template()]))["applyable"] is False


def test_markdown_summary_and_table():
    md = render_plan_markdown(full_plan())
    head = md.split("<details>")[0]
    assert head.startswith(
        "## gp plan for stack `geo`\n\n**Plan: 2 to add, 1 to change, 2 to destroy.**\n"
    )
    assert (
        "> :warning: **This plan destroys 2 objects:** `workflow_template.old`, `workflow_template.tile`"
        in head
    )
    assert "| update | `workflow_template.sen2cor` | WorkflowTemplate pipeline/sen2cor |" in head
    assert "| `cron_workflow.hourly` | CronWorkflow pipeline/hourly | 1 field(s) changed |" in head
    assert "workflow_template.same" not in md  # no-ops are not listed
    assert md.count("<details>") == 5 and md.count("</details>") == 5


def test_markdown_diff_block_snapshot():
    md = render_plan_markdown(make([update_template()]))
    assert md == (
        "## gp plan for stack `geo`\n\n"
        "**Plan: 0 to add, 1 to change, 0 to destroy.**\n\n"
        "| Action | Address | Object |\n"
        "|---|---|---|\n"
        "| update | `workflow_template.sen2cor` | WorkflowTemplate pipeline/sen2cor |\n\n"
        "\n<details><summary><code>workflow_template.sen2cor</code> will be updated in-place</summary>\n\n"
        "```diff\n"
        '!   WorkflowTemplate "pipeline/sen2cor" {\n'
        '!       template "main" {\n'
        '!           container.image = "geo/sen2cor:2.9.0" -> "geo/sen2cor:2.10.0"\n'
        "        }\n"
        "        # (7 unchanged fields hidden)\n"
        "    }\n"
        "```\n\n"
        "</details>\n"
    )


def test_markdown_no_warning_without_destroy_and_errors_listed():
    md = render_plan_markdown(make([create_cron()], errors=("a|b: broken",)))
    assert ":warning:" not in md
    assert "**Errors (this plan cannot be applied):**\n\n- a\\|b: broken\n" in md


def test_markdown_fence_outlasts_backticks_in_values():
    c = update_template(image_before="```evil")
    md = render_plan_markdown(make([c]))
    assert "````diff\n" in md and "\n````\n" in md


def big_plan(n: int) -> list[ResourceChange]:
    spec = {
        "entrypoint": "main",
        "templates": [{"name": f"t{i}", "container": {"image": "x" * 80}} for i in range(40)],
    }
    return [
        ResourceChange(
            f"workflow_template.w{i:03}",
            ref("WorkflowTemplate", f"w{i:03}"),
            Action.CREATE,
            None,
            None,
            manifest("WorkflowTemplate", f"w{i:03}", spec),
            None,
        )
        for i in range(n)
    ]


def test_markdown_truncates_details_never_the_summary():
    changes = big_plan(60)
    md = render_plan_markdown(make(changes))
    assert len(md) <= LIMIT
    assert "**Plan: 60 to add, 0 to change, 0 to destroy.**" in md
    assert all(f"`workflow_template.w{i:03}`" in md.split("<details>")[0] for i in range(60))
    assert md.count("<details>") == md.count("</details>")
    shown = md.count("<details>")
    assert 0 < shown < 60
    assert md.rstrip().endswith("Run `gp show` on the saved plan for the whole of it._")
    assert f"1 diff was cut and {60 - shown} of 60 object diffs were left out" in md
    assert "... (cut to fit the comment size limit)" in md


@pytest.mark.parametrize("limit", [3000, 8000, 20000])
def test_markdown_respects_any_limit(limit):
    md = render_plan_markdown(make(big_plan(10)), limit=limit)
    assert len(md) <= limit
    assert "shortened to stay under" in md


def test_markdown_under_the_limit_is_not_truncated():
    md = render_plan_markdown(
        make([update_template(), delete_template(), replace_template()], [drift()])
    )
    assert "shortened" not in md


def test_markdown_refresh_only():
    md = render_plan_markdown(make([], [drift()], mode=Mode.REFRESH_ONLY))
    assert "**Refresh: 1 object changed outside gp; applying records them.**" in md
    assert "has changed outside gp" in md and "| Action |" not in md


def test_cli_entry_points():
    from render_builders import TARGET

    from gp.planner.stack_record import RecordEntry, StackRecord
    from gp.render import json as render_json
    from gp.render.formats import RENDERERS

    assert RENDERERS["json"].plan(full_plan(), (), False) == render_plan_json(full_plan())
    assert RENDERERS["markdown"].plan(full_plan(), (), False) == render_plan_markdown(full_plan())
    record = StackRecord(
        "geo", {"workflow_template.a": RecordEntry(ref("WorkflowTemplate", "a"), {})}, "t", "me"
    )
    assert json.loads(render_json.render_owned(record, TARGET)) == {
        "format_version": "1.0",
        "stack": "geo",
        "target": {
            "provider": "kubernetes",
            "server": "https://kube.example:6443",
            "namespace": "pipeline",
        },
        "applied_at": "t",
        "applied_by": "me",
        "objects": [
            {
                "address": "workflow_template.a",
                "api_version": "argoproj.io/v1alpha1",
                "kind": "WorkflowTemplate",
                "namespace": "pipeline",
                "name": "a",
            }
        ],
    }


def test_all_environments_in_one_comment_within_the_limit():
    import dataclasses

    from gp.api import Plan
    from gp.api.envs import render_all
    from gp.errors import ProviderError

    plans = {
        name: Plan(dataclasses.replace(make(big_plan(60)), stack=f"geo-{name}", environment=name))
        for name in ("dev", "staging")
    }
    both = {**plans, "prod": ProviderError("cannot reach the Kubernetes API at https://prod")}
    md = render_all(both, "markdown")
    assert len(md) <= LIMIT
    sections = md.split("\n---\n\n")
    assert [s.splitlines()[0] for s in sections] == [
        "## gp plan for environment `dev` (stack `geo-dev`)",
        "## gp plan for environment `staging` (stack `geo-staging`)",
        "## gp plan for environment `prod`",
    ]
    for section in sections[:2]:  # each shortened within its share, its summary whole
        assert "**Plan: 60 to add, 0 to change, 0 to destroy.**" in section
        assert "This comment was shortened to stay under" in section
    assert "**Could not plan:** cannot reach the Kubernetes API at https://prod" in sections[2]
