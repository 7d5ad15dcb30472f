"""How the block memo's entries are kept, so that an unchanged object costs little to read.

A module of a thousand objects reads a thousand evaluations and compilations from the memo on
every edit, and uses few of their parts: an evaluation's body is compiled only when its
compilation is not kept too, and a compilation's source positions are read only by the checks
of an object whose findings are not kept. Those parts are stored as pickles of their own inside
the entry and read on first use (``LazyDecl.body``, ``LazyCtx.positions``); the rest is a few
plain values.
"""

from __future__ import annotations

import pickle
from typing import Any

from gp.compile.compiler import CompiledBlock
from gp.compile.context import Ctx
from gp.config.model import Block, ObjectDecl


def _loads(data: bytes) -> Any:
    return pickle.loads(data)


def _dumps(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


class LazyDecl(ObjectDecl):
    """An evaluated object block whose body is read from its entry on first use."""

    def __init__(self, fields: tuple[Any, ...], body: bytes) -> None:
        (
            self.address,
            self.kind,
            self.label,
            self.lifecycle,
            self.module_dir,
            self.pos,
            self.references,
        ) = fields
        self._body: Block | None = None
        self._packed = body

    @property
    def body(self) -> Block:
        if self._body is None:
            self._body = _loads(self._packed)
        return self._body

    @body.setter
    def body(self, value: Block) -> None:
        self._body = value

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ObjectDecl):
            return NotImplemented
        return _decl_fields(self) == _decl_fields(other) and self.body == other.body

    def __reduce__(self) -> tuple[Any, ...]:
        return (ObjectDecl, (*_decl_fields(self)[:3], self.body, *_decl_fields(self)[3:]))


def _decl_fields(d: ObjectDecl) -> tuple[Any, ...]:
    return (d.address, d.kind, d.label, d.lifecycle, d.module_dir, d.pos, d.references)


def pack_decl(decl: ObjectDecl) -> tuple[tuple[Any, ...], bytes]:
    return _decl_fields(decl), _dumps(decl.body)


def unpack_decl(packed: tuple[tuple[Any, ...], bytes]) -> ObjectDecl:
    return LazyDecl(*packed)


class LazyCtx(Ctx):
    """A compilation's context whose source positions are read on first use."""

    def __init__(self, fallback: Any, diags: list, positions: bytes) -> None:
        self.fallback = fallback
        self.diags = diags
        self._positions: dict | None = None
        self._packed = positions

    @property
    def positions(self) -> dict:
        if self._positions is None:
            self._positions = _loads(self._packed)
        return self._positions

    @positions.setter
    def positions(self, value: dict) -> None:
        self._positions = value

    def __reduce__(self) -> tuple[Any, ...]:
        return (Ctx, (self.fallback, self.diags, self.positions))


def pack_compiled(r: CompiledBlock) -> tuple[Any, ...]:
    return (
        r.manifest,
        r.ctx.fallback,
        list(r.ctx.diags),
        _dumps(r.ctx.positions),
        r.cron_ref,
        r.depends_on,
        r.sensitive_paths,
    )


def unpack_compiled(packed: tuple[Any, ...], decl: ObjectDecl) -> CompiledBlock:
    manifest, fallback, diags, positions, cron_ref, depends_on, sensitive_paths = packed
    return CompiledBlock(
        decl, manifest, LazyCtx(fallback, diags, positions), cron_ref, depends_on, sensitive_paths
    )
