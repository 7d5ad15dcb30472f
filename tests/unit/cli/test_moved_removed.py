"""`moved` and `removed` blocks on the directory provider, through the CLI: the plan's words,
what apply does to the objects and the record, and validate's errors with file:line."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from cli_helpers import GP
from record_helpers import addresses, template, write

FILE = "deploy/pipeline/workflowtemplate/{}.yaml"


def applied(gp: GP, root: Path) -> str:
    run = gp("apply", "-C", root, "--auto-approve", "--no-color")
    assert run.code == 0, run
    return run.out


def clean(gp: GP, root: Path) -> None:
    for extra in ((), ("--refresh-only",)):
        run = gp("plan", "-C", root, "--detailed-exitcode", "--no-color", *extra)
        assert run.code == 0, run


def line_of(root: Path, needle: str, file: str = "main.gp.hcl") -> int:
    lines = (root / file).read_text().splitlines()
    return next(i for i, line in enumerate(lines, start=1) if needle in line)


def test_a_moved_block_into_a_module_changes_nothing_else(gp: GP, tmp_path: Path) -> None:
    root = write(tmp_path / "m", template("sen2cor"))
    applied(gp, root)
    moved = """
module "geo" {
  source = "./geo"
}

moved {
  from = workflow_template.sen2cor
  to   = module.geo.workflow_template.sen2cor
}
"""
    write(root, moved, {"geo": template("sen2cor")})
    assert gp("validate", "-C", root).code == 0
    run = gp("plan", "-C", root, "--no-color", "--format", "text")
    assert "# workflow_template.sen2cor has moved to module.geo.workflow_template.sen2cor" in (
        run.out
    ), run
    assert "Plan: 0 to add, 0 to change, 0 to destroy, 1 to move." in run.out
    markdown = gp("plan", "-C", root, "--format", "markdown").out
    assert "| move | `module.geo.workflow_template.sen2cor` (from `workflow_template.sen2cor`)" in (
        markdown
    )
    assert (
        "<code>workflow_template.sen2cor</code> has moved to "
        "<code>module.geo.workflow_template.sen2cor</code>" in markdown
    )
    applied(gp, root)
    assert addresses(root) == ["module.geo.workflow_template.sen2cor"]
    clean(gp, root)


def test_a_moved_block_with_a_new_name_replaces_the_object_under_its_new_address(
    gp: GP, tmp_path: Path
) -> None:
    root = write(tmp_path / "m", template("a", name="a"))
    applied(gp, root)
    write(
        root,
        template("b", name="b")
        + "\nmoved {\n  from = workflow_template.a\n  to = workflow_template.b\n}\n",
    )
    run = gp("plan", "-C", root, "--no-color")
    assert "# workflow_template.b will be replaced" in run.out, run
    assert "# (moved from workflow_template.a)" in run.out
    applied(gp, root)
    assert addresses(root) == ["workflow_template.b"]
    assert not (root / FILE.format("a")).exists() and (root / FILE.format("b")).exists()
    clean(gp, root)


def test_removed_without_destroy_stops_managing_and_leaves_the_object(
    gp: GP, tmp_path: Path
) -> None:
    root = write(tmp_path / "m", template("legacy", name="legacy") + template("kept", name="kept"))
    applied(gp, root)
    removed = """
