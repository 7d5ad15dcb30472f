"""`gp test` as a user runs it: the examples' tests pass; failures, filters and errors."""

import json
from pathlib import Path

from cli_helpers import GP, edit


def test_sen2cor_examples_pass(gp: GP, workspace: Path):
    r = gp("test", "-C", workspace / "examples/sen2cor")
    assert r.code == 0, r
    assert r.out.count("PASS") == 4 and r.out.rstrip().endswith("4 passed, 0 failed")


def test_every_example_with_tests_passes(gp: GP, workspace: Path):
    for name in ("whalesay-diamond", "tiles"):
        r = gp("test", "-C", workspace / "examples" / name)
        assert r.code == 0 and " 0 failed" in r.out, r


def test_a_failing_test_shows_the_differing_tasks_and_the_run(gp: GP, workspace: Path):
    path = workspace / "examples/sen2cor/tests/failover.gptest.hcl"
    edit(path, '"sen2cor-280" = "Succeeded"', '"sen2cor-280" = "Omitted"')
    r = gp("test", "-C", workspace / "examples/sen2cor", "--no-color")
    assert r.code == 1, r
    assert 'task "sen2cor-280": expected Omitted, got Succeeded' in r.out
    assert "simulated run (workflow Succeeded):" in r.out and "finalize" in r.out
    assert r.out.rstrip().endswith("3 passed, 1 failed")


def test_filter_and_json(gp: GP, workspace: Path):
    r = gp("test", "-C", workspace / "examples/sen2cor", "--filter", "*fails*", "--format", "json")
    doc = json.loads(r.out)
    assert r.code == 0 and doc["passed"] == 2 and doc["failed"] == 0
    assert {t["name"] for t in doc["tests"]} == {
        "2.9.0 fails, 2.8.0 takes over",
        "every version fails",
    }
    run = doc["tests"][0]["backends"][0]["run"]
    assert run["phase"] == "Succeeded" and run["order"][0] == "preprocess"


def test_errors_in_test_files_point_at_file_line_col(gp: GP, workspace: Path):
    path = workspace / "examples/sen2cor/tests/failover.gptest.hcl"
    edit(
        path, 'outcomes  = { "sen2cor-290" = "Failed" }', 'outcomes  = { "sen2cor-290" = "Broken" }'
    )
    r = gp("test", "-C", workspace / "examples/sen2cor")
    assert r.code == 1
    assert (
        'Error: tests/failover.gptest.hcl:23:15: outcomes["sen2cor-290"]: "Broken" is not one of'
        in r.err
    ), r
    edit(path, '"Broken"', '"Failed"')
    edit(
        path,
        "pipeline  = module.sen2cor.workflow_template.chain",
        "pipeline  = module.sen2cor.workflow_template.chian",
    )
    r = gp("test", "-C", workspace / "examples/sen2cor")
    assert (
        'tests/failover.gptest.hcl:4:15: pipeline "module.sen2cor.workflow_template.chian" is not an object'
        in r.err
    ), r


def test_unknown_tasks_and_unmodelled_constructs_fail_the_test_saying_so(gp: GP, workspace: Path):
    (workspace / "examples/sen2cor/tests/failover.gptest.hcl").write_text("""
test "unknown" {
  pipeline = module.sen2cor.workflow_template.chain
  outcomes = { "sen2cor-290" = "Failed" }
  expect {
    tasks = { "nope" = "Succeeded" }
  }
}
""")
    r = gp("test", "-C", workspace / "examples/sen2cor")
    assert r.code == 1 and 'task "nope": expected Succeeded, got (no such node)' in r.out, r
    edit(
        workspace / "modules/failover-chain/main.gp.hcl",
        "depends = join(",
        'when = "a ? b : c"\n    depends = join(',
    )
    r = gp("test", "-C", workspace / "examples/sen2cor")
    assert r.code == 1 and "not modelled: when" in r.out and "'?' is not modelled" in r.out, r


def test_an_outcome_for_a_task_that_does_not_exist_fails_naming_the_closest(
    gp: GP, workspace: Path
):
    # A typo used to pass: the outcome was read by nothing and every task succeeded.
    (workspace / "examples/sen2cor/tests/failover.gptest.hcl").write_text("""
test "typo" {
  pipeline = module.sen2cor.workflow_template.chain
  outcomes = { "sen2cor29" = "Failed" }
  outputs  = { "finalise" = { result = "x" } }
  expect {
    phase = "Succeeded"
  }
}
""")
    r = gp("test", "-C", workspace / "examples/sen2cor", "--no-color")
    assert r.code == 1, r
    assert (
        'outcomes["sen2cor29"]: module.sen2cor.workflow_template.chain has no task or step '
        'named "sen2cor29"; did you mean "sen2cor-290"?'
    ) in r.out, r
    assert 'outputs["finalise"]' in r.out and 'did you mean "finalize"?' in r.out, r
    assert r.out.rstrip().endswith("0 passed, 1 failed")


def test_fan_out_items_attempts_and_nested_names_are_known_keys(gp: GP, workspace: Path):
    from gp.testing.keys import parts

    assert parts("outer.inner(0:a.b)(1)") == ["outer", "inner"]
    assert parts("[0].step") == ["step"]
    assert parts("task.onExit") == ["task", "onExit"]


def test_no_tests_is_an_error_saying_where_gp_looked(gp: GP, workspace: Path):
    r = gp("test", "-C", workspace / "examples/whalesay-linear")
    assert r.code == 1, r
    assert "no tests: gp test looked for *.gptest.hcl files in" in r.err, r
    assert "whalesay-linear/tests and found none" in r.err, r
    r = gp("test", "-C", workspace / "examples/sen2cor", "--filter", "*nothing like it*")
    assert r.code == 1 and 'no test matches --filter "*nothing like it*"' in r.err, r
    (workspace / "examples/whalesay-linear/empty.gptest.hcl").write_text("# to do\n")
    r = gp("test", "-C", workspace / "examples/whalesay-linear")
    assert r.code == 1 and "declare no test block" in r.err, r


def test_fmt_formats_the_test_files_too(gp: GP, workspace: Path):
    path = workspace / "examples/whalesay-diamond/diamond.gptest.hcl"
    edit(
        path,
        'pipeline = workflow_template.whalesay-diamond\n  outcomes = { B = "Failed" }',
        'pipeline=workflow_template.whalesay-diamond\n  outcomes = { B = "Failed" }',
    )
    r = gp("fmt", "--check", "-C", workspace / "examples/whalesay-diamond")
    assert r.code == 3 and "diamond.gptest.hcl" in r.out, r
    r = gp("fmt", "-C", workspace / "examples/whalesay-diamond")
    assert "pipeline = workflow_template.whalesay-diamond\n  outcomes" in path.read_text()
