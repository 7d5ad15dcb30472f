"""After `kill -9` of an apply, the objects gp itself updated before dying differ from the
stack's record. Their managedFields name gp's field manager as the spec's last writer, after
the record was saved: they are writes of an interrupted apply (reported, and recorded by the
next apply), not changes made outside gp, so a drift check does not page."""

from __future__ import annotations

import copy
from dataclasses import replace

from plan_builders import live_of, plan, state, wt

from gp.planner.plan import Action, Mode
from gp.planner.serialize import load_plan, save_plan
from gp.providers.managed import gp_wrote_after, spec_writer
from gp.providers.record import next_record
from gp.render.formats import renderer, to_string

RECORDED_AT = "2024-06-01T10:00:00+00:00"


def _managed(manager: str, at: str) -> list[dict]:
    return [{"manager": manager, "operation": "Apply", "time": at, "fieldsV1": {"f:spec": {}}}]


def _interrupted(managed: list[dict]):
    """Recorded with the old image; live (and desired) with the new one, written as
    ``managed`` says (read by the provider as it reads managedFields)."""
    old, new = wt(image="geo/sen2cor:2.9.0"), wt(image="geo/sen2cor:2.10.0")
    wrote = gp_wrote_after(managed, "gp", RECORDED_AT)
    live = state(replace(live_of(new), interrupted_write=wrote), record=(old,))
    live = replace(live, record=replace(live.record, applied_at=RECORDED_AT))
    return new, live


def test_gps_own_write_after_the_record_is_an_interrupted_apply_not_drift():
    new, live = _interrupted(_managed("gp", "2024-06-01T11:00:00Z"))
    p = plan([new], live)
    assert p.drift == () and [d.address for d in p.interrupted] == ["workflow_template.sen2cor"]
    assert [c.action for c in p.changes] == [Action.NOOP]
    assert p.has_changes and p.applyable  # an apply records them
    refresh = plan([new], live, mode=Mode.REFRESH_ONLY)
    assert refresh.drift == () and not refresh.has_changes  # a drift check does not page
    text = to_string(renderer("text").plan(p, (), False), color=False)
    assert "interrupted" in text and "outside" not in text
    assert load_plan(save_plan(p)).interrupted == p.interrupted
    record = next_record(live.record, p, [], "2024-06-01T12:00:00Z", "me")
    assert record.entries["workflow_template.sen2cor"].applied == new.manifest


def test_a_write_in_the_second_the_record_was_saved_is_the_interrupted_applys():
    # managedFields and the record are to the second: a fast apply after a fast apply writes
    # within the second the first one's record was saved.
    new, live = _interrupted(_managed("gp", "2024-06-01T10:00:00Z"))
    p = plan([new], live)
    assert p.drift == () and [d.address for d in p.interrupted] == ["workflow_template.sen2cor"]


def test_an_older_write_or_another_writer_is_still_drift():
    for managed in (
        [],
        _managed("gp", "2024-06-01T09:00:00Z"),  # before the record: then someone changed it
        _managed("kubectl", "2024-06-01T11:00:00Z"),
    ):
        new, live = _interrupted(managed)
        p = plan([new], live)
        assert [d.address for d in p.drift] == ["workflow_template.sen2cor"] and not p.interrupted


def test_the_specs_last_writer_is_read_from_managed_fields():
    managed = [
        {
            "manager": "gp",
            "operation": "Apply",
            "time": "2024-06-01T11:00:00Z",
            "fieldsV1": {"f:spec": {}, "f:metadata": {}},
        },
        {
            "manager": "workflow-controller",
            "operation": "Update",
            "time": "2024-06-01T11:05:00Z",
            "fieldsV1": {"f:status": {}},
        },
        {
            "manager": "kubectl",
            "operation": "Update",
            "subresource": "status",
            "time": "2024-06-01T11:06:00Z",
            "fieldsV1": {"f:spec": {}},
        },
    ]
    assert spec_writer(managed) == ("gp", "2024-06-01T11:00:00Z")
    edited = [
        *copy.deepcopy(managed),
        {
            "manager": "kubectl-edit",
            "operation": "Update",
            "time": "2024-06-01T11:07:00Z",
            "fieldsV1": {"f:spec": {"f:x": {}}},
        },
    ]
    assert spec_writer(edited) == ("kubectl-edit", "2024-06-01T11:07:00Z")
    assert spec_writer([]) is None
