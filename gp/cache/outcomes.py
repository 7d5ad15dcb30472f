"""A content-addressed cache of what loading and compiling a module made of it.

The key holds every input named up front: gp's version and a fingerprint of its own source
files and of hera's models (the schema), Python's version, the root folder, the working
directory, the variable arguments in order and the ``GP_VAR_*`` values. Every input found while
loading (each file read, folder listed or tested: modules, ``file()``, variables files) is
recorded with its answer (``gp.config.reads``) and asked again before an entry is used, so an
edit anywhere is seen. An unchanged module then costs reading those files and one unpickle,
not parsing, evaluation, compiling and the Argo schema.

Only clean outcomes are kept (no error; warnings are kept), and none that holds a sensitive
value: the cache must not become a copy of the secrets given on the command line.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import pickle
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from gp._version import __version__
from gp.blobs import BlobStore

if TYPE_CHECKING:
    from gp.compile.objects import CompiledObject
    from gp.config.model import Module
    from gp.config.reads import Reads
    from gp.errors import Diagnostic

_FORMAT = b"gp-outcome-1"
_FOLDER = "outcomes"


@dataclass(frozen=True)
class Outcome:
    # The evaluated module without its object blocks (``objects`` is empty): the compiled
    # objects below stand for them.
    module: Module
    count: int  # how many objects the module declares (validate's count)
    objects: tuple[CompiledObject, ...]
    diagnostics: tuple[Diagnostic, ...]  # validate's warnings (a stored outcome has no error)


@dataclass(frozen=True)
class Entry:
    """A stored outcome: what validate needs is read at once, the objects only when asked."""

    count: int
    diagnostics: tuple[Diagnostic, ...]
    payload: bytes  # the pickled (module, objects)
    reads: Reads | None = None  # what the load read (set by lookup; stored beside the entry)

    def outcome(self) -> Outcome:
        module, objects = pickle.loads(self.payload)
        return Outcome(module, self.count, objects, self.diagnostics)


def key(
    root_dir: Path,
    var_args: Sequence[tuple[str, str]],
    env: dict[str, str],
    provider: object = None,
    day: str = "",
) -> str:
    """Every input of a load: ``provider`` is a provider given in place of the module's block
    (the Python API's ``provider=``), which sets the objects' namespace and the target; ``day``
    the date validate's warnings are dated from (a cron's next daylight-saving transitions)."""
    h = hashlib.sha256(_FORMAT)
    for part in (
        __version__,
        sys.version,
        str(root_dir.resolve()),
        os.getcwd(),
        repr(tuple(var_args)),
        repr(provider),
        day,
        repr(sorted((k, v) for k, v in env.items() if k.startswith("GP_VAR_"))),
        code_fingerprint(),
    ):
        h.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return h.hexdigest()


@functools.cache
def code_fingerprint() -> str:
    """gp's own sources and hera's package (the Argo schema) as they are on disk: an editable
    install or an upgraded dependency makes other entries. Taken once per process: the code a
    process runs is the code it loaded."""
    h = hashlib.sha256()
    roots = [Path(__file__).parent]
    hera = importlib.util.find_spec("hera")
    if hera is not None and hera.submodule_search_locations:
        roots.append(Path(next(iter(hera.submodule_search_locations))) / "workflows" / "models")
    for root in roots:
        for folder, dirs, files in os.walk(root):
            dirs.sort()
            for name in sorted(files):
                if name.endswith(".py"):
                    st = os.stat(os.path.join(folder, name))
                    h.update(f"{folder}/{name}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def rendered(cache_dir: Path | None, entry: Entry, fmt: str, render) -> str:
    """``render()``'s text for the entry's objects, kept beside the entry: the text is a pure
    function of the objects and of gp's code, so it is made once per change of either."""
    if cache_dir is None:
        return render()
    h = hashlib.sha256(_FORMAT)
    h.update(f"{fmt}\0{code_fingerprint()}\0".encode())
    h.update(entry.payload)
    store = _store(cache_dir)
    kept = store.get(h.hexdigest(), f".{fmt}")
    if kept is not None:
        try:
            return kept.decode("utf-8")
        except UnicodeDecodeError:
            pass
    text = render()
    store.put(h.hexdigest(), f".{fmt}", text.encode("utf-8"))
    return text


def _store(cache_dir: Path) -> BlobStore:
    return BlobStore(cache_dir / _FOLDER, fan_out=False)


def lookup(cache_dir: Path | None, digest: str) -> Entry | None:
    if cache_dir is None:
        return None
    data = _store(cache_dir).get(digest, ".pickle")
    if data is None:
        return None
    try:
        tag, reads, entry = pickle.loads(data)
    except Exception:  # missing, truncated, or written by another version: compute again
        return None
    if tag != _FORMAT or not isinstance(entry, Entry) or not reads.unchanged():
        return None
    return Entry(entry.count, entry.diagnostics, entry.payload, reads)


def store(cache_dir: Path | None, digest: str, reads: Reads, outcome: Outcome) -> None:
    if (
        cache_dir is None
        or outcome.module.sensitive_values
        or any(o.sensitive_paths for o in outcome.objects)
    ):
        return
    if any(d.severity == "error" for d in outcome.diagnostics):
        return
    payload = pickle.dumps((outcome.module, outcome.objects), protocol=pickle.HIGHEST_PROTOCOL)
    entry = Entry(outcome.count, outcome.diagnostics, payload)
    data = pickle.dumps((_FORMAT, reads, entry), protocol=pickle.HIGHEST_PROTOCOL)
    _store(cache_dir).put(digest, ".pickle", data)
