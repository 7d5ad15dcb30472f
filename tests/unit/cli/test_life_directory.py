"""The life of a stack on the directory provider, through the CLI as a user types it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cli_helpers import GP, edit, files_under, load

from gp.providers.directory import DirectoryProvider

WT = "pipeline/workflowtemplate/sen2cor-nightly.yaml"
CRON = "pipeline/cronworkflow/nightly-sen2cor.yaml"
NO_CHANGES = "No changes. Your pipelines match the configuration."


@pytest.fixture
def nightly(workspace: Path) -> Path:
    return workspace / "examples" / "nightly"


def applied(gp: GP, module: Path, *extra: str) -> None:
    run = gp("apply", "-C", module, "--auto-approve", *extra)
    assert run.code == 0, run


def changed_lines(text: str) -> list[str]:
    """The lines with a marker (+ ~ -) below an object or template heading: the DAG summary's
    and the field diff's, without headers or the summary line."""
    return [line.strip() for line in text.splitlines() if re.match(r"^\s{6,}[+~-] ", line)]


def test_plan_apply_then_nothing_to_do(gp: GP, nightly: Path) -> None:
    deploy = nightly / "deploy"
    run = gp("plan", "-C", nightly, "--detailed-exitcode")
    assert run.code == 2, run
    assert "Plan: 2 to add, 0 to change, 0 to destroy." in run.out
    assert "# workflow_template.sen2cor-nightly will be created" in run.out
    assert not deploy.exists(), "plan must leave the target as it found it"

    run = gp("apply", "-C", nightly, "--auto-approve")
    assert run.code == 0, run
    assert "Apply complete! Resources: 2 added, 0 changed, 0 destroyed." in run.out
    assert files_under(deploy) == [".gp/nightly.json", CRON, WT]
    template = load(deploy / WT)
    assert template["metadata"]["labels"]["gp.dev/stack"] == "nightly"
    assert (
        template["metadata"]["annotations"]["gp.dev/address"] == "workflow_template.sen2cor-nightly"
    )
    assert template["spec"]["templates"][1]["container"]["image"] == "geo/sen2cor:2.9.0"
    assert load(deploy / CRON)["spec"]["workflowSpec"]["workflowTemplateRef"] == {
        "name": "sen2cor-nightly"
    }

    run = gp("plan", "-C", nightly, "--detailed-exitcode")
    assert (run.code, run.out.strip()) == (0, NO_CHANGES), run
    run = gp("apply", "-C", nightly, "--auto-approve")
    assert (run.code, run.out.strip()) == (0, NO_CHANGES), run


def test_image_and_schedule_change_show_exactly_those_fields(gp: GP, nightly: Path) -> None:
    applied(gp, nightly)
    config = nightly / "main.gp.hcl"
    edit(config, 'image   = "geo/sen2cor:2.9.0"', 'image   = "geo/sen2cor:2.10.0"')
    edit(config, 'default     = "0 2 * * *"', 'default     = "30 3 * * *"')

    run = gp("plan", "-C", nightly, "--detailed-exitcode")
    assert run.code == 2, run
    assert changed_lines(run.out) == [
        "~ task correct: image geo/sen2cor:2.9.0 -> geo/sen2cor:2.10.0",
        '~ spec.schedules = ["0 2 * * *"] -> ["30 3 * * *"]',
        '~ template "correct" {',
        '~ container.image = "geo/sen2cor:2.9.0" -> "geo/sen2cor:2.10.0"',
    ]
    assert "# cron_workflow.nightly-sen2cor will be updated in-place" in run.out
    assert re.search(r"# \(\d+ unchanged fields hidden\)", run.out)
    before = re.search(r"# schedule before: .*America/Toronto; next runs (\S+),", run.out)
    after = re.search(r"# schedule after: .*America/Toronto; next runs (\S+),", run.out)
    assert before and re.search(r"T02:00:00-0[45]:00$", before.group(1))
    assert after and re.search(r"T03:30:00-0[45]:00$", after.group(1))
    assert "Plan: 0 to add, 2 to change, 0 to destroy." in run.out

    run = gp("apply", "-C", nightly, "--auto-approve")
    assert "Apply complete! Resources: 0 added, 2 changed, 0 destroyed." in run.out, run
    deploy = nightly / "deploy"
    assert load(deploy / WT)["spec"]["templates"][1]["container"]["image"] == "geo/sen2cor:2.10.0"
    assert load(deploy / CRON)["spec"]["schedules"] == ["30 3 * * *"]
    assert gp("plan", "-C", nightly, "--detailed-exitcode").code == 0


