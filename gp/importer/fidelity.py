"""Does the generated configuration compile back to what was imported? Where not, say where.

``differences`` compares an imported object with what its block compiled to, as gp manages it:
a Workflow is compared as the WorkflowTemplate it is declared as, gp's ownership marks and the
metadata gp never keeps (server-owned fields, Argo's own labels) are left out, and templates
are matched by name (Argo keys them by name, so their order means nothing).
"""

from __future__ import annotations

import json
import re
from typing import Any

from gp.compile.objects import ADDRESS_ANNOTATION, LABEL_PREFIX, MANAGED_BY_LABEL

COMPILED_KIND = {"Workflow": "WorkflowTemplate"}
_SHOWN = 60
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def differences(original: dict, kept_metadata: dict, compiled: dict) -> list[str]:
    """Each place where ``compiled`` says something other than ``original``, as a path and both values."""
    want = {k: v for k, v in original.items() if k not in ("metadata", "status", "kind")}
    got = {k: v for k, v in compiled.items() if k not in ("metadata", "status", "kind")}
    if "apiVersion" not in original:  # the kind decides it; gp writes the one Argo serves
        got.pop("apiVersion", None)
    found: list[str] = []
    kind = COMPILED_KIND.get(original.get("kind", ""), original.get("kind"))
    if compiled.get("kind") != kind:
        found.append(_line("kind", kind, compiled.get("kind")))
    _compare(
        "metadata",
        kept_metadata,
        _metadata(compiled.get("metadata") or {}, "namespace" in kept_metadata),
        found,
    )
    _compare("", _templates_by_name(want), _templates_by_name(got), found)
    return found


def _metadata(meta: dict, with_namespace: bool) -> dict:
    out: dict[str, Any] = {"name": meta.get("name")}
    if with_namespace:
        out["namespace"] = meta.get("namespace")
    labels = {
        k: v
        for k, v in (meta.get("labels") or {}).items()
        if k != MANAGED_BY_LABEL and not k.startswith(f"{LABEL_PREFIX}/")
    }
    annotations = {
        k: v for k, v in (meta.get("annotations") or {}).items() if k != ADDRESS_ANNOTATION
    }
    if labels:
        out["labels"] = labels
    if annotations:
        out["annotations"] = annotations
    return out


def _templates_by_name(obj: dict) -> dict:
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return obj
    spec = dict(spec)
    for key, holder in (("", spec), ("workflowSpec", spec.get("workflowSpec"))):
        if isinstance(holder, dict) and isinstance(holder.get("templates"), list):
            templates = holder["templates"]
            names = [t.get("name") for t in templates if isinstance(t, dict)]
            if len(names) == len(templates) and len(set(names)) == len(names):
                holder = {**holder, "templates": dict(zip(names, templates))}
                if key:
                    spec[key] = holder
                else:
                    spec = holder
    return {**obj, "spec": spec}


def _compare(path: str, want: Any, got: Any, found: list[str]) -> None:
    if isinstance(want, dict) and isinstance(got, dict):
        for key in [*want, *(k for k in got if k not in want)]:
            sub = _child(path, key)
            if key not in got:
                found.append(_line(sub, want[key], None, missing=True))
            elif key not in want:
                found.append(_line(sub, None, got[key], extra=True))
            else:
                _compare(sub, want[key], got[key], found)
        return
    if isinstance(want, list) and isinstance(got, list) and len(want) == len(got):
        for i, (w, g) in enumerate(zip(want, got)):
            _compare(f"{path}[{i}]", w, g, found)
        return
    if not _same_scalar(want, got):
        found.append(_line(path, want, got))


def _child(path: str, key: Any) -> str:
    if path.endswith("templates") or not _IDENT.fullmatch(str(key)):
        return f'{path}["{key}"]'
    return f"{path}.{key}" if path else str(key)


def _same_scalar(want: Any, got: Any) -> bool:
    """Equal, or a YAML number or boolean that gp writes as the string Argo reads it as."""
    if want == got and type(want) is type(got):
        return True
    if isinstance(got, str) and isinstance(want, (bool, int, float)):
        return got == (json.dumps(want) if isinstance(want, bool) else str(want))
    return (
        isinstance(want, (int, float))
        and isinstance(got, (int, float))
        and not isinstance(want, bool)
        and not isinstance(got, bool)
        and want == got
    )


def _line(path: str, want: Any, got: Any, *, missing: bool = False, extra: bool = False) -> str:
    if missing:
        return f"{path} ({_shown(want)}) is lost"
    if extra:
        return f"{path} = {_shown(got)} appears, which the YAML does not have"
    return f"{path} becomes {_shown(got)}, not {_shown(want)}"


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."
