"""The shape of a manifest as Argo's schema checks it: what validation against hera's models can
see of it, so that a finding can be kept and reused for every manifest of the same shape.

Validation (``checks.schema_errors``) reports wrong types, missing required fields and values
outside an enum, by where they are. A field that takes any string (``str``, ``list[str]``,
``dict[str, str]``: the vocabulary records them, ``schema_snapshot``) accepts every string the
same way. The shape is the manifest with the strings of those fields replaced by a mark: two
manifests of one shape get the same findings (their positions are taken from each manifest).
Editing an image or a command changes no shape, so such an edit is checked without loading
the models.
"""

from __future__ import annotations

from typing import Any

from gp.compile.schema import vocabulary

TEXT = "\0text"  # any string, where any string is accepted


def shape(kind: str, manifest: dict[str, Any]) -> Any | None:
    """The shape of ``manifest`` as an object of ``kind``; None without a written vocabulary."""
    table = vocabulary()
    if table is None or kind not in table["roots"]:
        return None
    return _model(manifest, table["roots"][kind], table["models"])


def _model(value: Any, key: str, models: dict[str, Any]) -> Any:
    if not isinstance(value, dict):
        return value
    fields = {argo: entry for _hcl, argo, *entry in models[key][1]}
    out: dict[str, Any] = {}
    for name, item in value.items():
        entry = fields.get(name)
        # A key the model does not name in Argo's spelling is kept whole: the models also
        # take a field by its Python name.
        out[name] = item if entry is None else _field(item, entry, models)
    return out


def _field(value: Any, entry: list[Any], models: dict[str, Any]) -> Any:
    kind, child, _scalar, _required, text = entry
    if text == "str" and isinstance(value, str):
        return TEXT
    if text == "list" and isinstance(value, list):
        return [TEXT if isinstance(v, str) else v for v in value]
    if text == "map" and isinstance(value, dict):
        return {k: TEXT if isinstance(v, str) else v for k, v in value.items()}
    if child is None:
        return value
    if kind == "model":
        return _model(value, child, models)
    if kind == "list_of_model" and isinstance(value, list):
        return [_model(v, child, models) for v in value]
    if kind == "list_of_list_of_model" and isinstance(value, list):
        return [
            [_model(v, child, models) for v in group] if isinstance(group, list) else group
            for group in value
        ]
    if kind == "map_of_model" and isinstance(value, dict):
        return {k: _model(v, child, models) for k, v in value.items()}
    return value
