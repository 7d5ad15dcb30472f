"""One object block -> one Argo manifest, with ownership marks and source positions."""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gp.compile.body import describe
from gp.compile.context import Ctx, quote
from gp.compile.objects import (
    ADDRESS_ANNOTATION,
    API_VERSION,
    MANAGED_BY_LABEL,
    MANAGED_BY_VALUE,
    STACK_LABEL,
    CompiledObject,
    ObjectRef,
)
from gp.compile.schema import node
from gp.compile.sensitive import check_identity, sensitive_paths
from gp.compile.spec import CronRef, compile_cron_spec, compile_workflow_spec
from gp.compile.values import convert_scalar
from gp.config.marks import remark
from gp.config.model import ObjectDecl, ProviderConfig
from gp.config.names import namespace_problem
from gp.errors import DiagnosticsError, SourcePos

KIND_OF_BLOCK = {
    "workflow_template": "WorkflowTemplate",
    "cluster_workflow_template": "ClusterWorkflowTemplate",
    "cron_workflow": "CronWorkflow",
}
CLUSTER_SCOPED = ("ClusterWorkflowTemplate",)
METADATA_ATTRS = ("name", "namespace", "labels", "annotations")
# What the server or Argo's controller own: never part of what gp sends.
SERVER_METADATA = (
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "managedFields",
    "selfLink",
)


@dataclass
class CompiledBlock:
    """A compiled object with what the module-wide checks need to point at its source."""

    decl: ObjectDecl
    manifest: dict[str, Any]
    ctx: Ctx
    cron_ref: CronRef | None = None
    depends_on: tuple[str, ...] = field(default=())
    # Manifest paths whose values are sensitive (``gp.compile.sensitive``).
    sensitive_paths: tuple[tuple, ...] = field(default=())

    @property
    def kind(self) -> str:
        return self.manifest.get("kind", "")

    @property
    def ref(self) -> ObjectRef:
        meta = self.manifest.get("metadata") or {}
        return ObjectRef(API_VERSION, self.kind, meta.get("namespace"), str(meta.get("name", "")))

    def to_object(self) -> CompiledObject:
        return CompiledObject(
            address=self.decl.address,
            ref=self.ref,
            manifest=self.manifest,
            lifecycle=self.decl.lifecycle,
            pos=self.decl.pos,
            depends_on=self.depends_on,
            sensitive_paths=self.sensitive_paths,
        )


def compile_object(
    decl: ObjectDecl, provider: ProviderConfig, stack: str, compile_one: CompileOne | None = None
) -> dict[str, Any]:
    """The `.manifest` of an object block, its sensitive fields marked (``gp.config.marks``) so
    that what is computed from them is too; raises DiagnosticsError listing every problem.
    ``compile_one`` compiles in place of ``compile_decl`` (a memo of compilations)."""
    result = (compile_one or compile_decl)(decl, provider, stack)
    if result.ctx.diags:
        raise DiagnosticsError(result.ctx.diags)
    return remark(result.manifest, result.sensitive_paths)


# One object block compiled (``compile_decl``, or a memo of it).
CompileOne = Callable[[ObjectDecl, ProviderConfig, str], "CompiledBlock"]


def compile_decl(decl: ObjectDecl, provider: ProviderConfig, stack: str) -> CompiledBlock:
    compiled = _compile_decl(decl, provider, stack)
    check_identity(decl.body, compiled.ctx)
    if compiled.manifest:
        compiled.sensitive_paths = sensitive_paths(decl.body, compiled.manifest, compiled.ctx)
    return compiled


def _compile_decl(decl: ObjectDecl, provider: ProviderConfig, stack: str) -> CompiledBlock:
    ctx = Ctx(fallback=decl.pos)
    if decl.kind == "manifest":
        return _compile_manifest(decl, provider, stack, ctx)
    kind = KIND_OF_BLOCK.get(decl.kind)
    if kind is None:
        ctx.error(f"unknown object kind {quote(decl.kind)}", decl.pos)
        return CompiledBlock(decl, {}, ctx)
    body = decl.body
    ctx.mark(("metadata", "name"), _attr_pos(decl, "name"))
    ctx.mark(("metadata", "namespace"), _attr_pos(decl, "namespace"))
    ctx.mark(("spec",), decl.pos)
    cron_ref = None
    if kind == "CronWorkflow":
        spec, cron_ref = compile_cron_spec(body, set(METADATA_ATTRS), ctx, ("spec",))
    else:
        attrs = [a for a in body.attrs.values() if a.name not in METADATA_ATTRS]
        spec = compile_workflow_spec(attrs, body.blocks, ctx, ("spec",), describe(body))
    attrs = _metadata_attrs(body)
    meta = _metadata(decl, kind, attrs, {}, provider, stack, ctx)
    manifest = {"apiVersion": API_VERSION, "kind": kind, "metadata": meta, "spec": spec}
    extra = [cron_ref.address] if cron_ref and cron_ref.address else []
    deps = tuple(dict.fromkeys([*decl.references, *extra]))
    return CompiledBlock(decl, manifest, ctx, cron_ref, deps)


def _metadata_attrs(body) -> dict[str, Any]:
    """The metadata attributes that are set: null means not set, so the default applies
    (a `name = var.x` whose variable is null takes the block label)."""
    return {
        name: a.value
        for name, a in body.attrs.items()
        if name in METADATA_ATTRS and a.value is not None
    }


def _attr_pos(decl: ObjectDecl, name: str) -> SourcePos | None:
    attr = decl.body.attrs.get(name)
    return attr.pos if attr else None


