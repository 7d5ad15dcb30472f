"""Build evaluated modules by hand, as the loader would, so compile tests need no HCL parser."""

from __future__ import annotations

from pathlib import Path

from gp.config.model import Attr, Block, Lifecycle, Module, ObjectDecl, ProviderConfig
from gp.errors import SourcePos

FILE = "main.gp.hcl"


def pos(line: int, col: int = 1) -> SourcePos:
    return SourcePos(FILE, line, col)


def a(name: str, value, line: int = 1, col: int = 3, sensitive: bool = False) -> Attr:
    return Attr(name, value, pos(line, col), sensitive)


def b(type_: str, *labels_and_body, line: int = 1, col: int = 1) -> Block:
    labels = tuple(x for x in labels_and_body if isinstance(x, str))
    body = [x for x in labels_and_body if not isinstance(x, str)]
    attrs = {x.name: x for x in body if isinstance(x, Attr)}
    blocks = [x for x in body if isinstance(x, Block)]
    return Block(type_, labels, attrs, blocks, pos(line, col))


def decl(
    kind: str, label: str, *body, line: int = 1, address: str | None = None, refs=()
) -> ObjectDecl:
    block = b(kind, label, *body, line=line)
    return ObjectDecl(
        address=address or f"{kind}.{label}",
        kind=kind,
        label=label,
        body=block,
        lifecycle=Lifecycle(),
        module_dir=Path("."),
        pos=pos(line),
        references=tuple(refs),
    )


def module(*decls: ObjectDecl, namespace: str = "pipeline", stack: str = "geo") -> Module:
    provider = ProviderConfig("kubernetes", {"namespace": namespace})
    return Module(root_dir=Path("."), stack=stack, provider=provider, objects=list(decls))


def ref(
    address: str, name: str, kind: str = "workflow_template", namespace: str = "pipeline"
) -> dict:
    return {"__gp_ref__": address, "name": name, "namespace": namespace, "kind": kind}


def compiled(*decls: ObjectDecl, **kw) -> list[dict]:
    """The manifests of a module that must compile cleanly."""
    from gp.compile.module import compile_module

    return [o.manifest for o in compile_module(module(*decls, **kw))]


def problems(*decls: ObjectDecl, **kw) -> list[str]:
    """Every diagnostic of a module, as `file:line:col: message`."""
    from gp.compile.module import validate_module

    return [str(d) for d in validate_module(module(*decls, **kw))]


def spec_of(*body, kind: str = "workflow_template", label: str = "wt") -> dict:
    return compiled(decl(kind, label, *body))[0]["spec"]
