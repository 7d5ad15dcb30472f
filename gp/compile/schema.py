"""Argo's field vocabulary, read from hera's generated pydantic models.

Argo's own names come from the models' aliases (``pod_gc`` -> ``podGC``), so gp never guesses
a camelCase spelling. Every node is built lazily from its model class and cached per class: the
cache is a pure function of an immutable class, not mutable global state.
"""

from __future__ import annotations

import functools
import types
import typing
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # pydantic is loaded with the models: the written vocabulary needs neither.
    from pydantic import BaseModel, RootModel

from gp.suggest import closest


class FieldKind(str, Enum):
    SCALAR = "scalar"  # str, int, bool or float (see FieldInfo.scalar)
    INT_OR_STRING = "int_or_string"
    QUANTITY = "quantity"  # a Kubernetes resource quantity; gp writes it as a string
    MODEL = "model"
    LIST = "list"  # a list of scalars
    LIST_OF_MODEL = "list_of_model"
    LIST_OF_LIST_OF_MODEL = "list_of_list_of_model"  # Template.steps: parallel groups
    MAP = "map"  # user data: keys kept exactly as written (labels, node_selector, limits)
    MAP_OF_MODEL = "map_of_model"  # e.g. hooks: user-named keys, model values
    ANY = "any"  # free data (with_items entries, plugin bodies)


@dataclass(frozen=True)
class FieldInfo:
    argo_name: str
    hcl_name: str
    kind: FieldKind
    child: SchemaNode | None = None
    # For SCALAR and LIST: the Python type of the value (str, int, bool, float).
    scalar: type | None = None
    required: bool = False


@dataclass(frozen=True)
class _Shape:
    kind: FieldKind
    model: type[BaseModel] | None = None
    scalar: type | None = None


def _unwrap_optional(ann: Any) -> Any:
    if typing.get_origin(ann) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(ann) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    if typing.get_origin(ann) is typing.Annotated:
        return _unwrap_optional(typing.get_args(ann)[0])
    return ann


def _is_model(ann: Any) -> bool:
    from pydantic import BaseModel, RootModel

    return isinstance(ann, type) and issubclass(ann, BaseModel) and not issubclass(ann, RootModel)


def _root_shape(ann: type[RootModel]) -> _Shape:
    name = ann.__name__
    if name == "IntOrString":
        return _Shape(FieldKind.INT_OR_STRING)
    if name == "Quantity":
        return _Shape(FieldKind.QUANTITY)
    inner = _shape(ann.model_fields["root"].annotation)
    if inner.kind == FieldKind.LIST_OF_MODEL:
        return _Shape(FieldKind.LIST_OF_MODEL, inner.model)  # ParallelSteps: a list of WorkflowStep
    return inner


def _shape(ann: Any) -> _Shape:
    ann = _unwrap_optional(ann)
    origin = typing.get_origin(ann)
    if origin is list:
        (item,) = typing.get_args(ann)
        inner = _shape(item)
        if inner.kind == FieldKind.MODEL:
            return _Shape(FieldKind.LIST_OF_MODEL, inner.model)
        if inner.kind == FieldKind.LIST_OF_MODEL:
            return _Shape(FieldKind.LIST_OF_LIST_OF_MODEL, inner.model)
        if inner.kind in (FieldKind.SCALAR, FieldKind.INT_OR_STRING, FieldKind.QUANTITY):
            return _Shape(FieldKind.LIST, scalar=inner.scalar)
        return _Shape(FieldKind.LIST, scalar=None)
    if origin is dict:
        _, value = typing.get_args(ann)
        inner = _shape(value)
        if inner.kind == FieldKind.MODEL:
            return _Shape(FieldKind.MAP_OF_MODEL, inner.model)
        return _Shape(
            FieldKind.MAP, scalar=str if inner.kind == FieldKind.QUANTITY else inner.scalar
        )
    from pydantic import RootModel

    if isinstance(ann, type) and issubclass(ann, RootModel):
        return _root_shape(ann)
    if _is_model(ann):
        # A model without fields (Plugin) is an open object in Argo's schema.
        return _Shape(FieldKind.MODEL, ann) if ann.model_fields else _Shape(FieldKind.ANY)
    if ann in (str, int, bool, float):
        return _Shape(FieldKind.SCALAR, scalar=ann)
    return _Shape(FieldKind.ANY)


