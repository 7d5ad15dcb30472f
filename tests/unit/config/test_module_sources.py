"""A module call whose folder cannot be a module is an error at its `source`, never an empty module."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gp.config import load_module
from gp.errors import DiagnosticsError

CHILD = 'output "x" {\n  value = 1\n}\n'


def call(source: str) -> str:
    return f'module "child" {{\n  source = "{source}"\n}}\n'


def errors(root: Path) -> list[str]:
    with pytest.raises(DiagnosticsError) as info:
        load_module(root, env={})
    return [
        f"{d.pos.line}:{d.pos.col}: {d.message}" if d.pos else d.message
        for d in info.value.diagnostics
    ]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git work tree holding the root module in repo/root."""
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "root").mkdir()
    return tmp_path / "repo"


def test_a_folder_without_module_files_is_an_error(repo: Path):
    (repo / "root" / "main.gp.hcl").write_text(call("./child"))
    (repo / "root" / "child").mkdir()
    (repo / "root" / "child" / "notes.hcl").write_text(CHILD)  # not *.gp.hcl
    assert errors(repo / "root") == [
        '2:12: Module source "./child" of module "child" holds no *.gp.hcl files'
    ]


def test_a_folder_outside_the_repository_is_an_error(repo: Path):
    (repo / "root" / "main.gp.hcl").write_text(call("../../elsewhere"))
    (repo.parent / "elsewhere").mkdir()
    (repo.parent / "elsewhere" / "main.gp.hcl").write_text(CHILD)
    outside = (repo.parent / "elsewhere").resolve()
    assert errors(repo / "root") == [
        f'2:12: Module source "../../elsewhere" of module "child" leads outside the repository '
        f"({repo.resolve()}) to {outside}"
    ]


def test_a_symbolic_link_out_of_the_repository_is_caught_too(repo: Path):
    (repo.parent / "elsewhere").mkdir()
    (repo.parent / "elsewhere" / "main.gp.hcl").write_text(CHILD)
    (repo / "root" / "main.gp.hcl").write_text(call("./child"))
    os.symlink(repo.parent / "elsewhere", repo / "root" / "child")
    assert "leads outside the repository" in errors(repo / "root")[0]


def test_a_folder_elsewhere_in_the_repository_loads(repo: Path):
    (repo / "root" / "main.gp.hcl").write_text(
        call("../modules/child") + 'output "y" {\n  value = module.child.x\n}\n'
    )
    (repo / "modules" / "child").mkdir(parents=True)
    (repo / "modules" / "child" / "main.gp.hcl").write_text(CHILD)
    assert load_module(repo / "root", env={}).outputs["y"].value == 1


def test_files_in_a_symbolic_link_loop_are_errors_at_the_call(
    repo: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(repo / "root")
    (repo / "root" / "main.gp.hcl").write_text(call("./child"))
    child = repo / "root" / "child"
    child.mkdir()
    (child / "main.gp.hcl").write_text(CHILD)
    os.symlink("b.gp.hcl", child / "a.gp.hcl")
    os.symlink("a.gp.hcl", child / "b.gp.hcl")
    os.symlink("gone.gp.hcl", child / "c.gp.hcl")
    assert errors(repo / "root") == [
        '2:12: Module "child": child/a.gp.hcl is a symbolic link that cannot be followed (a loop of links)',
        '2:12: Module "child": child/b.gp.hcl is a symbolic link that cannot be followed (a loop of links)',
        '2:12: Module "child": child/c.gp.hcl is a symbolic link that cannot be followed '
        "(its target does not exist)",
    ]


def test_a_symbolic_link_loop_in_the_root_module_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.gp.hcl").write_text(CHILD)
    os.symlink("loop.gp.hcl", tmp_path / "loop.gp.hcl")
    assert errors(tmp_path) == [
        "loop.gp.hcl is a symbolic link that cannot be followed (a loop of links)"
    ]
