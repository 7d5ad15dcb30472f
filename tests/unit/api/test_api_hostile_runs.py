"""The run commands under hostile and careless input, on the engine in memory: text written by
whoever can create objects is shown as data, odd run names are refused before any request."""

from __future__ import annotations

import pytest
from fake_engine import ADDR, failed_run, pod, workflow

from gp import errors as gp_errors
from gp.cli.main import main

ESCAPES = "\x1b[2J\x1b]0;pwned\x07\x1b[31m"


@pytest.fixture
def gp(capsys, stack):
    def run(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main([*argv, "-C", str(stack.root)])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def _hostile(name: str) -> dict:
    wf = failed_run(name)
    wf["metadata"]["annotations"]["gp.dev/submitted-by"] = "mallory" + ESCAPES
    wf["status"]["message"] = "boom" + ESCAPES
    return wf


@pytest.mark.parametrize("color", [(), ("--no-color",)])
def test_runs_runs_show_and_logs_show_control_characters_escaped(gp, engine, color):
    engine.add(_hostile("wf-1"))
    engine.pods["wf-1"] = [pod("wf-1", "use", "Failed")]
    engine.logs["wf-1-use-1"] = f"2025-01-01T00:00:06Z line {ESCAPES}\n"
    for argv in (("runs",), ("runs", "show", "wf-1"), ("logs", "wf-1")):
        code, out, err = gp(*argv, *color)
        assert code == 0, err
        assert "^[[2J" in out, (argv, out)
        assert "\x1b[2J" not in out and "\x1b]0;" not in out and "\x07" not in out, argv


BAD_NAMES = [
    "",
    ".",
    "..",
    "/",
    "pipeline/",
    "/wf-1",
    "pipeline/.",
    "a/b/c",
    "WF-1",
    "wf 1",
    "x" * 254,
]


@pytest.mark.parametrize("ident", BAD_NAMES)
def test_an_odd_run_name_is_refused_before_any_request(gp, stack, engine, ident):
    asked: list[str] = []
    for method in ("get_workflow", "list_workflows", "watch_workflow", "list_pods", "shutdown"):
        real = getattr(engine, method)
        setattr(engine, method, lambda *a, _m=method, _r=real: asked.append(_m) or _r(*a))
    for argv in (("runs", "show", ident), ("logs", ident), ("watch", ident), ("stop", ident)):
        code, _, err = gp(*argv)
        assert code == 1 and "is not a run name" in err, (argv, err)
    with pytest.raises(gp_errors.RunError, match="is not a run name"):
        stack.get_run(ident)
    assert asked == []


def test_gp_stop_acts_only_on_runs_of_the_stack(gp, stack, engine):
    stack.apply()
    foreign = workflow("theirs", "Running", namespace="default")
    del foreign["metadata"]["labels"]
    engine.add(foreign)
    other_stack = workflow("other", "Running", stack="someone-else")
    engine.add(other_stack)
    engine.add(workflow("ours", "Running"))
    for ident in ("default/theirs", "pipeline/other"):
        code, _, err = gp("stop", ident)
        assert code == 1 and "is not a run of the stack api" in err, err
        with pytest.raises(gp_errors.RunError, match="not a run of the stack api"):
            stack.get_run(ident).stop()
    assert gp("stop", "ours")[0] == 0
    assert engine.shutdowns == [("pipeline", "ours", "Stop")]


def test_a_user_annotation_cannot_take_a_gp_mark(gp, stack, engine):
    stack.apply()
    for key in ("gp.dev/address", "gp.dev/stack", "workflows.argoproj.io/cron-workflow"):
        code, _, err = gp("run", ADDR, "--annotation", f"{key}=workflow_template.other")
        assert code == 1 and f"annotation {key}" in err and "is set by" in err, err
        with pytest.raises(gp_errors.RunError, match="annotation"):
            stack.run(ADDR, annotations={key: "x"})
    assert engine.created == []


def test_a_task_whose_pod_is_gone_says_so(gp, stack, engine):
    engine.add(failed_run("wf-1"))
    engine.pods["wf-1"] = []  # Argo's pod GC, or someone, deleted it
    for argv in (("logs", "wf-1", "--task", "use"), ("logs", "wf-1")):
        code, _, err = gp(*argv)
        assert code == 1 and "the pod of use" in err and "is gone" in err, err
    with pytest.raises(gp_errors.RunError, match="is gone"):
        stack.get_run("wf-1").logs("use")
    engine.pods["wf-1"] = [pod("wf-1", "use", "Failed")]  # back: its lines, no complaint
    engine.logs["wf-1-use-1"] = "2025-01-01T00:00:06Z hello\n"
    assert gp("logs", "wf-1", "--task", "use")[1] == "use | hello\n"


def test_a_template_not_applied_yet_says_apply_without_flag_advice(gp, stack, engine):
    with pytest.raises(gp_errors.RunError) as refused:
        stack.run(ADDR, tile="T1")
    assert "not applied yet" in refused.value.message and "--" not in refused.value.message
    code, _, err = gp("run", ADDR, "-p", "tile=T1")
    assert code == 1 and "not applied yet" in err and "--allow-drift" not in err
    stack.apply()
    drifted = stack.root / "deploy/pipeline/workflowtemplate/secretive.yaml"
    drifted.write_text(drifted.read_text().replace("busybox:1.36", "busybox:1.37", 1))
    with pytest.raises(gp_errors.RunError) as refused:
        stack.run(ADDR, tile="T1")
    assert "changed outside gp" in refused.value.message and "--" not in refused.value.message
    code, _, err = gp("run", ADDR, "-p", "tile=T1")
    assert code == 1 and "--allow-drift" in err


MULTI = """
variable "key" {
  type      = string
  sensitive = true
  default   = "-----BEGIN KEY-----\\nMIIEvQIBADANBgkqhkiG\\n-----END KEY-----"
}

workflow_template "signer" {
  step "sign" {
    container {
      image   = "busybox:1.36"
      command = ["sign"]
      env     = { KEY = var.key }
    }
  }
}
"""


def test_every_line_of_a_multi_line_secret_is_masked_in_logs_and_runs(
    tmp_path, monkeypatch, capsys
):
    from api_helpers import write_module
    from fake_engine import FakeEngine, install

    import gp

    stack = gp.Stack(write_module(tmp_path / "multi", MULTI))
    engine = install(monkeypatch, FakeEngine(stack.objects()))
    run = workflow(
        "wf-7", "Failed", address="workflow_template.signer", message="bad MIIEvQIBADANBgkqhkiG"
    )
    engine.add(run)
    engine.pods["wf-7"] = [pod("wf-7", "use", "Failed")]
    engine.logs["wf-7-use-1"] = "2025-01-01T00:00:06Z read MIIEvQIBADANBgkqhkiG from env\n"
    for argv in (("logs", "wf-7"), ("runs", "show", "wf-7")):
        assert main([*argv, "-C", str(stack.root)]) == 0
        out = capsys.readouterr().out
        assert "MIIEvQIBADANBgkqhkiG" not in out and "(sensitive value)" in out, (argv, out)
