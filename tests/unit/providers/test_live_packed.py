"""A live object read from a LIST is kept as its JSON and fingerprint: the planner sees the same
object as before, and a copy of it (a saved plan, a pickle) is a plain LiveObject."""

from __future__ import annotations

import pickle

from gp.compile.objects import ObjectRef
from gp.planner.fingerprint import digest
from gp.planner.normalize import strip_server_fields
from gp.planner.plan import LiveObject
from gp.providers.live import packed

REF = ObjectRef("argoproj.io/v1alpha1", "WorkflowTemplate", "ns", "t")
MANIFEST = {
    "apiVersion": "argoproj.io/v1alpha1",
    "kind": "WorkflowTemplate",
    "metadata": {"name": "t", "namespace": "ns", "uid": "u-1", "resourceVersion": "7"},
    "spec": {"templates": [{"name": "main", "container": {"image": "busybox", "args": [1, 1.5]}}]},
}


def test_a_packed_object_is_the_object_it_was_read_as():
    live = packed(REF, MANIFEST, "7", "workflow_template.t", True, None)
    plain = LiveObject(REF, MANIFEST, "7", "workflow_template.t", True, None)
    assert live.manifest == MANIFEST and live.manifest is not MANIFEST  # decoded afresh
    assert live == plain
    assert live.fingerprint == digest(strip_server_fields(MANIFEST))
    copied = pickle.loads(pickle.dumps(live))
    assert type(copied) is LiveObject and copied == plain
