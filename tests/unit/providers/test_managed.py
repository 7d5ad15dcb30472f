"""managedFields -> the fields others set by ordinary edits; plan paths -> JSON pointers."""

from __future__ import annotations

from gp.providers.managed import foreign_fields, json_pointer


def entry(manager, operation, fields, **extra):
    return {"manager": manager, "operation": operation, "fieldsV1": fields, **extra}


def test_only_update_managers_other_than_gp_count():
    managed = [
        entry("gp", "Apply", {"f:spec": {"f:schedules": {}}}),
        entry("argocd", "Apply", {"f:spec": {"f:timezone": {}}}),
        entry("gp", "Update", {"f:spec": {"f:x": {}}}),
        entry("argo-ui", "Update", {"f:spec": {"f:suspend": {}}}),
    ]
    assert foreign_fields(managed, "gp") == {"spec": {"suspend": None}}


def test_status_metadata_and_subresources_are_not_tracked():
    managed = [
        entry(
            "workflow-controller",
            "Update",
            {"f:status": {"f:active": {}}, "f:metadata": {"f:labels": {}}},
        ),
        entry("kubectl", "Update", {"f:spec": {"f:suspend": {}}}, subresource="status"),
    ]
    assert foreign_fields(managed, "gp") is None


def test_a_schemaless_spec_is_owned_whole():
    assert foreign_fields([entry("kubectl-edit", "Update", {"f:spec": {}})], "gp") == {"spec": None}


def test_named_list_items_and_wholes_merge():
    managed = [
        entry(
            "a", "Update", {"f:spec": {"f:templates": {'k:{"name":"main"}': {".": {}, "f:x": {}}}}}
        ),
        entry(
            "b",
            "Update",
            {
                "f:spec": {
                    "f:templates": {'k:{"name":"b"}': {"f:container": {"f:image": {}}}},
                    "f:arguments": {"f:parameters": {}},
                }
            },
        ),
    ]
    assert foreign_fields(managed, "gp") == {
        "spec": {
            "templates": {"main": None, "b": {"container": {"image": None}}},
            "arguments": {"parameters": None},
        }
    }


def test_json_pointer_finds_list_items_by_name_and_escapes():
    manifest = {
        "spec": {
            "templates": [{"name": "a"}, {"name": "b", "activeDeadlineSeconds": 3}],
            "nodeSelector": {"ga/pool": "x"},
        }
    }
    assert (
        json_pointer(manifest, 'spec.templates["b"].activeDeadlineSeconds')
        == "/spec/templates/1/activeDeadlineSeconds"
    )
    assert json_pointer(manifest, 'spec.nodeSelector["ga/pool"]') == "/spec/nodeSelector/ga~1pool"
    assert json_pointer(manifest, 'spec.templates["zz"].x') is None
    assert json_pointer(manifest, "spec.suspend") is None