def test_hand_edit_is_drift_and_apply_restores_it(gp: GP, nightly: Path) -> None:
    applied(gp, nightly)
    path = nightly / "deploy" / WT
    edit(path, "strategy: OnPodSuccess", "strategy: OnPodCompletion")

    run = gp("plan", "-C", nightly, "--detailed-exitcode")
    assert run.code == 2, run
    drift, _, plan = run.out.partition("─" * 20)
    assert "changed outside gp" in drift
    assert "# workflow_template.sen2cor-nightly has changed" in drift
    assert '~ spec.podGC.strategy = "OnPodSuccess" -> "OnPodCompletion"' in drift
    assert '~ spec.podGC.strategy = "OnPodCompletion" -> "OnPodSuccess"' in plan
    assert "Plan: 0 to add, 1 to change, 0 to destroy." in plan

    applied(gp, nightly)
    assert load(path)["spec"]["podGC"] == {"strategy": "OnPodSuccess"}
    assert gp("plan", "-C", nightly, "--detailed-exitcode").code == 0


def test_a_field_added_by_hand_is_drift_and_apply_removes_it(gp: GP, nightly: Path) -> None:
    applied(gp, nightly)
    path = nightly / "deploy" / CRON
    edit(path, "spec:\n", "spec:\n  suspend: true\n")

    run = gp("plan", "-C", nightly, "--detailed-exitcode")
    assert run.code == 2, run
    drift, _, plan = run.out.partition("─" * 20)
    assert "# cron_workflow.nightly-sen2cor has changed" in drift
    assert "+ spec.suspend = true" in drift
    assert "- spec.suspend = true" in plan
    applied(gp, nightly)
    assert "suspend" not in load(path)["spec"]
    assert gp("plan", "-C", nightly, "--detailed-exitcode").code == 0


def test_a_removed_block_is_pruned_with_its_empty_dirs(gp: GP, nightly: Path) -> None:
    applied(gp, nightly)
    config = nightly / "main.gp.hcl"
    text = config.read_text()
    config.write_text(text[: text.index('cron_workflow "nightly-sen2cor"')])

    run = gp("plan", "-C", nightly, "--detailed-exitcode")
    assert run.code == 2, run
    assert "# cron_workflow.nightly-sen2cor will be destroyed" in run.out
    assert "Plan: 0 to add, 0 to change, 1 to destroy." in run.out

    run = gp("apply", "-C", nightly, "--auto-approve")
    assert "Apply complete! Resources: 0 added, 0 changed, 1 destroyed." in run.out, run
    deploy = nightly / "deploy"
    assert files_under(deploy) == [".gp/nightly.json", WT]
    assert not (deploy / "pipeline" / "cronworkflow").exists()
    assert "cron_workflow" not in (deploy / ".gp" / "nightly.json").read_text()


def test_a_module_instance_dropped_from_for_each_is_pruned(gp: GP, workspace: Path) -> None:
    tiles = workspace / "examples" / "tiles"
    applied(gp, tiles)
    crons = sorted(p.name for p in (tiles / "deploy" / "pipeline" / "cronworkflow").iterdir())
    assert len(crons) == 3

    varfile = tiles / "two.gpvars"
    varfile.write_text('tiles = {\n  T10UDV = "0 3 * * *"\n  T10UEV = "15 3 * * *"\n}\n')
    run = gp("apply", "-C", tiles, "--auto-approve", "--var-file", varfile)
    assert "Resources: 0 added, 0 changed, 1 destroyed." in run.out, run
    left = sorted(p.name for p in (tiles / "deploy" / "pipeline" / "cronworkflow").iterdir())
    assert len(left) == 2 and set(left) < set(crons)
    assert not any("t11unq" in name.lower() for name in left)


