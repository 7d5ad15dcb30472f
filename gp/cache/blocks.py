"""Object blocks' evaluations and compilations kept between loads: the block memo.

An edit that touches a tenth of a module's blocks evaluates and compiles a tenth of them: each
object block's evaluation is kept with everything it looked up (``gp.config.memo`` says what
that is and how a kept one is checked), and each evaluated block's compilation is kept by what
was compiled (the evaluation, the provider, the stack). Entries are named by gp's code and
Python's version too, so an upgrade or an edit of gp makes new ones.

Nothing sensitive is kept: a value that holds a secret has no digest here, so an evaluation
that met one is evaluated again each time, and its compilation is not kept either.
"""

from __future__ import annotations

import hashlib
import json
import math
import pickle
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gp.blobs import BlobStore
from gp.cache.lean import pack_compiled, pack_decl, unpack_compiled, unpack_decl
from gp.cache.outcomes import code_fingerprint
from gp.compile.check_context import Checked
from gp.config.memo import Remembered

if TYPE_CHECKING:
    from gp.compile.compiler import CompiledBlock, CompileOne
    from gp.config.model import ObjectDecl, ProviderConfig

_FORMAT = b"gp-blocks-2"
_FOLDER = "blocks"

try:
    import orjson
except ImportError:  # pragma: no cover - orjson is a dependency
    orjson = None  # type: ignore[assignment]


def canonical(value: Any) -> bytes | None:
    """Exact bytes of plain data (types kept, keys sorted); None for anything else: a
    sensitive value, an object, a number JSON cannot hold."""
    data: bytes | None = None
    if orjson is not None:
        try:
            data = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
        except TypeError:
            data = None  # not plain data, or an integer orjson does not hold: the slow way
    if data is None:
        try:
            text = json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)
        except (TypeError, ValueError):
            return None
        return text.encode("utf-8", "surrogatepass")
    if b"null" in data and not _finite(value):
        return None  # orjson writes NaN and infinity as null
    return data


def _finite(value: Any) -> bool:
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, float) and not math.isfinite(v):
            return False
        if isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, (list, tuple)):
            stack.extend(v)
    return True


