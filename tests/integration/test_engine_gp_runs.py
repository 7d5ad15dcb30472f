"""gp's run commands on the dev cluster's Argo engine: run, watch, runs, stop, resubmit, and the
plan's knowledge of runs. Outcomes come from the run's scenario annotation, never the module."""

from __future__ import annotations

import json
import os
import re
import select
import signal
import subprocess
import sys
import time

import pytest
from engine_helpers import REPO, Runs, phases, summary

from gp.devcluster.scenario import SCENARIO_ANNOTATION, EngineScenario
from gp.runs.submit import template_digest

pytestmark = [pytest.mark.integration, pytest.mark.engine]

ETL = """
workflow_template "etl" {{
  arguments = {{
    parameters = [{{ name = "tile" }}, {{ name = "mode", value = "fast", enum = ["fast", "full"] }}]
  }}
  on_exit = "cleanup"
  container "cleanup" {{
    image   = "alpine:3.20"
    command = ["echo", "bye"]
  }}
  step "extract" {{
    container {{
      image   = "{image}"
      command = ["echo", "{{{{workflow.parameters.tile}}}}"]
    }}
  }}
  step "load" {{
    depends = "extract"
    container {{
      image   = "alpine:3.20"
      command = ["echo", "load"]
    }}
  }}
}}
"""
CRON = """
cron_workflow "nightly" {
  schedule          = "0 2 * * *"
  workflow_template = workflow_template.etl
  arguments         = { tile = "T11UNQ" }
}
"""
ADDR = "workflow_template.etl"


def scenario(**kw) -> str:
    return f"{SCENARIO_ANNOTATION}={EngineScenario(**kw).to_annotation()}"


@pytest.fixture
def runs(engine, kube, namespace) -> Runs:
    return Runs(kube, namespace)


@pytest.fixture
def applied(engine, module, gp):
    def write(image: str = "alpine:3.20", cron: bool = False):
        root = module(ETL.format(image=image) + (CRON if cron else ""), stack="runs")
        code, _out, err = gp("apply", "--auto-approve")
        assert code == 0, err
        return root

    return write


def test_run_with_parameters_and_wait_exits_0_with_gps_labels(applied, gp, runs):
    applied()
    code, out, err = gp("run", ADDR, "-p", "tile=T11UNQ", "-p", "mode=full", "--wait")
    assert code == 0, err
    name = out.splitlines()[0]
    wf = runs.get(name)
    assert wf["status"]["phase"] == "Succeeded", summary(wf)
    assert wf["spec"]["arguments"]["parameters"] == [
        {"name": "tile", "value": "T11UNQ"},
        {"name": "mode", "value": "full"},
    ]
    labels = wf["metadata"]["labels"]
    assert labels["gp.dev/stack"] == "runs" and labels["gp.dev/address"] == ADDR
    live = runs.objs.get_namespaced_custom_object(
        "argoproj.io", "v1alpha1", runs.ns, "workflowtemplates", "etl"
    )
    assert labels["gp.dev/version"] == template_digest(live)
    assert f"{name} Succeeded" in err


def test_a_failing_run_exits_1_and_names_the_failed_task(applied, gp):
    applied()
    code, out, err = gp(
        "run",
        ADDR,
        "-p",
        "tile=T1",
        "--wait",
        "--annotation",
        scenario(outcomes={"load": ("Failed",)}),
    )
    assert code == 1
    assert f"Error: run {out.splitlines()[0]} Failed" in err
    assert "\n  load Failed" in err and "extract" not in err


@pytest.mark.parametrize(
    "args, message",
    [
        (["-p", "tiel=T1"], 'has no parameter "tiel"; did you mean "tile"?'),
        ([], 'needs the parameter "tile": give -p tile=VALUE'),
        (["-p", "tile=T1", "-p", "mode=slow"], "is 'slow', not one of its values: fast, full"),
    ],
)
def test_parameter_errors_submit_nothing(applied, gp, runs, args, message):
    applied()
    code, out, err = gp("run", ADDR, *args)
    assert code == 1 and message in err and out == ""
    assert runs.list() == []


def test_drift_is_refused_unless_allowed(applied, gp, runs, cluster):
    root = applied()
    cluster.edit("WorkflowTemplate", "etl", {"spec": {"parallelism": 1}})
    code, _, err = gp("run", ADDR, "-p", "tile=T1")
    assert code == 1 and "workflow_template.etl was changed outside gp since it was applied" in err
    assert "--allow-drift" in err and runs.list() == []
    code, out, err = gp("run", ADDR, "-p", "tile=T1", "--allow-drift")
    assert code == 0, err
    assert [w["metadata"]["name"] for w in runs.list()] == [out.splitlines()[0]]
    (root / "main.gp.hcl").write_text((root / "main.gp.hcl").read_text() + CRON)
    code, _, err = gp("run", "cron_workflow.nightly")
    assert code == 1 and "cron_workflow.nightly is not applied yet" in err


