"""The outcome cache serves an unchanged module without loading it again, and never serves a
stale outcome: every file read, folder listed and variable given is part of its key."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gp import operations
from gp.errors import DiagnosticsError

HEAD = 'provider "directory" {\n  path = "d"\n}\n'


def template(name: str, image: str) -> str:
    return (
        f'workflow_template "{name}" {{\n  step "a" {{\n    container {{ image = {image} }}\n'
        "  }\n}\n"
    )


def images(compiled) -> list[str]:
    return [o.manifest["spec"]["templates"][1]["container"]["image"] for o in compiled.objects]


@pytest.fixture
def module(tmp_path: Path) -> Path:
    root = tmp_path / "m"
    root.mkdir()
    (root / "main.gp.hcl").write_text(HEAD + template("t", '"busybox:1"'))
    return root


def inputs(root: Path, cache: Path, **kw) -> operations.Inputs:
    return operations.Inputs(root, cache_dir=cache, **kw)


def stored(cache: Path) -> list[Path]:
    return sorted((cache / "outcomes").glob("*.pickle"))


def test_a_clean_outcome_is_stored_and_served(module: Path, tmp_path: Path, monkeypatch):
    cache = tmp_path / "cache"
    first = operations.compile_inputs(inputs(module, cache))
    assert len(stored(cache)) == 1
    # Served from the cache: loading the module again would fail here.
    monkeypatch.setattr(operations, "load", lambda *a, **k: pytest.fail("loaded again"))
    again = operations.compile_inputs(inputs(module, cache))
    assert again.objects == first.objects
    assert again.module.stack == first.module.stack
    assert operations.validate(inputs(module, cache)) == (1, [])


def test_an_edited_file_is_seen(module: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    assert images(operations.compile_inputs(inputs(module, cache))) == ["busybox:1"]
    (module / "main.gp.hcl").write_text(HEAD + template("t", '"busybox:2"'))
    assert images(operations.compile_inputs(inputs(module, cache))) == ["busybox:2"]


def test_an_added_or_removed_file_is_seen(module: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    assert operations.validate(inputs(module, cache))[0] == 1
    (module / "more.gp.hcl").write_text(template("u", '"alpine"'))
    assert operations.validate(inputs(module, cache))[0] == 2
    (module / "more.gp.hcl").unlink()
    assert operations.validate(inputs(module, cache))[0] == 1


def test_a_file_read_by_a_function_is_seen(module: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    (module / "image.txt").write_text("busybox:1")
    (module / "main.gp.hcl").write_text(HEAD + template("t", 'file("image.txt")'))
    assert images(operations.compile_inputs(inputs(module, cache))) == ["busybox:1"]
    (module / "image.txt").write_text("busybox:3")
    assert images(operations.compile_inputs(inputs(module, cache))) == ["busybox:3"]


def test_a_child_module_file_is_seen(module: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    child = module / "child"
    child.mkdir()
    (child / "main.gp.hcl").write_text(template("c", '"busybox:1"'))
    (module / "main.gp.hcl").write_text(HEAD + 'module "c" {\n  source = "./child"\n}\n')
    assert images(operations.compile_inputs(inputs(module, cache))) == ["busybox:1"]
    (child / "main.gp.hcl").write_text(template("c", '"busybox:4"'))
    assert images(operations.compile_inputs(inputs(module, cache))) == ["busybox:4"]


def test_variables_are_part_of_the_key(module: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    (module / "main.gp.hcl").write_text(
        HEAD + 'variable "image" {\n  default = "busybox:1"\n}\n' + template("t", "var.image")
    )
    assert images(operations.compile_inputs(inputs(module, cache))) == ["busybox:1"]
    by_env = inputs(module, cache, env={"GP_VAR_image": "alpine:env"})
    assert images(operations.compile_inputs(by_env)) == ["alpine:env"]
    by_arg = inputs(module, cache, var_args=(("var", "image=alpine:arg"),))
    assert images(operations.compile_inputs(by_arg)) == ["alpine:arg"]
    (module / "x.auto.vars.hcl").write_text('image = "alpine:auto"\n')
    assert images(operations.compile_inputs(inputs(module, cache))) == ["alpine:auto"]
    (module / "x.auto.vars.hcl").write_text('image = "alpine:auto2"\n')
    assert images(operations.compile_inputs(inputs(module, cache))) == ["alpine:auto2"]


def test_a_provider_given_in_place_of_the_block_is_part_of_the_key(module: Path, tmp_path: Path):
    """gp.Stack(provider=...): the same module on two targets must not share a cached outcome
    (the provider sets the objects' namespace and where the plan reads)."""
    from gp.config.model import ProviderConfig

    cache = tmp_path / "cache"
    ns = {}
    for name in ("alpha", "beta"):
        given = ProviderConfig("kubernetes", {"namespace": name, "kubeconfig": f"/k/{name}"})
        compiled = operations.compile_inputs(inputs(module, cache, provider=given))
        ns[name] = (
            compiled.module.provider.settings["kubeconfig"],
            [o.ref.namespace for o in compiled.objects],
        )
    assert ns == {"alpha": ("/k/alpha", ["alpha"]), "beta": ("/k/beta", ["beta"])}


def test_errors_are_not_stored_and_raise_as_before(module: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    (module / "main.gp.hcl").write_text(HEAD + template("t", "var.nope"))
    with pytest.raises(DiagnosticsError) as first:
        operations.compile_inputs(inputs(module, cache))
    assert "Unknown variable" in str(first.value.diagnostics[0])
    assert operations.validate(inputs(module, cache))[1]
    assert stored(cache) == []


def test_a_sensitive_value_is_never_written_to_the_cache(module: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    (module / "main.gp.hcl").write_text(
        HEAD + 'variable "image" {\n  sensitive = true\n}\n' + template("t", "var.image")
    )
    env = {"GP_VAR_image": "secret-image:1"}
    assert images(operations.compile_inputs(inputs(module, cache, env=env))) == ["secret-image:1"]
    assert stored(cache) == []


def test_render_text_is_the_same_from_the_cache(module: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    for fmt in ("yaml", "json"):
        fresh = operations.render(inputs(module, None), fmt)
        assert operations.render(inputs(module, cache), fmt) == fresh
        assert operations.render(inputs(module, cache), fmt) == fresh  # served from the cache


def test_warm_validate_imports_no_parser_compiler_or_client(module: Path, tmp_path: Path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    code = (
        "import sys\nfrom gp.cli.main import main\n"
        f"assert main(['validate', '-C', {str(module)!r}]) == 0\n"
        "heavy = [m for m in ('hcl2', 'lark', 'hera', 'kubernetes', 'deepdiff', 'gp.compile.compiler')"
        " if m in sys.modules]\nprint(heavy)\n"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
    )
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_a_new_repository_boundary_is_seen(tmp_path: Path):
    """The .git lookup decides which module sources are allowed (they stay inside the
    repository): a `git init` after an outcome was stored makes the same load refuse."""
    outside = tmp_path / "shared"
    outside.mkdir()
    (outside / "main.gp.hcl").write_text(template("shared", '"busybox:1"'))
    root = tmp_path / "repo" / "m"
    root.mkdir(parents=True)
    (root / "main.gp.hcl").write_text(HEAD + 'module "s" {\n  source = "../../shared"\n}\n')
    cache = tmp_path / "cache"
    assert operations.validate(inputs(root, cache)) == (1, [])
    (tmp_path / "repo" / ".git").mkdir()  # git init: the repository is now tmp/repo
    _count, found = operations.validate(inputs(root, cache))
    assert any("leads outside the repository" in d.message for d in found), found
    with pytest.raises(DiagnosticsError, match="leads outside the repository"):
        operations.compile_inputs(inputs(root, cache))
