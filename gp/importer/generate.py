"""Argo YAML objects -> gp HCL (`gp import --generate-config`).

The output compiles back to the same objects (LANGUAGE.md): object metadata as attributes,
the spec by schema (``by_schema``), and the short forms where they say exactly the same thing.
What gp's language cannot say is an error naming the object and the field, never dropped.
A Workflow (one run) is declared as the WorkflowTemplate its spec makes, and a note says so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gp.compile.compiler import argo_kinds
from gp.compile.objects import ADDRESS_ANNOTATION, LABEL_PREFIX, MANAGED_BY_LABEL, MANAGED_BY_VALUE
from gp.config.fmt import format_source
from gp.errors import ConfigError
from gp.importer.by_schema import CannotExpress, attrs_first
from gp.importer.fidelity import differences
from gp.importer.hcl_writer import HclAttr, HclBlock, Raw, is_identifier, render_body
from gp.importer.repeats import repeats
from gp.importer.spec_forms import cron_items, workflow_spec_items

BLOCK_TYPES = {
    "WorkflowTemplate": "workflow_template",
    "Workflow": "workflow_template",  # its spec is taken as a WorkflowTemplate body
    "ClusterWorkflowTemplate": "cluster_workflow_template",
    "CronWorkflow": "cron_workflow",
}

# Metadata that the server or Argo own: never part of the configuration.
_OWNED_LABEL = re.compile(
    r"^(workflows\.argoproj\.io/(creator|actor|cron-workflow|completed|phase|workflow-archiving-status)"
    r"|cronworkflows\.argoproj\.io/)"
)
_OWNED_ANNOTATION = re.compile(
    r"^(cronworkflows\.argoproj\.io/|workflows\.argoproj\.io/(pod-name-format)$"
    r"|kubectl\.kubernetes\.io/last-applied-configuration$)"
)


@dataclass(frozen=True)
class Generated:
    """The configuration, and notes on what became something other than what was given."""

    text: str
    notes: tuple[str, ...]
    addresses: tuple[str, ...]  # one per object, in order
    names: tuple[str, ...] = ()  # each object's name as declared (a repeated name made unique)


def generate_config(objects: Sequence[dict], *, source_names: Sequence[str] | None = None) -> str:
    """HCL declaring ``objects`` (parsed YAML documents), each block headed by its source name."""
    return generate(objects, source_names=source_names).text


def generate(
    objects: Sequence[dict], *, source_names: Sequence[str] | None = None, short: bool = True
) -> Generated:
    """The configuration for ``objects``; ``short``: gp's short forms where they apply
    (gp/importer/short_forms.py), else Argo's structure block for block."""
    if source_names is not None and len(source_names) != len(objects):
        raise ValueError("source_names must name every object")
    labels = _Labels()
    planned = [
        (obj, _block_type(obj, i, source_names), _object_name(obj, i, source_names))
        for i, obj in enumerate(objects)
    ]
    notes: list[str] = []
    planned = _unique_names(planned, source_names, notes)
    blocks_by_name = {}
    for obj, block_type, name in planned:
        label = labels.take(block_type, name)
        blocks_by_name[(block_type, _namespace(obj), name)] = label
    out: list[HclBlock] = []
    addresses: list[str] = []
    for i, (obj, block_type, name) in enumerate(planned):
        label = blocks_by_name[(block_type, _namespace(obj), name)]
        try:
            block = _object_block(obj, block_type, label, name, blocks_by_name, short)
        except CannotExpress as e:
            raise CannotExpress(
                f"{_where(i, source_names)}: {obj['kind']} {name}: {e.message}"
            ) from None
        comment = [f"imported from {source_names[i]}"] if source_names is not None else []
        if obj["kind"] == "Workflow":
            note = workflow_note(obj, name)
            comment.append(note)
            notes.append(f"{_where(i, source_names)}: {note}")
        for where, extra in repeats(obj):
            notes.append(
                f"{_where(i, source_names)}: {obj['kind']} {name}: {where} holds {extra} "
                f"repeated entr{'y' if extra == 1 else 'ies'}, written as the YAML has them "
                "(--merge-duplicates keeps one of each, which changes the object)"
            )
        block.comment = "\n".join(comment) or None
        out.append(block)
        addresses.append(f"{block_type}.{label}")
    text = render_body(out) + "\n"
    return Generated(
        format_source(text, "generated.gp.hcl"),
        tuple(notes),
        tuple(addresses),
        tuple(name for _, _, name in planned),
    )


def _unique_names(
    planned: list[tuple[dict, str, str]], source_names: Sequence[str] | None, notes: list[str]
) -> list[tuple[dict, str, str]]:
    """Objects of one kind with one name in one namespace (every Couler pipeline is a Workflow
    named ``runpy``): the first keeps the name, the next become ``runpy-2``, ``runpy-3``, ...
    each said in a note, since two objects cannot share a name."""
    taken: dict[tuple[str, str | None], set[str]] = {}
    for obj, block_type, name in planned:
        taken.setdefault((block_type, _namespace(obj)), set()).add(name)
    first: dict[tuple[str, str | None, str], int] = {}
    out = []
    for i, (obj, block_type, name) in enumerate(planned):
        key = (block_type, _namespace(obj), name)
        if key not in first:
            first[key] = i
            out.append((obj, block_type, name))
            continue
        names = taken[key[:2]]
        n = 2
        while f"{name}-{n}" in names:
            n += 1
        unique = f"{name}-{n}"
        names.add(unique)
        notes.append(
            f"{_where(i, source_names)}: {obj['kind']} {name}: "
            f"{_where(first[key], source_names)} has one of that name too; this one is "
            f'declared as "{unique}"'
        )
        out.append((obj, block_type, unique))
    return out