def test_unmanaged_file_is_refused_until_imported(gp: GP, workspace: Path) -> None:
    module = workspace / "examples" / "whalesay-linear"
    path = module / "deploy" / "pipeline" / "workflowtemplate" / "whalesay-linear.yaml"
    path.parent.mkdir(parents=True)
    handmade = (
        "apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\n"
        "metadata:\n  name: whalesay-linear\n  namespace: pipeline\n"
        "spec:\n  entrypoint: main\n  templates:\n  - name: main\n    container:\n      image: old\n"
    )
    path.write_text(handmade)

    for command in (("plan",), ("apply", "--auto-approve")):
        run = gp(*command, "-C", module)
        assert run.code == 1, run
        assert "use gp import" in run.err
        assert re.search(
            r"^Error: .*main\.gp\.hcl:\d+:\d+: workflow_template\.whalesay-linear: "
            r"WorkflowTemplate pipeline/whalesay-linear exists and is not managed",
            run.err,
            re.M,
        ), run
        assert NO_CHANGES not in run.out
        assert path.read_text() == handmade

    run = gp(
        "import", "-C", module, "workflow_template.whalesay-linear", "pipeline/whalesay-linear"
    )
    assert run.code == 0, run
    assert "Import successful!" in run.out
    labels = load(path)["metadata"]["labels"]
    assert labels["gp.dev/stack"] == "whalesay-linear"
    assert load(path)["spec"]["templates"] == [{"name": "main", "container": {"image": "old"}}]

    run = gp("plan", "-C", module, "--detailed-exitcode")
    assert run.code == 2 and "Plan: 0 to add, 1 to change, 0 to destroy." in run.out, run
    applied(gp, module)
    assert load(path)["spec"]["templates"][1]["container"]["image"] == "docker/whalesay:latest"
    assert gp("plan", "-C", module, "--detailed-exitcode").code == 0


def test_import_of_an_undeclared_address_suggests_the_declared_one(gp: GP, nightly: Path) -> None:
    run = gp(
        "import", "-C", nightly, "workflow_template.sen2cor-nightlyy", "pipeline/sen2cor-nightly"
    )
    assert run.code == 1
    assert 'did you mean "workflow_template.sen2cor-nightly"?' in run.err, run


def test_held_lock_fails_apply_naming_holder_and_id_until_unlocked(gp: GP, nightly: Path) -> None:
    other = DirectoryProvider(nightly / "deploy", "pipeline")
    with other.lock("nightly", "alice@ci-runner-7", 0) as info:
        run = gp("apply", "-C", nightly, "--auto-approve", "--lock-timeout", "200ms")
        assert run.code == 1, run
        assert "alice@ci-runner-7" in run.err and info.lock_id in run.err
        assert f"gp unlock {info.lock_id}" in run.err
        assert not (nightly / "deploy" / WT).exists()

        wrong = gp("unlock", "-C", nightly, "not-the-id")
        assert wrong.code == 1 and info.lock_id in wrong.err, wrong

        run = gp("unlock", "-C", nightly, info.lock_id)
        assert run.code == 0 and info.lock_id in run.out, run
        applied(gp, nightly)
    assert (nightly / "deploy" / WT).exists()
    assert not (nightly / "deploy" / ".gp" / "nightly.lock").exists()


def test_saved_plan_applies_once_and_goes_stale_when_a_file_changes(
    gp: GP, nightly: Path, tmp_path: Path
) -> None:
    saved = tmp_path / "plan.json"
    run = gp("plan", "-C", nightly, "--out", saved)
    assert run.code == 0 and f"gp apply {saved}" in run.out, run

    run = gp("apply", "-C", nightly, saved)
    assert "Apply complete! Resources: 2 added" in run.out, run
    # The same plan again: the files it expected absent now exist.
    run = gp("apply", "-C", nightly, saved)
    assert run.code == 1 and "stale" in run.err, run

    edit(nightly / "main.gp.hcl", 'value = "T10UDV"', 'value = "T10UEV"')
    gp("plan", "-C", nightly, "--out", saved)
    path = nightly / "deploy" / WT
    untouched = path.read_text()
    path.write_text(untouched + "# edited by hand\n")
    run = gp("apply", "-C", nightly, saved)
    assert run.code == 1, run
    assert re.search(
        r"^Error: the saved plan is stale: WorkflowTemplate/pipeline/sen2cor-nightly "
        r"changed since it was made",
        run.err,
        re.M,
    ), run
    assert path.read_text() == untouched + "# edited by hand\n"


