"""The Python API's runs on the dev cluster's Argo engine: plan, apply, run, wait, nodes, logs,
history, stop, and the checks made before anything is submitted."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import gp

pytestmark = [pytest.mark.integration, pytest.mark.engine]

REPO = Path(__file__).resolve().parents[2]
CHAIN = "module.sen2cor.workflow_template.chain"
SCENARIO = "sim.gp.dev/scenario"


@pytest.fixture
def sen2cor(tmp_path: Path, engine, namespace) -> gp.Stack:
    for name in ("examples/sen2cor", "modules"):
        shutil.copytree(REPO / name, tmp_path / name, ignore=shutil.ignore_patterns("deploy"))
    provider = {"kubernetes": {"kubeconfig": str(engine.kubeconfig()), "namespace": namespace}}
    return gp.Stack(tmp_path / "examples" / "sen2cor", provider=provider)


def test_plan_apply_run_wait_nodes_logs_and_history(sen2cor: gp.Stack):
    plan = sen2cor.plan()
    assert plan.summary == {"add": 1, "change": 0, "destroy": 0}
    assert sen2cor.apply(plan).ok

    run = sen2cor.run(
        CHAIN,
        tile="T11UNQ",
        annotations={SCENARIO: json.dumps({"outcomes": {"sen2cor-290": "Failed"}})},
    )
    assert run.address == CHAIN and run.parameters == {"tile": "T11UNQ"}
    assert run.wait(timeout=300) == "Succeeded" and run.done
    phases = {task: node.phase for task, node in run.nodes.items()}
    assert phases == {
        "preprocess": "Succeeded",
        "sen2cor-290": "Failed",
        "sen2cor-280": "Succeeded",
        "sen2cor-255": "Omitted",
        "all-failed": "Omitted",
        "finalize": "Succeeded",
    }
    assert run.nodes["finalize"].started_at and run.nodes["finalize"].finished_at
    log = run.logs(task="finalize")
    assert log.splitlines()[-1] == "finalize: Succeeded"
    everything = run.logs()
    assert (
        "preprocess: preprocess: " in everything
        and "sen2cor-290: sen2cor-290: Failed" in everything
    )

    html = run._repr_html_()
    assert (
        "Succeeded" in html and 'data-task="sen2cor-290"' in html and 'data-status="Failed"' in html
    )

    again = sen2cor.run(CHAIN, tile="T12ABC")
    assert again.wait(timeout=300) == "Succeeded"
    history = sen2cor.runs(CHAIN)
    assert [r.name for r in history] == [again.name, run.name]
    assert [r.parameters["tile"] for r in history] == ["T12ABC", "T11UNQ"]
    assert sen2cor.get_run(run.name).phase == "Succeeded"


def test_a_run_is_checked_before_anything_is_sent(sen2cor: gp.Stack):
    with pytest.raises(gp.GPError, match="not applied yet"):
        sen2cor.run(CHAIN, tile="T11UNQ")
    sen2cor.apply()
    with pytest.raises(gp.GPError, match="nope"):
        sen2cor.run(CHAIN, nope="x")
    with pytest.raises(gp.GPError, match="not declared"):
        sen2cor.run("module.sen2cor.workflow_template.chian")
    assert sen2cor.runs() == []


def test_a_long_run_can_be_waited_on_with_a_timeout_and_stopped(sen2cor: gp.Stack):
    sen2cor.apply()
    run = sen2cor.run(
        CHAIN, tile="T11UNQ", annotations={SCENARIO: json.dumps({"delays": {"preprocess": 60}})}
    )
    with pytest.raises(gp.GPError, match="still"):
        run.wait(timeout=2)
    assert not run.refresh().done
    run.stop(terminate=True)
    assert run.wait(timeout=120) in ("Failed", "Error")