def test_watch_without_a_terminal_prints_every_state_change(applied, gp, runs):
    applied()
    code, out, err = gp(
        "run", ADDR, "-p", "tile=T1", "--watch", "--annotation", scenario(delays={"extract": 3})
    )
    assert code == 0, err
    name, *lines = out.splitlines()
    changes = [line.split(" ", 1)[1] for line in lines]
    assert "extract Running" in changes and "extract Running -> Succeeded" in changes
    assert any(c.startswith("load ") and c.endswith("Succeeded") for c in changes)
    assert any(c.startswith("onExit") and c.endswith("Succeeded") for c in changes)
    assert changes[-1] == f"run {name} Running -> Succeeded"
    assert len(changes) == len(set(changes))  # one line per change, never a reprint


def test_runs_history_names_the_version_of_each_run(applied, gp):
    applied(image="etl:1.0")
    first = gp("run", ADDR, "-p", "tile=T1", "--wait")[1].splitlines()[0]
    applied(image="etl:2.0")
    second = gp("run", ADDR, "-p", "tile=T1", "--wait")[1].splitlines()[0]
    code, out, err = gp("runs", "--format", "json")
    assert code == 0, err
    data = json.loads(out)["runs"]
    assert [r["name"] for r in data] == [second, first]
    versions = [r["version"]["template_digest"] for r in data]
    assert versions[0] != versions[1] and all(versions)
    assert all(
        r["pipeline"] == ADDR and r["phase"] == "Succeeded" and r["submitted_by"] for r in data
    )
    code, out, _ = gp("runs", ADDR, "--limit", "1")
    assert code == 0 and second in out and first not in out and versions[0] in out
    code, out, _ = gp("runs", "--status", "Failed")
    assert code == 0 and out.strip() == "No runs."
    code, out, _ = gp("runs", "show", first, "--format", "json")
    nodes = {n["name"]: n for n in json.loads(out)["nodes"]}
    assert nodes["extract"]["phase"] == "Succeeded" and nodes["extract"]["started_at"]


def _until_running(runs, name: str, task: str) -> None:
    deadline = time.monotonic() + 60
    while phases(runs.get(name)).get(task) != "Running":
        assert time.monotonic() < deadline, summary(runs.get(name))
        time.sleep(0.3)


@pytest.mark.parametrize("flag, exit_handler", [([], True), (["--terminate"], False)])
def test_stop_and_terminate_a_long_run(applied, gp, runs, flag, exit_handler):
    applied()
    name = gp("run", ADDR, "-p", "tile=T1", "--annotation", scenario(delays={"extract": 20}))[
        1
    ].split()[0]
    _until_running(runs, name, "extract")
    code, _out, err = gp("stop", name, *flag)
    assert code == 0, err
    assert runs.get(name)["spec"]["shutdown"] == ("Terminate" if flag else "Stop")
    wf = runs.wait(name, timeout_s=90)
    assert wf["status"]["phase"] == "Failed", summary(wf)
    assert "load" not in phases(wf) or phases(wf)["load"] != "Succeeded"
    assert any(n.endswith("onExit") for n in phases(wf)) is exit_handler, summary(wf)


def test_resubmit_keeps_parameters_and_overrides_some(applied, gp, runs):
    applied()
    old = gp(
        "run",
        ADDR,
        "-p",
        "tile=T7",
        "--wait",
        "--annotation",
        scenario(outcomes={"load": ("Failed",)}),
    )[1].split()[0]
    code, out, err = gp("resubmit", old, "-p", "mode=full", "--wait")
    assert code == 1, err  # the scenario annotation goes with the parameters
    new = runs.get(out.splitlines()[0])
    assert new["metadata"]["name"] != old
    assert new["spec"]["arguments"]["parameters"] == [
        {"name": "tile", "value": "T7"},
        {"name": "mode", "value": "full"},
    ]
    assert SCENARIO_ANNOTATION in new["metadata"]["annotations"]


