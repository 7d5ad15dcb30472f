"""An edit evaluates the blocks it touches, and never serves a stale one: a block is evaluated
again when its text, a variable, local or object it reads, a module it calls, or a file its
functions read changed. Sensitive values are never kept. What an incremental load makes is
what a load from nothing makes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gp import operations
from gp.cache.blocks import Blocks
from gp.compile.module import checked
from gp.config.reads import Reads

HEAD = 'provider "directory" {\n  path = "d"\n}\n'
REPO = Path(__file__).resolve().parents[2]


def template(name: str, image: str) -> str:
    return (
        f'workflow_template "{name}" {{\n  step "a" {{\n    container {{ image = {image} }}\n'
        "  }\n}\n"
    )


def load(root: Path, cache: Path | None, var_args=()) -> tuple[list, list[str]]:
    """(the compiled manifests, the addresses evaluated and kept) of one incremental load."""
    inputs = operations.Inputs(root, var_args=tuple(var_args), env={}, cache_dir=cache)
    blocks = Blocks(cache)
    module = operations.load(inputs, partial=True, reads=Reads(), blocks=blocks)
    if blocks.store:
        results, _, diagnostics = checked(module, blocks.compiler(), blocks.checks)
    else:
        results, _, diagnostics = checked(module)
    assert not [d for d in diagnostics if d.severity == "error"], diagnostics
    return [r.manifest for r in results], blocks.kept


def fresh(root: Path, var_args=()) -> list:
    return load(root, None, var_args)[0]


def images(manifests: list) -> dict[str, str]:
    return {
        m["metadata"]["name"]: t["container"]["image"]
        for m in manifests
        for t in m["spec"].get("templates", [])
        if "container" in t
    }


@pytest.fixture
def module(tmp_path: Path) -> Path:
    root = tmp_path / "m"
    root.mkdir()
    body = "".join(template(f"t{i}", f'"busybox:{i}"') for i in range(10))
    (root / "main.gp.hcl").write_text(HEAD + body)
    return root


def test_an_edited_block_is_the_only_one_evaluated(module: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    _, kept = load(module, cache)
    assert len(kept) == 10
    _, kept = load(module, cache)
    assert kept == []  # nothing changed: every block is remembered
    main = module / "main.gp.hcl"
    main.write_text(main.read_text().replace('"busybox:3"', '"busybox:33"'))
    manifests, kept = load(module, cache)
    assert kept == ["workflow_template.t3"]
    assert images(manifests)["t3"] == "busybox:33"
    assert manifests == fresh(module)


def test_a_line_added_above_a_block_moves_it(module: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    load(module, cache)
    main = module / "main.gp.hcl"
    main.write_text(
        main.read_text().replace('workflow_template "t8"', '# a note\nworkflow_template "t8"')
    )
    manifests, kept = load(module, cache)
    # Positions are part of what a block evaluates to: the moved ones are evaluated again.
    assert kept == ["workflow_template.t8", "workflow_template.t9"]
    assert manifests == fresh(module)


def test_a_variable_read_by_a_block(module: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    (module / "vars.gp.hcl").write_text('variable "image" {\n  default = "alpine:1"\n}\n')
    (module / "uses.gp.hcl").write_text(template("u", "var.image"))
    load(module, cache)
    (module / "vars.gp.hcl").write_text('variable "image" {\n  default = "alpine:2"\n}\n')
    manifests, kept = load(module, cache)
    assert kept == ["workflow_template.u"]
    assert images(manifests)["u"] == "alpine:2"
    manifests, kept = load(module, cache, [("var", "image=alpine:3")])
    assert kept == ["workflow_template.u"] and images(manifests)["u"] == "alpine:3"
    assert manifests == fresh(module, [("var", "image=alpine:3")])


def test_a_local_read_through_another_local(module: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    (module / "locals.gp.hcl").write_text('locals {\n  tag = "1"\n  image = "x:${local.tag}"\n}\n')
    (module / "uses.gp.hcl").write_text(template("u", "local.image"))
    load(module, cache)
    (module / "locals.gp.hcl").write_text('locals {\n  tag = "2"\n  image = "x:${local.tag}"\n}\n')
    manifests, kept = load(module, cache)
    assert kept == ["workflow_template.u"] and images(manifests)["u"] == "x:2"


def test_a_file_read_by_a_function(module: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    (module / "image.txt").write_text("busybox:1")
    (module / "uses.gp.hcl").write_text(template("u", 'trimspace(file("image.txt"))'))
    load(module, cache)
    (module / "image.txt").write_text("busybox:9")
    manifests, kept = load(module, cache)
    assert kept == ["workflow_template.u"] and images(manifests)["u"] == "busybox:9"
    (module / "image.txt").unlink()
    inputs = operations.Inputs(module, env={}, cache_dir=cache)
    reads = Reads()
    loaded = operations.load(inputs, partial=True, reads=reads, blocks=Blocks(cache))
    assert any("no file exists" in d.message for d in loaded.diagnostics)


def test_a_module_called_and_an_object_referred_to(tmp_path: Path):
    """The tiles example: a template, and a module with for_each whose crons refer to it."""
    root = tmp_path / "repo"
    for name in ("examples", "modules"):
        shutil.copytree(REPO / name, root / name)
    tiles, cache = root / "examples" / "tiles", tmp_path / "cache"
    load(tiles, cache)
    main = tiles / "main.gp.hcl"
    # The template the crons refer to: they hold its name, so they are evaluated again too.
    main.write_text(main.read_text().replace("sen2cor:2.9.0", "sen2cor:2.11.0"))
    manifests, kept = load(tiles, cache)
    assert kept[0] == "workflow_template.tile" and len(kept) == 4
    assert manifests == fresh(tiles)
    # The called module's own file.
    child = root / "modules" / "tile-schedule" / "main.gp.hcl"
    child.write_text(child.read_text().replace('"Forbid"', '"Replace"'))
    manifests, kept = load(tiles, cache)
    assert sorted(kept) == [f'module.schedule["{t}"].cron_workflow.tile' for t in TILES]
    assert manifests == fresh(tiles)
    crons = [m for m in manifests if m["kind"] == "CronWorkflow"]
    assert {m["spec"]["concurrencyPolicy"] for m in crons} == {"Replace"}


TILES = ("T10UDV", "T10UEV", "T11UNQ")


def test_a_sensitive_value_is_never_kept(module: Path, tmp_path: Path):
    """A secret given on the command line is in no cache file (the module's own text, defaults
    included, is in the parse cache as it is on disk)."""
    cache, secret = tmp_path / "cache", "hunter2-very-secret"
    (module / "secret.gp.hcl").write_text(
        'variable "token" {\n  sensitive = true\n}\n'
        'workflow_template "s" {\n  step "a" {\n    container {\n      image = "busybox"\n'
        "      env = { TOKEN = var.token }\n    }\n  }\n}\n"
    )
    given = [("var", f"token={secret}")]
    _, kept = load(module, cache, given)
    assert "workflow_template.s" not in kept and len(kept) == 10
    manifests, kept = load(module, cache, given)
    assert kept == []  # evaluated again (a secret has no digest), and still not kept
    env = next(m for m in manifests if m["metadata"]["name"] == "s")["spec"]["templates"][1]
    assert env["container"]["env"] == [{"name": "TOKEN", "value": secret}]
    for path in cache.rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path


def test_a_lookup_that_failed_is_not_remembered(module: Path, tmp_path: Path):
    """An evaluation that met an error (here a variable whose validation failed, reported
    before the block read it) is not kept: the block would lack the failed attribute."""
    cache = tmp_path / "cache"
    (module / "vars.gp.hcl").write_text(
        'variable "image" {\n  default = "alpine:1"\n  validation {\n'
        '    condition = length(var.image) > 5\n    error_message = "too short"\n  }\n}\n'
    )
    (module / "uses.gp.hcl").write_text(template("u", "var.image"))
    inputs = operations.Inputs(module, var_args=(("var", "image=a"),), env={}, cache_dir=cache)
    blocks = Blocks(cache)
    operations.load(inputs, partial=True, reads=Reads(), blocks=blocks)
    assert "workflow_template.u" not in blocks.kept
    manifests, _ = load(module, cache)
    assert images(manifests)["u"] == "alpine:1"


@pytest.mark.parametrize("example", ["sen2cor", "nightly", "whalesay-diamond", "tiles"])
def test_edits_to_the_examples_make_what_a_fresh_load_makes(example: str, tmp_path: Path):
    root = tmp_path / "repo"
    for name in ("examples", "modules"):
        shutil.copytree(REPO / name, root / name)
    folder, cache = root / "examples" / example, tmp_path / "cache"
    files = sorted(folder.glob("*.gp.hcl"))
    assert load(folder, cache)[0] == fresh(folder)
    for i, path in enumerate(files):
        text = path.read_text()
        # A comment line above the last block, then an image changed.
        cut = text.rfind("\n}\n", 0, len(text) - 3)
        path.write_text(text[: cut + 3] + f"# edit {i}\n" + text[cut + 3 :])
        assert load(folder, cache)[0] == fresh(folder)
        path.write_text(path.read_text().replace('image = "', 'image = "edited-', 1))
        assert load(folder, cache)[0] == fresh(folder)
