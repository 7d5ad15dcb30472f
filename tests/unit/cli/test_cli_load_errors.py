"""Errors in loading a module read as one `Error: file:line:col: message` line each, at the mistake."""

from __future__ import annotations

import os
from pathlib import Path

from cli_helpers import GP, HEADER, TEMPLATE, module


def test_an_unclosed_heredoc_is_reported_where_it_opens(gp: GP, tmp_path: Path) -> None:
    body = TEMPLATE.replace(
        'image = "busybox"', 'image = "busybox"\n      source = <<EOT\nprint(1)\n'
    )
    root = module(tmp_path, body)
    run = gp("validate", "-C", root)
    line = HEADER.count("\n") + body[: body.index("<<EOT")].count("\n") + 1
    assert run.code == 1, run
    assert (
        run.err
        == f'Error: main.gp.hcl:{line}:16: This heredoc is never closed: no line holds just "EOT"\n'
    ), run


def test_a_missing_equals_sign_is_reported_on_its_line(gp: GP, tmp_path: Path) -> None:
    root = module(tmp_path, TEMPLATE.replace('image = "busybox"', 'image "busybox"'))
    line = HEADER.count("\n") + TEMPLATE[: TEMPLATE.index("image")].count("\n") + 1
    run = gp("validate", "-C", root)
    assert run.code == 1, run
    assert run.err.startswith(f'Error: main.gp.hcl:{line}:13: Missing "=" after "image"'), run


def test_an_empty_module_folder_is_an_error_at_the_call(gp: GP, tmp_path: Path) -> None:
    root = module(tmp_path, 'module "geo" {\n  source = "./geo"\n}\n')
    (root / "geo").mkdir()
    line = HEADER.count("\n") + 2
    run = gp("validate", "-C", root)
    assert run.code == 1, run
    assert (
        run.err
        == f'Error: main.gp.hcl:{line}:12: Module source "./geo" of module "geo" holds no *.gp.hcl files\n'
    )


def test_a_link_loop_in_a_module_folder_is_an_error_at_the_call(gp: GP, tmp_path: Path) -> None:
    root = module(tmp_path, 'module "geo" {\n  source = "./geo"\n}\n' + TEMPLATE)
    (root / "geo").mkdir()
    (root / "geo" / "main.gp.hcl").write_text('output "x" {\n  value = 1\n}\n')
    os.symlink("extra.gp.hcl", root / "geo" / "extra.gp.hcl")
    line = HEADER.count("\n") + 2
    run = gp("plan", "-C", root)
    assert run.code == 1, run
    assert run.err == (
        f'Error: main.gp.hcl:{line}:12: Module "geo": geo/extra.gp.hcl is a symbolic link that '
        "cannot be followed (a loop of links)\n"
    ), run


def test_a_script_without_command_is_a_warning(gp: GP, tmp_path: Path) -> None:
    body = (
        'workflow_template "t" {\n  step "pre" {\n    script {\n      image  = "python:3.12-alpine"\n'
        '      source = "print(1)"\n    }\n  }\n}\n'
    )
    root = module(tmp_path, body)
    line = HEADER.count("\n") + 3
    run = gp("validate", "-C", root)
    assert run.code == 0, run
    assert run.err == (
        f'Warning: main.gp.hcl:{line}:5: script template "pre" has no command: Argo gives the source '
        'file to the container\'s command, so set command to its interpreter (e.g. ["python"] or '
        '["bash"])\n'
    ), run
    doc = __import__("json").loads(gp("validate", "-C", root, "--json").out)
    assert doc["valid"] is True and doc["warning_count"] == 1
    fixed = root / "main.gp.hcl"
    fixed.write_text(
        fixed.read_text().replace(
            'source = "print(1)"', 'source  = "print(1)"\n      command = ["python"]'
        )
    )
    assert gp("validate", "-C", root).err == ""
