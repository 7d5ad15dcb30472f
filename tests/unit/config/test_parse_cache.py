from __future__ import annotations

import pickle

import pytest

from gp.config import load_module, parse_files
from gp.errors import DiagnosticsError

SRC = 'workflow_template "w${n}" {\n  labels = { n = "${n}" }\n}\n'


def write(tmp_path, count=3):
    root = tmp_path / "mod"
    root.mkdir(exist_ok=True)
    for i in range(count):
        (root / f"f{i}.gp.hcl").write_text(SRC.replace("${n}", str(i)))
    return root


def test_second_load_reads_from_cache(tmp_path):
    root, cache = write(tmp_path), tmp_path / "cache"
    parsed = []
    first = load_module(root, env={}, cache_dir=cache, on_parse=parsed.append)
    assert len(parsed) == 3
    parsed.clear()
    second = load_module(root, env={}, cache_dir=cache, on_parse=parsed.append)
    assert parsed == []
    assert [o.address for o in second.objects] == [o.address for o in first.objects]
    assert second.objects[0].pos == first.objects[0].pos  # positions survive the cache


def test_changed_file_is_parsed_again(tmp_path):
    root, cache = write(tmp_path), tmp_path / "cache"
    parse_files(sorted(root.glob("*.gp.hcl")), cache)
    (root / "f1.gp.hcl").write_text(SRC.replace("${n}", "changed"))
    parsed = []
    files = parse_files(sorted(root.glob("*.gp.hcl")), cache, on_parse=parsed.append)
    assert parsed == [root / "f1.gp.hcl"]
    assert files[1].body.blocks[0].labels == ("wchanged",)


@pytest.mark.parametrize("garbage", [b"not a pickle", pickle.dumps(("other-version", None)), b""])
def test_corrupt_or_foreign_cache_entries_are_ignored(tmp_path, garbage):
    root, cache = write(tmp_path, 1), tmp_path / "cache"
    parse_files([root / "f0.gp.hcl"], cache)
    entries = list(cache.rglob("*.pickle"))
    assert len(entries) == 2  # the file's index and its one block's tree
    for entry in entries:
        entry.write_bytes(garbage)
    parsed = []
    (f,) = parse_files([root / "f0.gp.hcl"], cache, on_parse=parsed.append)
    assert parsed == [root / "f0.gp.hcl"] and f.body.blocks[0].labels == ("w0",)


def test_parallel_parse_matches_serial(tmp_path):
    root = write(tmp_path, 4)
    paths = sorted(root.glob("*.gp.hcl"))
    serial = parse_files(paths, None)
    parallel = parse_files(paths, None, parallel_min_bytes=0)
    assert parallel == serial


def test_syntax_errors_are_not_cached(tmp_path):
    root, cache = tmp_path, tmp_path / "cache"
    bad = root / "bad.gp.hcl"
    bad.write_text("locals {\n")
    for _ in range(2):
        with pytest.raises(DiagnosticsError) as info:
            parse_files([bad], cache)
        assert (
            info.value.diagnostics[0].message
            == 'This block is never closed: no "}" matches its "{"'
        )
    assert not list(cache.rglob("*.pickle"))


def test_variables_files_are_never_cached(tmp_path):
    """A --var-file (or gp.vars.hcl) holds secrets: its syntax tree never lands in the cache,
    so nothing of it is left once the file is deleted."""
    root, cache = write(tmp_path, 1), tmp_path / "cache"
    (root / "main.gp.hcl").write_text(
        'variable "token" {\n  type      = string\n  sensitive = true\n}\n'
    )
    secret = "hunter2-in-a-var-file"
    var_file = tmp_path / "prod.gpvars"
    var_file.write_text(f'token = "{secret}"\n')
    (root / "gp.vars.hcl").write_text(f'token = "{secret}-auto"\n')
    load_module(root, env={}, cache_dir=cache, var_order=[("file", str(var_file))])
    var_file.unlink()
    assert cache.exists() and any(cache.rglob("*.pickle"))  # the module's files are cached
    for entry in cache.rglob("*"):
        if entry.is_file():
            assert secret.encode() not in entry.read_bytes(), entry
