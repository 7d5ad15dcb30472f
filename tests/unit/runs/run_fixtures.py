"""Workflow objects as Argo's controller writes them, built small for the run logic's tests."""

from __future__ import annotations

SPEC = {
    "entrypoint": "main",
    "arguments": {
        "parameters": [
            {"name": "tile", "value": "T10UDV"},
            {"name": "mode", "value": "fast", "enum": ["fast", "full"]},
            {"name": "bucket"},
        ]
    },
    "templates": [
        {
            "name": "main",
            "dag": {
                "tasks": [
                    {"name": "finalize", "template": "t", "depends": "correct.Succeeded || resize"},
                    {"name": "prep", "template": "t"},
                    {"name": "correct", "template": "t", "depends": "prep.Succeeded"},
                    {
                        "name": "resize",
                        "template": "t",
                        "depends": "prep",
                        "withItems": ["a", "b", "c"],
                    },
                ]
            },
        },
        {"name": "t", "container": {"image": "alpine"}},
    ],
}


def node(
    run: str,
    key: str,
    phase: str,
    type_: str = "Pod",
    children=(),
    message=None,
    started="2025-01-01T00:00:00Z",
    finished=None,
) -> dict:
    name = run + key
    return {
        "id": f"id{name}",
        "name": name,
        "displayName": key.rsplit(".", 1)[-1],
        "type": type_,
        "phase": phase,
        "children": [f"id{run}{c}" for c in children],
        "message": message,
        "startedAt": started,
        "finishedAt": finished,
    }


def workflow(
    run: str = "wf-1",
    phase: str = "Running",
    nodes=(),
    labels=None,
    annotations=None,
    created="2025-01-01T00:00:00Z",
) -> dict:
    status = {
        "phase": phase,
        "startedAt": "2025-01-01T00:00:00Z",
        "nodes": {n["id"]: n for n in nodes},
        "storedWorkflowTemplateSpec": SPEC,
    }
    if phase in ("Succeeded", "Failed", "Error"):
        status["finishedAt"] = "2025-01-01T00:01:05Z"
    return {
        "metadata": {
            "name": run,
            "namespace": "pipeline",
            "creationTimestamp": created,
            "labels": labels or {},
            "annotations": annotations or {},
        },
        "spec": {
            "workflowTemplateRef": {"name": "sen2cor"},
            "arguments": {"parameters": [{"name": "tile", "value": "T11UNQ"}]},
        },
        "status": status,
    }