class SchemaNode:
    """The fields of one Argo model, addressable by snake_case (HCL) or Argo name."""

    def __init__(self, model: type[BaseModel]):
        self.model = model

    def __repr__(self) -> str:
        return f"SchemaNode({self.model.__name__})"

    @property
    def name(self) -> str:
        return self.model.__name__

    @functools.cached_property
    def fields(self) -> dict[str, FieldInfo]:
        from gp.compile.argo_newer import newer_fields

        found = [
            (py_name.rstrip("_"), f.alias, f.annotation, f.is_required())  # `from_` is `from`
            for py_name, f in self.model.model_fields.items()
        ]
        found += [(py, alias, ann, False) for py, alias, ann in newer_fields(self.model.__name__)]
        out: dict[str, FieldInfo] = {}
        for hcl, alias, annotation, required in found:
            shape = _shape(annotation)
            child = schema_for(shape.model) if shape.model is not None else None
            out[hcl] = FieldInfo(
                argo_name=alias or hcl,
                hcl_name=hcl,
                kind=shape.kind,
                child=child,
                scalar=shape.scalar,
                required=required,
            )
        return out

    @functools.cached_property
    def _by_argo(self) -> dict[str, FieldInfo]:
        return {f.argo_name: f for f in self.fields.values()}

    @functools.cached_property
    def _singulars(self) -> dict[str, FieldInfo]:
        """Block names for repeated fields: `toleration` -> tolerations, `hook` -> hooks."""
        out: dict[str, FieldInfo] = {}
        for f in self.fields.values():
            if f.kind not in (FieldKind.LIST_OF_MODEL, FieldKind.MAP_OF_MODEL):
                continue
            cand = singular_of(f.hcl_name)
            if cand and cand not in self.fields and cand not in out:
                out[cand] = f
        return out

    def block_name(self, f: FieldInfo) -> str:
        """The block type that adds one entry to the repeated field ``f``: its singular, when free."""
        cand = singular_of(f.hcl_name)
        return cand if cand and self._singulars.get(cand) is f else f.hcl_name

    def field(self, hcl_name: str) -> FieldInfo | None:
        return self.fields.get(hcl_name)

    def by_argo_name(self, argo_name: str) -> FieldInfo | None:
        return self._by_argo.get(argo_name)

    def lookup(self, name: str) -> FieldInfo | None:
        """A key written in a value: snake_case or Argo's own spelling are both accepted."""
        return self.fields.get(name) or self._by_argo.get(name)

    def repeated(self, block_type: str) -> FieldInfo | None:
        """The list or map field a repeated block of this type adds to (plural or singular)."""
        f = self.fields.get(block_type)
        if f is not None and f.kind in (FieldKind.LIST_OF_MODEL, FieldKind.MAP_OF_MODEL):
            return f
        return self._singulars.get(block_type)

    def closest(self, name: str, extra: typing.Iterable[str] = ()) -> str | None:
        names = [*self.fields, *self._singulars, *extra]
        hit = closest(name, names)
        if hit is None and name in self._by_argo:
            return self._by_argo[name].hcl_name
        return hit


# Field names whose last word English does not make singular by its suffix alone.
_IRREGULAR = {"aliases": "alias"}


def singular_of(plural: str) -> str | None:
    """The one block name for an entry of a repeated field: `mutexes` -> `mutex`, `volumes` -> `volume`.

    None when the name is not a plural (`prometheus`, `env`): its block takes the field's name.
    """
    head, _, last = plural.rpartition("_")
    prefix = f"{head}_" if head else ""
    if last in _IRREGULAR:
        return prefix + _IRREGULAR[last]
    if last.endswith("ies"):
        return prefix + last[:-3] + "y"
    if last.endswith(("xes", "sses", "shes", "ches", "zzes")):
        return prefix + last[:-2]
    if last.endswith("s") and not last.endswith(("us", "ss", "is")):
        return prefix + last[:-1]
    return None


@functools.cache
def schema_for(model: type[BaseModel]) -> SchemaNode:
    return SchemaNode(model)


def _models():
    from hera.workflows import models

    return models


class _TableNode(SchemaNode):
    """A node of the vocabulary written from the models (``schema_snapshot``): the same fields,
    no pydantic model behind them."""

    def __init__(self, key: str, name: str, fields: tuple) -> None:
        self.key, self._name, self._entries = key, name, fields

    def __repr__(self) -> str:
        return f"SchemaNode({self._name})"

    @property
    def name(self) -> str:
        return self._name

    @functools.cached_property
    def fields(self) -> dict[str, FieldInfo]:
        out: dict[str, FieldInfo] = {}
        for hcl, argo, kind, child, scalar, required, _text in self._entries:
            out[hcl] = FieldInfo(
                argo_name=argo,
                hcl_name=hcl,
                kind=FieldKind(kind),
                child=_table_node(child) if child is not None else None,
                scalar=_SCALARS[scalar] if scalar is not None else None,
                required=required,
            )
        return out


_SCALARS: dict[str, type] = {"str": str, "int": int, "bool": bool, "float": float}


@functools.cache
def vocabulary() -> dict[str, Any] | None:
    """The vocabulary written from the models (``schema_snapshot``), while it matches them."""
    from gp.compile.schema_snapshot import table

    return table()


@functools.cache
def _table_node(key: str) -> SchemaNode:
    table = vocabulary()
    assert table is not None
    name, fields = table["models"][key]
    return _TableNode(key, name, fields)


def node(name: str) -> SchemaNode:
    """The named part of Argo's API (a kind, or a root of ``schema_snapshot.ROOTS``): from the
    written vocabulary while it matches the installed models, else from the models.
    AttributeError for a name the models do not have."""
    table = vocabulary()
    if table is not None and name in table["roots"]:
        return _table_node(table["roots"][name])
    return schema_for(getattr(_models(), name))


def workflow_spec() -> SchemaNode:
    return node("WorkflowSpec")


def cron_workflow_spec() -> SchemaNode:
    return node("CronWorkflowSpec")


def template() -> SchemaNode:
    return node("Template")


def dag_task() -> SchemaNode:
    return node("DAGTask")


def workflow_step() -> SchemaNode:
    return node("WorkflowStep")


def object_model(kind: str) -> type[BaseModel]:
    """The hera model of a top-level Argo kind ("WorkflowTemplate", ...)."""
    return getattr(_models(), kind)
