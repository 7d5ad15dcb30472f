"""A stored record's entries are kept as their applied manifest's JSON: each reads as the entry
it was stored as, a changed copy (`gp state mv`) is packed too, and a pickle is a plain
RecordEntry."""

from __future__ import annotations

import dataclasses
import pickle

from gp.compile.objects import ObjectRef
from gp.planner.stack_record import RecordEntry, StackRecord
from gp.providers.record import PackedEntry, record_from_json, record_to_json

REF = ObjectRef("argoproj.io/v1alpha1", "WorkflowTemplate", "ns", "t")
APPLIED = {
    "apiVersion": "argoproj.io/v1alpha1",
    "kind": "WorkflowTemplate",
    "metadata": {"name": "t", "namespace": "ns"},
    "spec": {"templates": [{"name": "main", "container": {"image": "busybox", "args": [1, 1.5]}}]},
}


def test_a_stored_record_reads_back_as_the_entries_it_was_saved_with():
    plain = RecordEntry(REF, APPLIED, ("spec.x",), "2026-12-07T00:00:00+00:00")
    record = StackRecord("geo", {"workflow_template.t": plain}, applied_at="2026-12-07")
    loaded = record_from_json(record_to_json(record), "geo", "in test")
    entry = loaded.entries["workflow_template.t"]
    assert isinstance(entry, PackedEntry)
    assert entry == plain and plain == entry
    assert entry.applied == APPLIED and entry.applied is not entry.applied  # decoded afresh
    assert loaded == record


def test_a_changed_packed_entry_is_packed_and_a_pickle_is_plain():
    entry = PackedEntry(REF, APPLIED, ("spec.x",))
    moved = dataclasses.replace(entry, applied={**APPLIED, "metadata": {"name": "u"}})
    assert isinstance(moved, PackedEntry) and moved.applied["metadata"] == {"name": "u"}
    assert moved != entry and entry.sensitive_paths == moved.sensitive_paths == ("spec.x",)
    copied = pickle.loads(pickle.dumps(entry))
    assert type(copied) is RecordEntry and copied == entry