def test_the_plan_knows_runs_in_progress_and_crons(applied, gp, runs, cluster, module):
    applied(cron=True)
    name = gp("run", ADDR, "-p", "tile=T1", "--annotation", scenario(delays={"extract": 30}))[
        1
    ].split()[0]
    _until_running(runs, name, "extract")
    module(ETL.format(image="etl:9") + CRON, stack="runs")
    code, out, err = gp("plan", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    next_run = data["runs"][0]["crons"][0].pop("next_run")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT02:00:00\+00:00", next_run), next_run
    assert data["runs"] == [
        {
            "address": ADDR,
            "running": [name],
            "referencing": "",  # the dev cluster's controller is not in reference mode
            "crons": [
                {
                    "namespace": runs.ns,
                    "name": "nightly",
                    "stack": "runs",
                    "address": "cron_workflow.nightly",
                    "suspended": False,
                }
            ],
        }
    ]
    code, out, _ = gp("plan")
    assert f"{ADDR}: 1 run in progress ({name}) keeps the spec it started with" in out
    assert (
        f"{ADDR}: run by the CronWorkflow {runs.ns}/nightly (stack runs, cron_workflow.nightly, "
        f"next run {next_run})" in out
    )
    # A cron outside the stack runs the template the plan deletes: a warning.
    cluster.create(
        {
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "CronWorkflow",
            "metadata": {"name": "theirs"},
            "spec": {
                "schedule": "0 3 * * *",
                "workflowSpec": {"workflowTemplateRef": {"name": "etl"}},
            },
        }
    )
    module("", stack="runs")
    code, out, _ = gp("plan", "--format", "markdown")
    warnings = [
        line
        for line in out.splitlines()
        if line.startswith("> :warning: ") and "CronWorkflow" in line
    ]
    # The stack's own cron is deleted with the template: only the outside one is a warning,
    # its text quoted as text (markdown's characters escaped).
    assert warnings == [
        f"> :warning: {ADDR.replace('_', chr(92) + '_')}: the CronWorkflow {runs.ns}/theirs "
        "(no gp stack) runs etl, which this plan deletes; its next runs will fail"
    ]
    code, out, _ = gp("plan")
    assert "Warning: workflow_template.etl: the CronWorkflow" in out


_CSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _in_pty(
    args: list[str], rows: int, cols: int, interrupt_when: str | None = None
) -> tuple[int, str]:
    """gp in a pseudo-terminal of ``rows`` x ``cols``: its exit code and everything it wrote.
    With ``interrupt_when``, Ctrl-C (SIGINT) is sent once that text has been drawn."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    env.update(TERM="xterm-256color", PYTHONPATH=str(REPO))
    proc = subprocess.Popen(
        [sys.executable, "-m", "gp", *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        close_fds=True,
    )
    os.close(slave)
    out, sent, deadline = b"", False, time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the process closed the terminal
                break
            if not chunk:
                break
            out += chunk
        if (
            interrupt_when
            and not sent
            and interrupt_when in _CSI.sub("", out.decode("utf-8", "replace"))
        ):
            proc.send_signal(signal.SIGINT)
            sent = True
    os.close(master)
    return proc.wait(timeout=30), out.decode("utf-8", "replace")


def test_a_terminal_watch_redraws_in_place_and_fits(applied, gp, runs):
    root = applied()
    # Long enough for the watch to start (and draw twice) before the run ends, on a busy host.
    name = gp("run", ADDR, "-p", "tile=T1", "--annotation", scenario(delays={"extract": 10}))[
        1
    ].split()[0]
    code, out = _in_pty(["watch", name, "-C", str(root)], rows=20, cols=50)
    assert code == 0, out
    assert "\x1b[1A" in out and "\x1b[2K" in out  # the cursor goes back up: redrawn in place
    plain = _CSI.sub("", out)
    screens = [s for s in re.split(r"[\r\n]+", plain) if s.strip()]
    assert max(len(s) for s in screens) <= 50
    # pending tasks are drawn before they start, and the last screen shows every task done
    assert any("load" in s and "Pending" in s for s in screens)
    last = plain[plain.rindex(f"{name}  {ADDR}") :]
    for task in ("extract", "load", "onExit"):
        assert re.search(task + r" +Succeeded", last), last


def test_ctrl_c_stops_watching_not_the_run(applied, gp, runs):
    root = applied()
    name = gp("run", ADDR, "-p", "tile=T1", "--annotation", scenario(delays={"extract": 20}))[
        1
    ].split()[0]
    _until_running(runs, name, "extract")
    code, out = _in_pty(
        ["watch", name, "-C", str(root)], rows=20, cols=100, interrupt_when="Running"
    )
    assert code == 130
    assert f"Stopped watching {name}; the run goes on" in _CSI.sub("", out)
    assert runs.get(name)["status"]["phase"] == "Running"


def test_logs_merged_in_time_order_and_by_task(applied, gp):
    applied()
    name = gp("run", ADDR, "-p", "tile=T42", "--wait")[1].split()[0]
    code, out, err = gp("logs", name)
    assert code == 0, err
    lines = out.splitlines()
    # extract ran before load: its lines come first; each line carries its task
    assert lines[:2] == ["extract | extract: echo T42 (simulated)", "extract | extract: Succeeded"]
    assert (
        "load | load: echo load (simulated)" in lines
        and "onExit | onExit: echo bye (simulated)" in lines
    )
    code, out, _ = gp("logs", name, "--task", "load")
    assert code == 0 and out.splitlines() == [
        "load | load: echo load (simulated)",
        "load | load: Succeeded",
    ]
    code, _, err = gp("logs", name, "--task", "lod")
    assert code == 1 and "has no task 'lod'" in err


def test_logs_follow_a_running_run_to_its_end(applied, gp):
    applied()
    name = gp("run", ADDR, "-p", "tile=T1", "--annotation", scenario(delays={"extract": 3}))[
        1
    ].split()[0]
    code, out, err = gp("logs", name, "-f")
    assert code == 0, err
    assert "extract | extract: Succeeded" in out and "load | load: Succeeded" in out
