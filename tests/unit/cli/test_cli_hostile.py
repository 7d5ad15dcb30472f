"""Careless input the CLI must answer clearly: huge counts, names Argo refuses later, a DAG that
calls itself, duplicate tests; and the words it ends with (destroy, the order of indexes)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cli_helpers import GP, module

COUNTED = """
workflow_template "t" {{
  count = {count}
  name  = "t-${{count.index}}"
  step "a" {{
    container {{
      image = "busybox"
    }}
  }}
}}
"""


@pytest.mark.parametrize("count", ["1000000", "1e308", "99999999999999999999999999", "10001"])
def test_a_huge_count_is_an_error_at_its_position(gp: GP, tmp_path: Path, count: str) -> None:
    root = module(tmp_path, COUNTED.format(count=count))
    for command in ("validate", "plan"):
        run = gp(command, "-C", root)
        assert run.code == 1, run
        assert re.search(r"main\.gp\.hcl:\d+:\d+: Invalid count: at most 10000", run.err), run
        assert "internal error" not in run.err


def test_a_count_at_the_limit_is_fine(gp: GP, tmp_path: Path) -> None:
    root = module(tmp_path, COUNTED.format(count="3"))
    assert gp("validate", "-C", root).code == 0


def test_plans_order_indexes_as_numbers(gp: GP, tmp_path: Path) -> None:
    root = module(tmp_path, COUNTED.format(count="12"))
    run = gp("plan", "-C", root, "--no-color")
    assert run.code == 0, run
    shown = re.findall(r"# workflow_template\.t\[(\d+)\] will be created", run.out)
    assert shown == [str(i) for i in range(12)]
    assert gp("apply", "-C", root, "--auto-approve").code == 0
    listed = re.findall(r"workflow_template\.t\[(\d+)\]", gp("show", "-C", root).out)
    assert listed == [str(i) for i in range(12)]


def test_destroy_says_destroy_complete(gp: GP, tmp_path: Path) -> None:
    root = module(tmp_path, COUNTED.format(count="2"))
    assert gp("apply", "-C", root, "--auto-approve").code == 0
    run = gp("destroy", "-C", root, "--auto-approve", "--no-color")
    assert run.code == 0, run
    assert "Destroy complete! Resources: 2 destroyed." in run.out
    assert "Apply complete" not in run.out


LONG = "s" * 129
LONG_NAMES = f"""
workflow_template "t" {{
  step "{LONG}" {{
    container {{
      image = "busybox"
    }}
  }}
  dag "d" {{
    task "{"k" * 130}" {{
      template = "{LONG}"
    }}
  }}
}}
"""


def test_step_and_task_names_over_argos_128_characters_are_refused(gp: GP, tmp_path: Path) -> None:
    run = gp("validate", "-C", module(tmp_path, LONG_NAMES))
    assert run.code == 1, run
    assert run.err.count("longer than Argo's 128 characters") >= 2, run
    assert re.search(r"main\.gp\.hcl:\d+:\d+: ", run.err)


RECURSIVE = """
workflow_template "r" {
  entrypoint = "loop"
  dag "loop" {
    task "again" {
      template = "loop"
    }
  }
}
"""


def test_a_dag_that_calls_itself_is_modelled_as_argo_ends_it(gp: GP, tmp_path: Path) -> None:
    root = module(tmp_path, RECURSIVE)
    (root / "r.gptest.hcl").write_text(
        'test "recursion" {\n  pipeline = workflow_template.r\n'
        '  expect {\n    phase = "Error"\n  }\n}\n'
    )
    run = gp("test", "-C", root)
    assert "internal error" not in run.err and "RecursionError" not in run.err, run
    assert run.code == 0, run


def test_two_tests_of_one_name_are_refused_at_load_with_both_positions(
    gp: GP, tmp_path: Path
) -> None:
    root = module(tmp_path, COUNTED.format(count="1"))
    one = 'test "same" {\n  pipeline = workflow_template.t[0]\n  expect {\n    phase = "Succeeded"\n  }\n}\n'
    (root / "a.gptest.hcl").write_text(one + "\n" + one)
    run = gp("test", "-C", root)
    assert run.code == 1, run
    assert re.search(r"a\.gptest\.hcl:8:1: .*test \"same\".* a\.gptest\.hcl:1:1", run.err), run