def test_saved_plan_for_another_target_or_stack_is_refused(
    gp: GP, nightly: Path, tmp_path: Path
) -> None:
    saved = tmp_path / "plan.json"
    assert gp("plan", "-C", nightly, "--out", saved).code == 0
    config = nightly / "main.gp.hcl"
    edit(config, 'path      = "deploy"', 'path      = "elsewhere"')
    run = gp("apply", "-C", nightly, saved)
    assert run.code == 1, run
    assert "the plan was made for directory" in run.err and "elsewhere" in run.err
    assert files_under(nightly / "elsewhere") == [] and files_under(nightly / "deploy") == []

    edit(config, 'path      = "elsewhere"', 'path      = "deploy"')
    edit(config, 'stack = "nightly"', 'stack = "nightly-2"')
    run = gp("apply", "-C", nightly, saved)
    assert run.code == 1, run
    assert "the plan was made for the stack 'nightly', not 'nightly-2'" in run.err
    assert not (nightly / "deploy" / WT).exists()


def test_destroy_removes_only_what_the_stack_owns(gp: GP, nightly: Path, workspace: Path) -> None:
    applied(gp, nightly)
    deploy = nightly / "deploy"
    foreign = deploy / "pipeline" / "configmap" / "settings.yaml"
    foreign.parent.mkdir(parents=True)
    foreign.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n")
    # Another stack writing to the same directory keeps its objects.
    linear = workspace / "examples" / "whalesay-linear"
    edit(linear / "main.gp.hcl", 'path      = "deploy"', f'path      = "{deploy}"')
    applied(gp, linear)

    run = gp("destroy", "-C", nightly, "--auto-approve")
    assert run.code == 0, run
    assert "Plan: 0 to add, 0 to change, 2 to destroy." in run.out
    assert "Destroy complete! Resources: 2 destroyed." in run.out
    assert files_under(deploy) == [
        ".gp/whalesay-linear.json",
        "pipeline/configmap/settings.yaml",
        "pipeline/workflowtemplate/whalesay-linear.yaml",
    ]
    run = gp("show", "-C", nightly)
    assert 'Stack "nightly"' in run.out and "owns no objects" in run.out, run


def test_destroy_without_approval_and_terminal_refuses(gp: GP, nightly: Path) -> None:
    applied(gp, nightly)
    run = gp("destroy", "-C", nightly)
    assert run.code == 1
    assert "Error: no terminal to ask for approval; run again with --auto-approve" in run.err
    assert (nightly / "deploy" / WT).exists()


def test_show_lists_what_the_stack_owns(gp: GP, nightly: Path) -> None:
    run = gp("show", "-C", nightly)
    assert run.code == 0 and "owns no objects" in run.out, run
    applied(gp, nightly)
    run = gp("show", "-C", nightly)
    assert 'Stack "nightly"' in run.out and "owns 2 objects" in run.out, run
    rows = [line.split() for line in run.out.splitlines() if line.startswith("  ")]
    assert rows == [
        ["ADDRESS", "KIND", "OBJECT"],
        ["cron_workflow.nightly-sen2cor", "CronWorkflow", "pipeline/nightly-sen2cor"],
        ["workflow_template.sen2cor-nightly", "WorkflowTemplate", "pipeline/sen2cor-nightly"],
    ]
    doc = json.loads(gp("show", "-C", nightly, "--format", "json").out)
    assert doc["stack"] == "nightly" and len(doc["objects"]) == 2