def check_fidelity(
    objects: Sequence[dict],
    compiled: Sequence[dict],
    source_names: Sequence[str] | None = None,
    names: Sequence[str] | None = None,
) -> list[str]:
    """Where each object's block compiled to something else than the object, one line per
    place; ``names`` are the names the objects were declared with (``Generated.names``)."""
    found = []
    for i, (obj, got) in enumerate(zip(objects, compiled)):
        name = names[i] if names else _object_name(obj, i, source_names)
        for problem in differences(obj, _kept_metadata(obj, name), got):
            found.append(
                f"{_where(i, source_names)}: {obj['kind']} {name}: gp cannot express {problem}"
            )
    return found


def workflow_note(obj: dict, name: str) -> str:
    """What becomes of a Workflow: gp manages definitions, and a Workflow is one run of one."""
    meta = obj.get("metadata") or {}
    named = f'generateName "{meta["generateName"]}"' if not meta.get("name") else f'name "{name}"'
    return (
        f'a Workflow is one run: its spec is declared as the WorkflowTemplate "{name}" (from its {named}); '
        f"run it with: argo submit --from workflowtemplate/{name}"
    )


def _where(i: int, source_names: Sequence[str] | None) -> str:
    return source_names[i] if source_names is not None else f"object {i + 1}"


def _block_type(obj: Any, i: int, source_names: Sequence[str] | None) -> str:
    if not isinstance(obj, dict) or not isinstance(obj.get("kind"), str):
        raise ConfigError(f"{_where(i, source_names)}: not a Kubernetes object (no kind)")
    kind = obj["kind"]
    if kind not in BLOCK_TYPES and kind not in argo_kinds():
        raise CannotExpress(
            f"{_where(i, source_names)}: a {kind} is not an Argo object; gp manages "
            f"{', '.join(argo_kinds())} only"
        )
    return BLOCK_TYPES.get(kind, "manifest")


def _object_name(obj: dict, i: int, source_names: Sequence[str] | None) -> str:
    meta = obj.get("metadata") or {}
    name = meta.get("name") or (meta.get("generateName") or "").rstrip("-.")
    if not name:
        raise ConfigError(
            f"{_where(i, source_names)}: {obj['kind']} has neither metadata.name nor generateName"
        )
    return name


def _namespace(obj: dict) -> str | None:
    return (obj.get("metadata") or {}).get("namespace")


class _Labels:
    """Block labels: identifiers derived from names, unique per block type."""

    def __init__(self) -> None:
        self.used: set[tuple[str, str]] = set()

    def take(self, block_type: str, name: str) -> str:
        base = re.sub(r"[^A-Za-z0-9_-]", "_", name)
        if not is_identifier(base):
            base = "_" + base
        label, n = base, 1
        while (block_type, label) in self.used:
            n += 1
            label = f"{base}_{n}"
        self.used.add((block_type, label))
        return label


def _object_block(
    obj: dict, block_type: str, label: str, name: str, known: dict, short: bool = True
) -> HclBlock:
    items = _metadata_items(obj, label, name)
    if block_type == "manifest":
        content = {k: v for k, v in obj.items() if k != "status"}
        content["metadata"] = _kept_metadata(obj, name)
        return HclBlock("manifest", (label,), [HclAttr("content", content)])
    spec = obj.get("spec") or {}
    if block_type == "cron_workflow":
        items += cron_items(spec, lambda ref: _template_ref(ref, obj, known), short)
    else:
        items += workflow_spec_items(spec, short=short)
    return HclBlock(block_type, (label,), attrs_first(items))


def _template_ref(ref: dict, cron: dict, known: dict) -> Raw | None:
    """``workflow_template.X`` when the cron's template is declared in the same import."""
    if set(ref) != {"name"}:
        return None
    label = known.get(("workflow_template", _namespace(cron), ref["name"]))
    return Raw(f"workflow_template.{label}") if label else None


def _metadata_items(obj: dict, label: str, name: str) -> list[HclAttr]:
    meta = _kept_metadata(obj, name)
    items = []
    if name != label:
        items.append(HclAttr("name", name))
    for key in ("namespace", "labels", "annotations"):
        if meta.get(key):
            items.append(HclAttr(key, meta[key]))
    return items


def _kept_metadata(obj: dict, name: str) -> dict:
    meta = obj.get("metadata") or {}
    out: dict[str, Any] = {"name": name}
    if meta.get("namespace"):
        out["namespace"] = meta["namespace"]
    labels = {
        k: v
        for k, v in (meta.get("labels") or {}).items()
        if not _OWNED_LABEL.match(k)
        and not k.startswith(f"{LABEL_PREFIX}/")
        and not (k == MANAGED_BY_LABEL and v == MANAGED_BY_VALUE)
    }
    annotations = {
        k: v
        for k, v in (meta.get("annotations") or {}).items()
        if not _OWNED_ANNOTATION.match(k) and k != ADDRESS_ANNOTATION
    }
    if labels:
        out["labels"] = labels
    if annotations:
        out["annotations"] = annotations
    return out
