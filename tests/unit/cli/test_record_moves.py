"""The record stays true through refactors, on the directory provider: a label rename, a move
into a module and between modules, a for_each key change. After each, one record entry per
object, a clean plan (refresh-only too), and the object's next edit and delete go through its
new address. A record an earlier gp wrote with duplicates heals on the next apply."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from cli_helpers import GP
from record_helpers import addresses, record, template, write

NO_CHANGES = "No changes. Your pipelines match the configuration."
FILE = "deploy/pipeline/workflowtemplate/sen2cor.yaml"

GEO = template("sen2cor")
MODULE_CALL = """
module "{name}" {{
  source = "./{name}"
}}
"""
FOR_EACH = """
workflow_template "tile" {{
  for_each = {{ {key} = "sen2cor" }}
  name     = each.value
  step "correct" {{
    container {{
      image = "geo/sen2cor:2.9.0"
    }}
  }}
}}
"""

# (before: main and child modules, after, the old address, the new one)
MOVES = {
    "label rename": (
        (template("diamond"), {}),
        (template("renamed"), {}),
        "workflow_template.diamond",
        "workflow_template.renamed",
    ),
    "into a module": (
        (template("sen2cor"), {}),
        (MODULE_CALL.format(name="geo"), {"geo": GEO}),
        "workflow_template.sen2cor",
        "module.geo.workflow_template.sen2cor",
    ),
    "between modules": (
        (MODULE_CALL.format(name="geo"), {"geo": GEO}),
        (MODULE_CALL.format(name="eo"), {"eo": GEO}),
        "module.geo.workflow_template.sen2cor",
        "module.eo.workflow_template.sen2cor",
    ),
    "for_each key": (
        (FOR_EACH.format(key="a"), {}),
        (FOR_EACH.format(key="b"), {}),
        'workflow_template.tile["a"]',
        'workflow_template.tile["b"]',
    ),
}


def headings(text: str) -> list[str]:
    """Each object's heading in a plan: '# ADDRESS will be ...' and '# A has moved to B'."""
    return re.findall(r"^  # (\S+ (?:will|has) .*)$", text, flags=re.M)


def clean(gp: GP, root: Path) -> None:
    run = gp("plan", "-C", root, "--detailed-exitcode", "--no-color")
    assert (run.code, run.out.strip()) == (0, NO_CHANGES), run
    run = gp("plan", "-C", root, "--refresh-only", "--detailed-exitcode", "--no-color")
    assert (run.code, run.out.strip()) == (0, NO_CHANGES), run


def applied(gp: GP, root: Path) -> str:
    run = gp("apply", "-C", root, "--auto-approve", "--no-color")
    assert run.code == 0, run
    return run.out


@pytest.mark.parametrize("case", list(MOVES))
def test_a_move_leaves_one_entry_and_the_next_edit_and_delete_use_the_new_address(
    gp: GP, tmp_path: Path, case: str
) -> None:
    (main, children), (main2, children2), old, new = MOVES[case]
    root = write(tmp_path / "m", main, children)
    applied(gp, root)
    assert addresses(root) == [old]

    write(root, main2, children2)
    run = gp("plan", "-C", root, "--detailed-exitcode", "--no-color")
    assert run.code == 2, run
    assert f"# {old} has moved to {new}" in run.out
    assert "gp.dev/address" not in run.out  # said by the heading, not as a field change
    assert "Plan: 0 to add, 0 to change, 0 to destroy, 1 to move." in run.out
    assert "1 moved" in applied(gp, root)
    assert addresses(root) == [new]
    assert yaml.safe_load((root / FILE).read_text())["metadata"]["annotations"] == {
        "gp.dev/address": new
    }
    clean(gp, root)
    shown = gp("show", "-C", root, "--format", "json")
    assert [o["address"] for o in json.loads(shown.out)["objects"]] == [new]

    # The next edit and the delete name the object by its new address.
    for folder in [root, *(root / c for c in children2)]:
        path = folder / "main.gp.hcl"
        path.write_text(path.read_text().replace("geo/sen2cor:2.9.0", "geo/sen2cor:2.10.0"))
    run = gp("plan", "-C", root, "--no-color")
    assert f"# {new} will be updated in-place" in run.out, run
    assert "Plan: 0 to add, 1 to change, 0 to destroy." in run.out
    applied(gp, root)
    clean(gp, root)
    write(root, "")
    run = gp("plan", "-C", root, "--no-color")
    assert headings(run.out) == [f"{new} will be destroyed"], run
    applied(gp, root)
    assert not (root / FILE).exists()
    assert not (root / "deploy" / ".gp" / "moves.json").exists()  # the record of nothing


def test_a_new_name_is_a_new_object_and_the_record_keeps_one_entry(gp: GP, tmp_path: Path) -> None:
    root = write(tmp_path / "m", template("t", name="one"))
    applied(gp, root)
    write(root, template("u", name="two"))
    run = gp("plan", "-C", root, "--no-color")
    assert "Plan: 1 to add, 0 to change, 1 to destroy." in run.out, run
    applied(gp, root)
    assert addresses(root) == ["workflow_template.u"]
    clean(gp, root)


def _as_an_earlier_gp_left_it(root: Path, old: str, new: str) -> None:
    """The record format 1 with the object under both addresses, as gp kept it after a move
    before the record was keyed by identity."""
    doc = record(root)
    (entry,) = doc["objects"].values()
    stale = json.loads(json.dumps(entry))
    stale["applied"]["metadata"]["annotations"]["gp.dev/address"] = old
    objects = {}
    for address, body in ((old, stale), (new, entry)):
        body = {k: v for k, v in body.items() if k != "address"}
        objects[address] = body
    doc.update(format_version="1", objects=objects)
    (root / "deploy" / ".gp" / "moves.json").write_text(json.dumps(doc))


def test_a_record_with_duplicates_heals_on_the_next_apply_and_the_plan_says_so_once(
    gp: GP, tmp_path: Path
) -> None:
    root = write(tmp_path / "m", template("renamed"))
    applied(gp, root)
    _as_an_earlier_gp_left_it(root, "workflow_template.diamond", "workflow_template.renamed")
    shown = gp("show", "-C", root, "--format", "json")
    assert len(json.loads(shown.out)["objects"]) == 2  # the damage, as an earlier gp left it

    run = gp("plan", "-C", root, "--detailed-exitcode", "--no-color")
    assert run.code == 2, run
    assert "has changed" not in run.out  # no drift gp itself made
    assert (
        "Note: The stack's record lists WorkflowTemplate pipeline/sen2cor under "
        "workflow_template.diamond, workflow_template.renamed" in run.out
    )
    assert "keeps it once, as workflow_template.renamed." in run.out
    assert "Plan: 0 to add, 0 to change, 0 to destroy, 1 record entry to repair." in run.out
    applied(gp, root)
    assert record(root)["format_version"] == "2"
    assert addresses(root) == ["workflow_template.renamed"]
    clean(gp, root)  # said once: the next plan is clean
    write(root, "")
    run = gp("plan", "-C", root, "--no-color")
    assert headings(run.out) == ["workflow_template.renamed will be destroyed"], run


def test_a_record_from_a_newer_gp_is_refused_not_overwritten(gp: GP, tmp_path: Path) -> None:
    root = write(tmp_path / "m", template("t"))
    applied(gp, root)
    path = root / "deploy" / ".gp" / "moves.json"
    doc = json.loads(path.read_text())
    path.write_text(json.dumps({**doc, "format_version": "3"}))
    run = gp("plan", "-C", root, "--no-color")
    assert run.code == 1
    assert "has format 3, written by a newer gp" in run.err, run
