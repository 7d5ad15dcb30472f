"""Normalisation: what two manifests must agree on before a difference counts.

The API server and Argo's controller write fields gp never sets (status, uid, managedFields,
the cron controller's bookkeeping annotations, Argo server's creator labels), Kubernetes omits
Go zero values on output, int-or-string fields come back as either type, and podSpecPatch is
a JSON or YAML document hidden in a string. None of that is a change a user made.
"""

from __future__ import annotations

import re
from typing import Any

_SERVER_METADATA = (
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "managedFields",
    "selfLink",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
)
_SERVER_MARK_PREFIXES = (
    "cronworkflows.argoproj.io/",
    "workflows.argoproj.io/creator",
    "workflows.argoproj.io/actor",
    "kubectl.kubernetes.io/last-applied-configuration",
)
_INT = re.compile(r"^-?(0|[1-9][0-9]*)$")


def is_server_mark(key: str) -> bool:
    """A label or annotation written by the API server, Argo or kubectl, never by gp."""
    return key.startswith(_SERVER_MARK_PREFIXES)


def strip_server_fields(manifest: dict[str, Any]) -> dict[str, Any]:
    """The manifest without the fields the server or Argo's controller own.

    Only the parts it changes are copied (the top level and metadata); the spec is shared
    with ``manifest``, since copying every spec of a large stack on each plan costs seconds.
    Treat the result as read-only.
    """
    out = dict(manifest)
    out.pop("status", None)
    meta = out.get("metadata")
    if isinstance(meta, dict):
        meta = out["metadata"] = dict(meta)
        for key in _SERVER_METADATA:
            meta.pop(key, None)
        for marks in ("labels", "annotations"):
            if isinstance(meta.get(marks), dict):
                meta[marks] = {k: v for k, v in meta[marks].items() if not is_server_mark(k)}
                if not meta[marks]:
                    del meta[marks]
    return out


def parse_patch(text: str) -> Any:
    """A ``podSpecPatch`` string as the document it holds (YAML is a superset of JSON)."""
    import yaml  # only a podSpecPatch needs it

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text  # not a document: compared as the text it is


def parse_pod_spec_patches(value: Any) -> Any:
    """A copy with every ``podSpecPatch`` string parsed."""
    if isinstance(value, dict):
        out = type(value)()
        for k, v in value.items():
            if k == "podSpecPatch" and isinstance(v, str):
                v = parse_patch(v)
            out[k] = parse_pod_spec_patches(v)
        return out
    if isinstance(value, list):
        return [parse_pod_spec_patches(v) for v in value]
    return value


def is_zero(value: Any) -> bool:
    """Go's zero value, which Kubernetes omits on output, so equal to absent."""
    if isinstance(value, dict):
        return all(is_zero(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return len(value) == 0
    return (
        value is None
        or value == ""
        or value is False
        or (isinstance(value, (int, float)) and not isinstance(value, bool) and value == 0)
    )


# User data: "" there is a value and "10" is text.
_DATA_MAPS = frozenset({"labels", "annotations", "nodeSelector"})
# Names that key list items stay text, so the same item is found on both sides.
_IDENTITY_KEYS = frozenset({"name", "key"})


def canonical(value: Any, field: str | None = None) -> Any:
    """Zero values dropped and integer strings as integers, recursively (types kept)."""
    if isinstance(value, dict):
        if field in _DATA_MAPS:
            return type(value)(value)
        out = type(value)()
        for k, v in value.items():
            v = v if k in _IDENTITY_KEYS else canonical(v, k)
            # Maps here are already pruned, so an empty one is all that is zero.
            if bool(v) if isinstance(v, dict) else not is_zero(v):
                out[k] = v
        return out
    if isinstance(value, list):
        return [canonical(v) for v in value]
    if isinstance(value, str) and _INT.match(value):
        return int(value)
    return value


def normalize(manifest: dict[str, Any]) -> dict[str, Any]:
    """The manifest as gp compares it: server fields gone, podSpecPatch parsed, zero values
    dropped, integer strings as integers. Two manifests that normalise equal are the same."""
    return canonical(parse_pod_spec_patches(strip_server_fields(manifest)))
