"""The rules of CONTRIBUTING.md's layer map that imports alone cannot show (import-linter checks
the imports): who writes files, who prints, and that no module reaches into another's private
names. Each rule reads gp's source; a new breach fails here with the file and line."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

GP = Path(__file__).resolve().parents[2] / "gp"

# Where files may be written: the targets (directory provider, records, locks), the caches'
# store, the CLI (--out files), the public API (Plan.save) and the dev cluster (a test bed).
WRITERS = ("providers/", "blobs.py", "cli/", "api/", "devcluster/")
# Where text may be printed: the renderers' callers that own a terminal, and the dev cluster's
# command line.
PRINTERS = ("cli/", "devcluster/")

_WRITE_METHODS = {"write_text", "write_bytes", "mkdir", "unlink", "rmdir", "touch", "rename"}
_WRITE_FUNCTIONS = {
    ("os", "replace"),
    ("os", "rename"),
    ("os", "remove"),
    ("os", "unlink"),
    ("shutil", "rmtree"),
    ("shutil", "copy"),
    ("shutil", "copy2"),
    ("shutil", "copytree"),
    ("shutil", "move"),
    ("tempfile", "mkstemp"),
    ("tempfile", "mkdtemp"),
    ("tempfile", "TemporaryDirectory"),
    ("tempfile", "NamedTemporaryFile"),
}


def _sources() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(GP.rglob("*.py")):
        rel = path.relative_to(GP).as_posix()
        yield rel, ast.parse(path.read_text(encoding="utf-8"), rel)


def _writes(tree: ast.Module) -> Iterator[int]:
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        fn = node.func
        if isinstance(fn, ast.Attribute) and fn.attr in _WRITE_METHODS:
            yield node.lineno
        elif (
            isinstance(fn, ast.Attribute)
            and isinstance(fn.value, ast.Name)
            and (fn.value.id, fn.attr) in _WRITE_FUNCTIONS
        ):
            yield node.lineno
        elif isinstance(fn, ast.Name) and fn.id == "open" and _opens_for_writing(node):
            yield node.lineno


def _opens_for_writing(call: ast.Call) -> bool:
    modes = list(call.args[1:2]) + [k.value for k in call.keywords if k.arg == "mode"]
    return any(
        isinstance(m, ast.Constant) and isinstance(m.value, str) and set(m.value) & set("wax+")
        for m in modes
    )


def test_only_the_named_rooms_write_files():
    found = [
        f"gp/{rel}:{line}"
        for rel, tree in _sources()
        if not rel.startswith(WRITERS)
        for line in _writes(tree)
    ]
    assert found == [], "files written outside providers, blobs, cli, api and devcluster"


def test_nothing_outside_the_cli_prints():
    found = [
        f"gp/{rel}:{node.lineno}"
        for rel, tree in _sources()
        if not rel.startswith(PRINTERS)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "print"
    ]
    assert found == []


def test_no_module_imports_another_modules_private_names():
    found = [
        f"gp/{rel}:{node.lineno}: {alias.name} from {node.module}"
        for rel, tree in _sources()
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("gp")
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__")
    ]
    assert found == []


def test_the_checks_can_fail():
    # The detectors find what they are meant to, so a green run means something.
    sample = ast.parse(
        "from pathlib import Path\nimport os, shutil\nPath('x').write_text('y')\n"
        "open('f', 'w')\nopen('g')\nos.replace('a', 'b')\nshutil.rmtree('d')\n"
    )
    assert list(_writes(sample)) == [3, 4, 6, 7]
