"""The planner's reading of the record through refactors: duplicates healed, moves by block and
by identity, removals; the next record keeps one entry per object; saved plans keep it all."""

from __future__ import annotations

import copy
import dataclasses

import pytest
from plan_builders import STACK, TARGET, deployed, live_of, plan, state, wt

from gp.compile.objects import ADDRESS_ANNOTATION
from gp.config.addresses import moved_to
from gp.config.model import Moved, Removed
from gp.errors import SourcePos
from gp.planner.plan import Action, Promotion, RecordFix
from gp.planner.serialize import load_plan, save_plan
from gp.planner.stack_record import RecordEntry, StackRecord
from gp.providers.record import next_record, record_from_json, record_to_json

POS = SourcePos("/mod/main.gp.hcl", 12, 1)


def move(src: str, dst: str) -> Moved:
    return Moved(src, dst, POS)


@pytest.mark.parametrize(
    ("address", "src", "dst", "expected"),
    [
        ("workflow_template.a", "workflow_template.a", "workflow_template.b", "workflow_template.b"),
        ('workflow_template.a["k"]', "workflow_template.a", "workflow_template.b", 'workflow_template.b["k"]'),
        ("module.x.workflow_template.t", "module.x", "module.y", "module.y.workflow_template.t"),
        ('module.x["a"].workflow_template.t', "module.x", "module.y", 'module.y["a"].workflow_template.t'),
        ("module.xy.workflow_template.t", "module.x", "module.y", None),
        # An instance address moves alone: adding for_each takes the one object to one key.
        ("workflow_template.a", "workflow_template.a", 'workflow_template.a["k"]', 'workflow_template.a["k"]'),
        ('workflow_template.a["j"]', "workflow_template.a", 'workflow_template.a["k"]', None),
    ],
)  # fmt: skip
def test_a_move_takes_what_its_address_names(address, src, dst, expected) -> None:
    assert moved_to(address, move(src, dst)) == expected


def _renamed(o, address: str):
    manifest = copy.deepcopy(o.manifest)
    manifest["metadata"]["annotations"][ADDRESS_ANNOTATION] = address
    return dataclasses.replace(o, address=address, manifest=manifest)


def test_a_renamed_label_is_a_move_of_the_same_object() -> None:
    old = wt(address="workflow_template.diamond")
    new = _renamed(old, "workflow_template.renamed")
    p = plan([new], deployed(old))
    (change,) = p.changes
    assert (change.action, change.moved_from, change.only_moves) == (
        Action.UPDATE,
        "workflow_template.diamond",
        True,
    )
    assert [f.path for f in change.fields] == ['metadata.annotations["gp.dev/address"]']
    assert not p.drift


def test_a_record_with_duplicates_keeps_the_declared_address_and_says_so() -> None:
    old = wt(address="workflow_template.diamond")
    new = _renamed(old, "workflow_template.renamed")
    live = state(live_of(new), record=(old, new))  # as an earlier gp left it after the move
    p = plan([new], live)
    assert p.record_fixes == (
        RecordFix(new.ref, "workflow_template.renamed", ("workflow_template.diamond",)),
    )
    assert not p.drift and p.has_changes
    assert [c.action for c in p.changes] == [Action.NOOP]
    after = next_record(live.record, p, [], "now", "me")
    assert list(after.entries) == ["workflow_template.renamed"]
    # Undeclared (the object was deleted from the configuration): the live mark decides.
    p = plan([], live)
    assert p.record_fixes[0].kept == "workflow_template.renamed"
    assert [(c.address, c.action) for c in p.changes] == [
        ("workflow_template.renamed", Action.DELETE)
    ]


def test_a_moved_block_that_meets_a_taken_address_warns_and_moves_nothing() -> None:
    a, b = wt("a"), wt("b")
    p = plan([b], deployed(a, b), moves=[move("workflow_template.a", "workflow_template.b")])
    assert any("does not move workflow_template.a" in w for w in p.warnings)
    assert {(c.address, c.action) for c in p.changes} == {
        ("workflow_template.a", Action.DELETE),
        ("workflow_template.b", Action.NOOP),
    }


def test_removed_blocks_forget_or_destroy_what_they_name() -> None:
    kept, legacy = wt("kept"), wt("legacy")
    forget = Removed("workflow_template.legacy", False, POS)
    p = plan([kept], deployed(kept, legacy), removals=[forget])
    gone = next(c for c in p.changes if c.address == "workflow_template.legacy")
    assert (gone.action, gone.removed_by) == (Action.FORGET, "/mod/main.gp.hcl:12")
    assert "gp.dev/stack" not in gone.after["metadata"].get("labels", {})
    assert gone.after["spec"] == legacy.manifest["spec"]
    after = next_record(deployed(kept, legacy).record, p, [gone], "now", "me")
    assert list(after.entries) == ["workflow_template.kept"]
    destroy = dataclasses.replace(forget, destroy=True)
    p = plan([kept], deployed(kept, legacy), removals=[destroy])
    gone = next(c for c in p.changes if c.address == "workflow_template.legacy")
    assert (gone.action, gone.reason) == (Action.DELETE, "delete_because_removed_block")


def test_next_record_never_holds_an_object_twice() -> None:
    a = wt("a")
    b = _renamed(a, "workflow_template.b")
    old = StackRecord(STACK, {"workflow_template.a": RecordEntry(a.ref, a.manifest)})
    p = plan([b], deployed(a))
    after = next_record(old, p, [c for c in p.changes if c.action is not Action.NOOP], "t", "me")
    assert list(after.entries) == ["workflow_template.b"]
    assert after.entries["workflow_template.b"].applied == b.manifest


def test_a_record_is_read_in_format_1_and_written_in_format_2() -> None:
    a = wt("a")
    v1 = (
        '{"format_version": "1", "stack": "geo", "objects": {"workflow_template.a": '
        '{"apiVersion": "argoproj.io/v1alpha1", "kind": "WorkflowTemplate", '
        '"namespace": "pipeline", "name": "a", "applied": {}}}}'
    )
    record = record_from_json(v1, STACK, "here")
    assert record.entries["workflow_template.a"].ref == a.ref
    again = record_from_json(record_to_json(record), STACK, "here")
    assert again == record
    dup = StackRecord(
        STACK, {"x.a": RecordEntry(a.ref, {}), "x.b": RecordEntry(a.ref, {})}, commit="abc"
    )
    with pytest.raises(Exception, match="lists an object twice"):
        record_to_json(dup)


def test_a_saved_plan_keeps_moves_forgets_fixes_and_its_source() -> None:
    kept, legacy = wt("kept"), wt("legacy")
    renamed = _renamed(kept, "workflow_template.kept2")
    live = state(live_of(kept), live_of(legacy), record=(kept, legacy, legacy))
    p = plan(
        [renamed],
        live,
        removals=[Removed("workflow_template.legacy", False, POS)],
        environment="prod",
        commit=("a" * 40, True),
    )
    p = dataclasses.replace(
        p,
        promotion=Promotion("dev", "b" * 40, "a" * 40, (("bbbbbbb", "Bump sen2cor"),)),
        record_fixes=(RecordFix(legacy.ref, "workflow_template.legacy", ("x.y",)),),
    )
    assert {c.action for c in p.changes} == {Action.UPDATE, Action.FORGET}
    assert load_plan(save_plan(p)) == p
    assert (p.environment, p.commit, p.dirty, p.target) == ("prod", "a" * 40, True, TARGET)