def test_show_renders_a_saved_plan_in_each_format(gp: GP, nightly: Path, tmp_path: Path) -> None:
    saved = tmp_path / "plan.json"
    gp("plan", "-C", nightly, "--out", saved)
    doc = json.loads(gp("show", saved, "--format", "json").out)
    assert doc["stack"] == "nightly"
    assert doc["target"]["provider"] == "directory" and doc["target"]["namespace"] == "pipeline"
    assert [(c["address"], c["change"]["actions"]) for c in doc["resource_changes"]] == [
        ("cron_workflow.nightly-sen2cor", ["create"]),
        ("workflow_template.sen2cor-nightly", ["create"]),
    ]
    assert doc["applyable"] is True

    markdown = gp("show", saved, "--format", "markdown").out
    assert "**Plan: 2 to add, 0 to change, 0 to destroy.**" in markdown
    assert "| create | `workflow_template.sen2cor-nightly` |" in markdown
    assert "<details>" in markdown

    text = gp("show", saved).out
    assert "# cron_workflow.nightly-sen2cor will be created" in text


def test_target_limits_plan_and_apply(gp: GP, nightly: Path) -> None:
    run = gp("plan", "-C", nightly, "--target", "workflow_template.sen2cor-nightly")
    assert "Plan: 1 to add, 0 to change, 0 to destroy." in run.out, run
    assert "cron_workflow" not in run.out
    applied(gp, nightly, "--target", "workflow_template.sen2cor-nightly")
    assert files_under(nightly / "deploy") == [".gp/nightly.json", WT]
    run = gp("plan", "-C", nightly)
    assert (
        "Plan: 1 to add" in run.out and "# cron_workflow.nightly-sen2cor will be created" in run.out
    )


def test_refresh_only_shows_drift_and_changes_no_object(gp: GP, nightly: Path) -> None:
    applied(gp, nightly)
    path = nightly / "deploy" / WT
    edit(path, "activeDeadlineSeconds: 7200", "activeDeadlineSeconds: 60")
    drifted = path.read_text()

    run = gp("plan", "-C", nightly, "--refresh-only", "--detailed-exitcode")
    assert run.code == 2, run
    assert "~ spec.activeDeadlineSeconds = 7200 -> 60" in run.out
    assert "refresh-only plan" in run.out
    assert "Refresh: 1 object changed outside gp" in run.out

    applied(gp, nightly, "--refresh-only")
    assert path.read_text() == drifted
    # The record now holds what the file holds: no drift left, only the plan back to config.
    run = gp("plan", "-C", nightly)
    assert "changed outside gp" not in run.out, run
    assert "~ spec.activeDeadlineSeconds = 60 -> 7200" in run.out


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        (("--var", "tile=T01AAA", "--var-file", "{file}"), "T02BBB"),
        (("--var-file", "{file}", "--var", "tile=T01AAA"), "T01AAA"),
        (("--var", "tile=T03CCC", "--var", "tile=T01AAA"), "T01AAA"),
    ],
)
def test_var_and_var_file_last_one_wins(
    gp: GP, nightly: Path, tmp_path: Path, order, expected
) -> None:
    varfile = tmp_path / "tile.gpvars"
    varfile.write_text('tile = "T02BBB"\n')
    args = [a.format(file=varfile) for a in order]
    run = gp("plan", "-C", nightly, *args)
    assert run.code == 0, run
    assert f'+ arguments.parameter "tile" = "{expected}"' in run.out


def test_a_broken_file_in_the_directory_is_an_error_at_its_position(gp: GP, nightly: Path) -> None:
    junk = nightly / "deploy" / "pipeline" / "cronworkflow" / "junk.yaml"
    junk.parent.mkdir(parents=True)
    junk.write_text("kind: CronWorkflow\nspec: [\n")
    run = gp("plan", "-C", nightly)
    assert run.code == 1, run
    assert re.fullmatch(
        rf"Error: {re.escape(str(junk))}: not valid YAML: .+ \(line 3, column 1\)\n", run.err
    ), run

    junk.unlink()
    (nightly / "deploy" / CRON).mkdir(parents=True)  # a directory where the object's file goes
    run = gp("apply", "-C", nightly, "--auto-approve")
    assert run.code == 1 and "internal error" not in run.err, run
    assert "Apply failed." in run.err and "nightly-sen2cor" in run.err
    assert (nightly / "deploy" / WT).is_file()