def _metadata(
    decl: ObjectDecl,
    kind: str,
    attrs: dict,
    written: dict,
    provider: ProviderConfig,
    stack: str,
    ctx: Ctx,
) -> dict[str, Any]:
    """Name, namespace, labels and annotations: attributes win over `written` (a manifest's own)."""
    meta: dict[str, Any] = {k: v for k, v in written.items() if k not in SERVER_METADATA}
    for key in METADATA_ATTRS:
        ctx.mark(("metadata", key), _attr_pos(decl, key))
    name = attrs.get("name", meta.get("name", decl.label))
    meta["name"] = convert_scalar(name, str, "name", _attr_pos(decl, "name") or decl.pos, ctx)
    namespace = attrs.get("namespace", meta.get("namespace"))
    if kind in CLUSTER_SCOPED:
        if namespace is not None:
            ctx.error(
                f"{kind} is cluster-scoped; it takes no namespace",
                _attr_pos(decl, "namespace") or decl.pos,
            )
        meta.pop("namespace", None)
    else:
        if namespace:  # the provider's own namespace was checked where it is set
            problem = namespace_problem(namespace)
            if problem:
                ctx.error(
                    problem, _attr_pos(decl, "namespace") or ctx.pos_of(("metadata", "namespace"))
                )
        meta["namespace"] = namespace or provider.namespace
    meta["labels"] = _marks(decl, "labels", meta.get("labels"), attrs.get("labels"), ctx)
    meta["labels"].update({MANAGED_BY_LABEL: MANAGED_BY_VALUE, STACK_LABEL: stack})
    meta["annotations"] = _marks(
        decl, "annotations", meta.get("annotations"), attrs.get("annotations"), ctx
    )
    meta["annotations"][ADDRESS_ANNOTATION] = decl.address
    order = ("name", "namespace", "labels", "annotations")
    return {
        **{k: meta[k] for k in order if k in meta},
        **{k: v for k, v in meta.items() if k not in order},
    }


def _marks(decl: ObjectDecl, what: str, written: Any, attr: Any, ctx: Ctx) -> dict[str, str]:
    pos = _attr_pos(decl, what) or decl.pos
    out: dict[str, str] = {}
    for source in (written, attr):
        if source is None:
            continue
        if not isinstance(source, dict):
            ctx.error(f"{what} expects a map of strings", pos)
            continue
        for k, v in source.items():
            if k in (MANAGED_BY_LABEL, STACK_LABEL, ADDRESS_ANNOTATION) and source is attr:
                ctx.error(f"{what[:-1]} {quote(k)} is set by gp itself and cannot be written", pos)
                continue
            out[str(k)] = convert_scalar(v, str, f"{what}.{k}", pos, ctx)
    return out


@functools.cache
def argo_kinds() -> tuple[str, ...]:
    """Kinds a `manifest` block may hold: every top-level object of argoproj.io/v1alpha1."""
    from gp.compile.schema import vocabulary

    table = vocabulary()
    return tuple(table["kinds"]) if table is not None else argo_kinds_of_models()


def argo_kinds_of_models() -> tuple[str, ...]:
    from hera.workflows import models

    names = [n for n in dir(models) if n[:1].isupper()]
    kinds = []
    for n in names:
        model = getattr(models, n)
        fields = getattr(model, "model_fields", {})
        if (
            {"api_version", "kind", "metadata"} <= set(fields)
            and "argoproj" in model.__module__
            and not n.endswith("List")
        ):
            kinds.append(n)
    return tuple(sorted(kinds))


def _compile_manifest(
    decl: ObjectDecl, provider: ProviderConfig, stack: str, ctx: Ctx
) -> CompiledBlock:
    body = decl.body
    for attr in body.attrs.values():
        if attr.name not in (*METADATA_ATTRS, "content"):
            ctx.error(
                f"unknown field {quote(attr.name)} in manifest; it takes content, {', '.join(METADATA_ATTRS)}",
                attr.pos,
            )
    for sub in body.blocks:
        ctx.error("manifest takes no blocks; put the object in content", sub.pos)
    content_attr = body.attrs.get("content")
    if content_attr is None or not isinstance(content_attr.value, dict):
        ctx.error(
            "manifest needs content, an Argo object given as a map", (content_attr or decl).pos
        )
        return CompiledBlock(decl, {}, ctx)
    content = copy.deepcopy(content_attr.value)
    ctx.mark((), content_attr.pos)
    kind = content.get("kind")
    if content.get("apiVersion") != API_VERSION:
        ctx.error(
            f"manifest content must have apiVersion {API_VERSION}, not {content.get('apiVersion')!r}",
            content_attr.pos,
        )
    if kind not in argo_kinds():
        ctx.error(
            f"manifest content has kind {kind!r}; expected one of {', '.join(argo_kinds())}",
            content_attr.pos,
        )
        kind = str(kind)
    else:
        node(kind)  # the kind exists in Argo's API
    content.pop("status", None)
    attrs = _metadata_attrs(body)
    written = content.get("metadata") if isinstance(content.get("metadata"), dict) else {}
    meta = _metadata(decl, kind, attrs, written, provider, stack, ctx)
    rest = {k: v for k, v in content.items() if k not in ("apiVersion", "kind", "metadata")}
    manifest = {"apiVersion": API_VERSION, "kind": kind, "metadata": meta, **rest}
    deps = tuple(decl.references)
    return CompiledBlock(decl, manifest, ctx, None, deps)
