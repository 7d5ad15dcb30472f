"""Which fields of a compiled manifest are sensitive, from the marks on the attributes.

The evaluator leaves each attribute with its plain value and the paths inside it that are
marked (``Attr.marks``). Compiling renames keys, turns maps into name/value lists and numbers
into text, so a mark cannot be copied across by its path. It is found where the compiler put
the attribute instead: ``Ctx.positions`` records the attribute's position at every manifest path
it filled. A wholly marked attribute marks those paths; a partly marked one marks, below them,
each field whose value is (or contains) the text of a marked part. An attribute the compiler
recorded nowhere (a plain value in a map block) is looked for below its block the same way.

The result is a list of manifest paths (keys and list indices) that renderers mask.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from gp.compile.context import Ctx, Path, quote
from gp.compile.values import number_text
from gp.config.model import Attr, Block
from gp.errors import SourcePos
from gp.redact import secrets_of

# Never masked: without them an object cannot be named in a plan. `name` and `namespace`
# attributes may not be sensitive at all (checked below).
IDENTITY = (("apiVersion",), ("kind",), ("metadata", "name"), ("metadata", "namespace"))


def check_identity(body: Block, ctx: Ctx) -> None:
    for name in ("name", "namespace"):
        attr = body.attrs.get(name)
        if attr is not None and attr.marks:
            ctx.error(
                f"{quote(name)} cannot be sensitive: it names the object in every plan and "
                "in the cluster's own logs",
                attr.pos,
            )


def warn_plain(manifest: dict[str, Any], paths: Iterable[Path], ctx: Ctx) -> None:
    """A sensitive value in a manifest is in plain text wherever the manifest goes: the
    cluster's object (readable by whoever reads WorkflowTemplates), a GitOps folder. gp masks it
    in its own output only; the value belongs in a Kubernetes Secret, referenced by name."""
    from gp.compile.checks import format_path

    for path in paths:
        where = format_path(manifest, path) or "the object"
        env = len(path) >= 2 and path[-1] == "value" and "env" in path
        fix = (
            'value_from { secret_key_ref { name = "SECRET", key = "KEY" } } instead of value'
            if env
            else "an env entry whose value_from has a secret_key_ref, and read the variable"
        )
        ctx.warn(
            f"a sensitive value is written in plain text at {where}: gp masks it in its own "
            "output, but the object (and a GitOps folder) holds it as it is, for anyone who "
            f"can read it; keep it in a Kubernetes Secret and use {fix} (docs/language.md, "
            '"Sensitive values")',
            ctx.pos_of(path),
        )


def sensitive_paths(body: Block, manifest: dict[str, Any], ctx: Ctx) -> tuple[Path, ...]:
    found: set[Path] = set()
    for attr, blocks in _marked_attrs(body, ()):
        roots = _roots(ctx, attr.pos, manifest)
        if () in attr.marks and roots:
            found.update(roots)
            continue
        scopes = roots or _block_roots(ctx, blocks, manifest) or [()]
        texts = {t for m in attr.marks for t in _texts(_at(attr.value, m))}
        for scope in _minimal(scopes):
            found.update(_matches(_at(manifest, scope), scope, texts))
    return tuple(sorted(_minimal(_keep_identity(found, manifest)), key=_order))


def _marked_attrs(
    block: Block, chain: tuple[Block, ...]
) -> Iterator[tuple[Attr, tuple[Block, ...]]]:
    for attr in block.attrs.values():
        if attr.marks:
            yield attr, chain
    for sub in block.blocks:
        yield from _marked_attrs(sub, (*chain, sub))


def _roots(ctx: Ctx, pos: SourcePos, manifest: Any) -> list[Path]:
    return [p for p, at in ctx.positions.items() if at == pos and _exists(manifest, p)]


def _block_roots(ctx: Ctx, blocks: tuple[Block, ...], manifest: Any) -> list[Path]:
    for block in reversed(blocks):
        roots = _roots(ctx, block.pos, manifest)
        if roots:
            return roots
    return []


def _exists(tree: Any, path: Path) -> bool:
    for seg in path:
        if isinstance(tree, dict) and seg in tree:
            tree = tree[seg]
        elif isinstance(tree, list) and isinstance(seg, int) and 0 <= seg < len(tree):
            tree = tree[seg]
        else:
            return False
    return True


def _at(tree: Any, path: Iterable[Any]) -> Any:
    for seg in path:
        tree = tree[seg]
    return tree


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return number_text(value)
    return str(value)


def _texts(value: Any) -> set[str]:
    if isinstance(value, dict):
        return {str(k) for k in value} | {t for v in value.values() for t in _texts(v)}
    if isinstance(value, list):
        return {t for v in value for t in _texts(v)}
    text = _text(value)
    return {text} if text else set()


def _hit(text: str, secrets: set[str]) -> bool:
    return text in secrets or any(s in text for s in secrets_of(secrets))


def _matches(tree: Any, path: Path, secrets: set[str]) -> Iterator[Path]:
    """Fields under ``path`` holding a marked text; a map whose key is one is marked whole
    (the key would show in the field's path)."""
    if isinstance(tree, dict):
        if any(_hit(str(k), secrets) for k in tree):
            yield path
            return
        for k, v in tree.items():
            yield from _matches(v, (*path, k), secrets)
    elif isinstance(tree, list):
        for i, v in enumerate(tree):
            yield from _matches(v, (*path, i), secrets)
    else:
        text = _text(tree)
        if text is not None and _hit(text, secrets):
            yield path


def _keep_identity(paths: set[Path], manifest: dict[str, Any]) -> set[Path]:
    """A mark on the whole object (or its metadata) spread over its fields but its identity."""
    out: set[Path] = set()
    for path in paths:
        if path in ((), ("metadata",)):
            base = manifest if path == () else manifest.get("metadata") or {}
            out.update(
                (*path, k)
                for k in base
                if (*path, k) not in IDENTITY and (*path, k) != ("metadata",)
            )
            if path == () and "metadata" in manifest:
                out.update(_keep_identity({("metadata",)}, manifest))
        elif path not in IDENTITY:
            out.add(path)
    return out


def _minimal(paths: Iterable[Path]) -> list[Path]:
    """The paths not under another one of them."""
    ordered = sorted(set(paths), key=len)
    kept: list[Path] = []
    for p in ordered:
        if not any(p[: len(k)] == k for k in kept):
            kept.append(p)
    return kept


def _order(path: Path) -> tuple:
    return tuple((isinstance(s, int), str(s)) for s in path)
