"""The distribution: a wheel and an sdist built from the source tree install in a fresh venv
(no access to this checkout) with the `gp` command and `import gp` working.

Integration tier: it builds, makes a venv and installs the dependencies (about half a minute).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
NAME = "gp-pipelines"

API_CHECK = """
import importlib.metadata, sys
import gp
stack = gp.Stack(sys.argv[1])
assert stack.validate() == [], stack.validate()
plan = stack.plan()
assert plan.summary == {"add": 1, "change": 0, "destroy": 0}, plan.summary
assert stack.apply(plan).ok
assert not stack.plan().has_changes
assert "<svg" in stack.graph()._repr_html_()
print(importlib.metadata.version("gp-pipelines"), gp.__file__)
"""


# A user's script, type-checked with --strict against the installed package; and one with a
# mistake the types must catch (a Plan is not an int), so the check is known to be able to fail.
USER_SCRIPT = """
import gp

stack = gp.Stack("pipelines", vars={"tile": "T11UNQ"})
problems: gp.Diagnostics = stack.validate()
plan: gp.Plan = stack.plan(targets=["workflow_template.x"])
comment: str = plan.render("markdown")
result: gp.ApplyResult = stack.apply(plan)
done: bool = result.ok
try:
    run: gp.Run = stack.run("workflow_template.x", tile="T1")
    nodes: dict[str, gp.Node] = run.nodes
except gp.RunError as err:
    print(err.message)
"""
USER_MISTAKE = """
import gp

count: int = gp.Stack(".").plan()
"""


def _run(*args: str | Path, cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, f"{args} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _check(venv: Path, work: Path, example: Path) -> None:
    out = _run(venv / "bin" / "gp", "--version", cwd=work)
    assert out.strip() == "gp, version 0.1.0"
    _run(venv / "bin" / "gp", "validate", "-C", example, cwd=work)
    shutil.rmtree(example / "deploy", ignore_errors=True)
    out = _run(venv / "bin" / "python", "-c", API_CHECK, example, cwd=work)
    version, location = out.split()
    assert version == "0.1.0"
    assert Path(location).is_relative_to(venv), f"gp imported from {location}, not the venv"
    typed = Path(location).parent / "py.typed"
    assert typed.is_file(), "py.typed is shipped"
    _type_check(venv, work)


def _type_check(venv: Path, work: Path) -> None:
    (work / "user.py").write_text(USER_SCRIPT)
    (work / "mistake.py").write_text(USER_MISTAKE)
    mypy = [sys.executable, "-m", "mypy", "--strict", "--no-incremental"]
    mypy += ["--python-executable", str(venv / "bin" / "python")]
    _run(*mypy, "user.py", cwd=work)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    wrong = subprocess.run([*mypy, "mistake.py"], cwd=work, env=env, capture_output=True, text=True)
    assert wrong.returncode == 1 and 'has type "Plan", variable has type "int"' in wrong.stdout, (
        wrong.stdout + wrong.stderr
    )


def test_the_wheel_and_the_sdist_install_with_the_command_and_the_api(tmp_path: Path):
    pytest.importorskip("build", reason="the dev extra's build package")
    src = tmp_path / "src"
    src.mkdir()
    shutil.copytree(REPO / "gp", src / "gp", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, src / name)
    _run(sys.executable, "-m", "build", "--outdir", tmp_path / "dist", src, cwd=tmp_path)
    wheels = list((tmp_path / "dist").glob("gp_pipelines-0.1.0-py3-none-any.whl"))
    sdists = list((tmp_path / "dist").glob("gp_pipelines-0.1.0.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1, list((tmp_path / "dist").iterdir())

    work = tmp_path / "work"  # outside the checkout: `import gp` must come from the venv
    shutil.copytree(
        REPO / "examples" / "whalesay-diamond",
        work / "diamond",
        ignore=shutil.ignore_patterns("deploy"),
    )
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    _run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", wheels[0], cwd=tmp_path)
    _check(venv, work, work / "diamond")
    shown = _run(venv / "bin" / "python", "-m", "pip", "show", NAME, cwd=tmp_path)
    assert f"Name: {NAME}" in shown

    # The sdist builds and installs too (its dependencies are already in the venv).
    _run(
        venv / "bin" / "python",
        "-m",
        "pip",
        "install",
        "--quiet",
        "--force-reinstall",
        "--no-deps",
        sdists[0],
        cwd=tmp_path,
    )
    _check(venv, work, work / "diamond")