class Blocks:
    """The block memo (``gp.config.memo.BlockMemo``) and the compilations of evaluated blocks,
    under ``cache_dir``; with no folder, nothing is kept."""

    def __init__(self, cache_dir: Path | None) -> None:
        self.store = BlobStore(cache_dir / _FOLDER) if cache_dir is not None else None
        self._base: bytes | None = None
        # Each evaluation handed out or kept in this load, by identity: what it was made of.
        self._made_of: dict[int, tuple[ObjectDecl, str]] = {}
        # Each compilation of a known evaluation, by identity: its entry's name.
        self._compiled: dict[int, tuple[CompiledBlock, str]] = {}
        # The addresses of the blocks this load evaluated and kept (what an edit cost).
        self.kept: list[str] = []

    def name(self, *parts: bytes) -> str:
        if self._base is None:
            self._base = b"\0".join((_FORMAT, code_fingerprint().encode(), sys.version.encode()))
        h = hashlib.sha256(self._base)
        for part in parts:
            h.update(b"\0" + part)
        return h.hexdigest()

    def release(self) -> None:
        """Forget this load's evaluations and compilations (the load's graph refers back to
        this memo, so they would otherwise live until the collector's rarest pass)."""
        self._made_of.clear()
        self._compiled.clear()

    # -- gp.config.memo.BlockMemo -----------------------------------------------------------

    def key(self, parts: tuple[Any, ...]) -> str | None:
        data = canonical(list(parts))
        return None if data is None or self.store is None else self.name(b"block", data)

    def digest(self, value: Any) -> str | None:
        data = canonical(value)
        return None if data is None else hashlib.sha256(data).hexdigest()

    def recall(self, key: str) -> Remembered | None:
        assert self.store is not None
        data = self.store.get(key, ".pickle")
        if data is None:
            return None
        try:
            tag, (decl, lookups, reads) = pickle.loads(data)
            entry = Remembered(unpack_decl(decl), lookups, reads)
        except Exception:  # truncated, or written by another version: evaluate again
            return None
        if tag != _FORMAT:
            return None
        self._note(entry.decl, key, entry)
        return entry

    def keep(self, key: str, entry: Remembered) -> None:
        assert self.store is not None
        self._note(entry.decl, key, entry)
        self.kept.append(entry.decl.address)
        stored = (pack_decl(entry.decl), entry.lookups, entry.reads)
        data = pickle.dumps((_FORMAT, stored), protocol=pickle.HIGHEST_PROTOCOL)
        self.store.put(key, ".pickle", data)

    def _note(self, decl: ObjectDecl, key: str, entry: Remembered) -> None:
        """What this evaluation is made of: its block's key, what it looked up and read."""
        parts = [key.encode()] + [f"{lookup}={digest}".encode() for lookup, digest in entry.lookups]
        parts += [repr(sorted(getattr(entry.reads, t).items())).encode() for t in _READS]
        self._made_of[id(decl)] = (decl, self.name(b"evaluation", *parts))

    # -- compilations -------------------------------------------------------------------------

    def compiler(self) -> CompileOne:
        """``compile_decl``, its results kept for the evaluations this memo knows."""
        from gp.compile.compiler import compile_decl

        return lambda decl, provider, stack: self.compiled(decl, provider, stack, compile_decl)

    def object_compiler(self) -> Callable[[ObjectDecl, ProviderConfig, str], dict[str, Any]]:
        """``compile_object`` (what `x.manifest` and references to objects hold) through it."""
        from gp.compile.compiler import compile_object

        return lambda decl, provider, stack: compile_object(decl, provider, stack, self.compiler())

    def compiled(
        self, decl: ObjectDecl, provider: ProviderConfig, stack: str, compile_decl: CompileOne
    ) -> CompiledBlock:
        known = self._made_of.get(id(decl))
        settings = canonical([provider.kind, provider.settings, stack])
        if self.store is None or known is None or known[0] is not decl or settings is None:
            return compile_decl(decl, provider, stack)
        name = self.name(b"compiled", known[1].encode(), settings)
        packed = self.get(name)
        try:
            result = unpack_compiled(packed, decl) if packed is not None else None
        except (TypeError, ValueError):
            result = None
        if result is None:
            result = compile_decl(decl, provider, stack)
            if result.sensitive_paths:
                return result
            self.put(name, pack_compiled(result))
        self._compiled[id(result)] = (result, name)
        return result

    # -- check findings ---------------------------------------------------------------------

    @property
    def checks(self) -> _Checks:
        """The findings of each object's checks (``gp.compile.check_context.CheckMemo``)."""
        return _Checks(self)

    def check_name(
        self, r: CompiledBlock, context: list[CompiledBlock], flags: tuple
    ) -> str | None:
        names = []
        for x in (r, *context):
            known = self._compiled.get(id(x))
            if known is None or known[0] is not x:
                return None  # compiled without the memo: its findings are not kept
            names.append(known[1].encode())
        return self.name(b"checked", repr(flags).encode(), *names)

    def get(self, name: str) -> Any:
        assert self.store is not None
        data = self.store.get(name, ".pickle")
        if data is None:
            return None
        try:
            tag, value = pickle.loads(data)
        except Exception:  # truncated, or written by another version: work it out again
            return None
        return value if tag == _FORMAT else None

    def put(self, name: str, value: Any) -> None:
        assert self.store is not None
        self.store.put(name, ".pickle", pickle.dumps((_FORMAT, value), protocol=5))


_READS = ("files", "listings", "tests")


class _Checks:
    def __init__(self, blocks: Blocks) -> None:
        self.blocks = blocks

    def recall(
        self, r: CompiledBlock, context: list[CompiledBlock], flags: tuple
    ) -> Checked | None:
        name = self.blocks.check_name(r, context, flags)
        found = self.blocks.get(name) if name is not None else None
        return found if isinstance(found, Checked) else None

    def keep(
        self, r: CompiledBlock, context: list[CompiledBlock], flags: tuple, checked: Checked
    ) -> None:
        name = self.blocks.check_name(r, context, flags)
        if name is not None:
            self.blocks.put(name, checked)

    def schema_errors(self, kind: str, manifest: dict[str, Any]) -> list[tuple[tuple, str]]:
        from gp.compile.checks import schema_errors
        from gp.compile.schema_shape import shape

        found = shape(kind, manifest)
        data = canonical([kind, found]) if found is not None else None
        if data is None:
            return schema_errors(kind, manifest)
        name = self.blocks.name(b"schema", data)
        kept = self.blocks.get(name)
        if isinstance(kept, list):
            return kept
        errors = schema_errors(kind, manifest)
        self.blocks.put(name, errors)
        return errors