removed {
  from = workflow_template.legacy
  lifecycle {
    destroy = false
  }
}
"""
    write(root, template("kept", name="kept") + removed)
    run = gp("plan", "-C", root, "--no-color", "--detailed-exitcode")
    assert run.code == 2, run
    assert "# workflow_template.legacy will no longer be managed; it stays" in run.out
    assert f"(because of the removed block at main.gp.hcl:{line_of(root, 'removed {')})" in run.out
    assert "Plan: 0 to add, 0 to change, 0 to destroy, 1 to forget." in run.out
    json_plan = gp("plan", "-C", root, "--format", "json").out
    assert '"forget"' in json_plan
    assert "1 forgotten" in applied(gp, root)
    legacy = yaml.safe_load((root / FILE.format("legacy")).read_text())
    assert "gp.dev/stack" not in (legacy["metadata"].get("labels") or {})
    assert "gp.dev/address" not in (legacy["metadata"].get("annotations") or {})
    assert legacy["spec"]["templates"]  # the object itself is as it was
    assert addresses(root) == ["workflow_template.kept"]
    clean(gp, root)
    write(root, template("kept", name="kept"))  # the block can go once applied
    clean(gp, root)


def test_removed_with_destroy_is_a_destroy_named_by_its_block(gp: GP, tmp_path: Path) -> None:
    root = write(tmp_path / "m", template("legacy", name="legacy"))
    applied(gp, root)
    write(root, "removed {\n  from = workflow_template.legacy\n}\n")
    run = gp("plan", "-C", root, "--no-color")
    assert "# workflow_template.legacy will be destroyed" in run.out, run
    assert "(because of the removed block at main.gp.hcl:" in run.out
    json_plan = gp("plan", "-C", root, "--format", "json").out
    assert '"delete_because_removed_block"' in json_plan
    applied(gp, root)
    assert not (root / FILE.format("legacy")).exists()


def test_moved_and_removed_blocks_in_a_child_module(gp: GP, tmp_path: Path) -> None:
    call = 'module "geo" {\n  source = "./geo"\n}\n'
    root = write(tmp_path / "m", call, {"geo": template("old") + template("gone", name="gone")})
    applied(gp, root)
    child = template("new") + (
        "\nmoved {\n  from = workflow_template.old\n  to   = workflow_template.new\n}\n"
        "\nremoved {\n  from = workflow_template.gone\n  lifecycle {\n    destroy = false\n  }\n}\n"
    )
    write(root, call, {"geo": child})
    run = gp("plan", "-C", root, "--no-color")
    assert "# module.geo.workflow_template.old has moved to module.geo.workflow_template.new" in (
        run.out
    ), run
    assert "# module.geo.workflow_template.gone will no longer be managed; it stays" in run.out
    applied(gp, root)
    assert addresses(root) == ["module.geo.workflow_template.new"]
    clean(gp, root)


def errors(gp: GP, root: Path) -> list[str]:
    run = gp("validate", "-C", root, "--no-color")
    assert run.code == 1, run
    return re.findall(r"^Error: (.*)$", run.err, flags=re.M)


def test_validate_checks_moved_and_removed_blocks_with_file_and_line(
    gp: GP, tmp_path: Path
) -> None:
    body = (
        template("a")
        + "\nmoved {\n  from = workflow_template.a\n  to   = workflow_template.b\n}\n"  # from declared
        + "\nmoved {\n  from = workflow_template.x\n  to   = workflow_template.nope\n}\n"
        + "\nmoved {\n  from = workflow_template.p\n  to   = workflow_template.q\n}\n"
        + "\nmoved {\n  from = workflow_template.q\n  to   = workflow_template.p\n}\n"
        + "\nmoved {\n  from = workflow_template.y\n  to   = workflow_template.a\n}\n"
        + "\nmoved {\n  from = workflow_template.y\n  to   = workflow_template.a\n}\n"
        + '\nmoved {\n  from = "workflow_template.z"\n  to   = workflow_template.a\n}\n'
        + "\nremoved {\n  from = workflow_template.a\n}\n"
        + "\nmoved {\n  from = workflow_template.c\n  to   = cron_workflow.c\n}\n"
    )
    root = write(tmp_path / "m", body)
    text = (root / "main.gp.hcl").read_text().splitlines()
    moved_lines = [i for i, line in enumerate(text, start=1) if line == "moved {"]
    removed_line = next(i for i, line in enumerate(text, start=1) if line == "removed {")
    found = errors(gp, root)
    expected = [
        f"main.gp.hcl:{moved_lines[0]}:1: workflow_template.a is still declared: a moved "
        "block's from must name an address the configuration no longer has",
        f"main.gp.hcl:{moved_lines[1]}:1: workflow_template.nope is not declared: a moved "
        "block's to must name an object or module of the configuration",
        f"main.gp.hcl:{moved_lines[2]}:1: The moved blocks form a cycle: workflow_template.p "
        "-> workflow_template.q -> workflow_template.p",
        f"main.gp.hcl:{moved_lines[5]}:1: Two moves from workflow_template.y: the first is at "
        f"line {moved_lines[4]}",
        f"main.gp.hcl:{moved_lines[6] + 1}:3: moved.from must be an address such as "
        'workflow_template.NAME, workflow_template.NAME["key"] or module.NAME (written without '
        "quotes)",
        f"main.gp.hcl:{removed_line}:1: workflow_template.a is still declared: remove its block, "
        "or the removed block",
        f"main.gp.hcl:{moved_lines[7]}:1: A move keeps what it moves: workflow_template.c "
        "cannot move to cron_workflow.c",
    ]
    for message in expected:
        assert message in found, (message, found)
