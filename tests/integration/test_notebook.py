"""examples/notebook/gp_tour.ipynb, executed by a real Jupyter kernel (nbclient + ipykernel)
against the dev cluster with Argo's engine: no cell fails, the plans showed the expected
summaries (as values and as rich HTML), the DAGs were drawn, and the runs Succeeded."""

from __future__ import annotations

import ast
import os
import shutil
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.engine]

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "examples" / "notebook" / "gp_tour.ipynb"


def _outputs(nb, tag: str) -> list[dict]:
    cells = [c for c in nb.cells if tag in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, f"one cell tagged {tag}"
    return cells[0].get("outputs", [])


def _value(nb, tag: str):
    """The cell's result (its text/plain), as a Python value."""
    results = [o for o in _outputs(nb, tag) if o["output_type"] == "execute_result"]
    assert results, f"{tag} shows no result"
    return ast.literal_eval(results[-1]["data"]["text/plain"])


def _printed(nb, tag: str) -> str:
    return "".join(o["text"] for o in _outputs(nb, tag) if o["output_type"] == "stream")


def _html(nb, tag: str) -> str:
    shown = [
        o["data"]["text/html"]
        for o in _outputs(nb, tag)
        if o["output_type"] in ("execute_result", "display_data", "update_display_data")
        and "text/html" in o.get("data", {})
    ]
    assert shown, f"{tag} shows no HTML"
    return shown[-1]


def test_the_notebook_runs_on_the_dev_cluster(engine, namespace, tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    # The notebook as a reader has it: examples/ (with modules/ beside it) around it.
    for name in ("examples", "modules"):
        shutil.copytree(REPO / name, tmp_path / name, ignore=shutil.ignore_patterns("deploy"))
    here = tmp_path / "examples" / "notebook"
    monkeypatch.setenv("GP_NOTEBOOK_KUBECONFIG", str(engine.kubeconfig()))
    monkeypatch.setenv("GP_NOTEBOOK_NAMESPACE", namespace)
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    )

    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(here)}}
    )
    client.execute()  # raises CellExecutionError, with the cell and its traceback, on a failure

    errors = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o["output_type"] == "error"
    ]
    assert errors == []

    assert _value(nb, "diamond-validate") == []
    assert "<svg" in _html(nb, "diamond-graph") and 'data-task="D"' in _html(nb, "diamond-graph")
    assert _value(nb, "diamond-summary") == {"add": 1, "change": 0, "destroy": 0}
    assert "Plan: 1 to add, 0 to change, 0 to destroy." in _html(nb, "diamond-plan")
    # The plan appears once: its rich HTML, no second copy written by rich to the output.
    shown = [o for o in _outputs(nb, "diamond-plan") if o["output_type"] != "stream"]
    assert len(shown) == 1 and _printed(nb, "diamond-plan") == ""
    assert "Apply complete! Resources: 1 added" in _html(nb, "diamond-apply")
    assert _value(nb, "diamond-run") == "Succeeded"
    # watch() drew the run in one output it updated in place, ending with the final phase.
    watched = _outputs(nb, "diamond-run")
    assert [o["output_type"] for o in watched if o["output_type"] != "execute_result"][:1] == [
        "display_data"
    ]
    assert "Succeeded" in _html(nb, "diamond-run")
    assert set(_value(nb, "diamond-nodes").values()) == {"Succeeded"}
    assert _value(nb, "diamond-nodes").keys() == {"A", "B", "C", "D"}
    assert "cowsay I am D (simulated)" in _printed(nb, "diamond-logs")

    assert _value(nb, "sen2cor-validate") == []
    assert 'data-task="sen2cor-280"' in _html(nb, "sen2cor-graph")
    assert _value(nb, "sen2cor-summary") == {"add": 1, "change": 0, "destroy": 0}
    assert "Plan: 1 to add" in _html(nb, "sen2cor-plan")
    assert _value(nb, "sen2cor-run") == "Succeeded"
    phases = _value(nb, "sen2cor-nodes")
    assert phases["sen2cor-290"] == "Failed" and phases["sen2cor-280"] == "Succeeded"
    assert phases["finalize"] == "Succeeded"
    assert "finalize: Succeeded" in _printed(nb, "sen2cor-logs")
    refused = _printed(nb, "sen2cor-bad-params")
    assert 'has no parameter "tiles"; did you mean "tile"?' in refused
    assert "-p " not in refused and "--" not in refused
    history = _value(nb, "sen2cor-history")
    assert (
        len(history) == 1 and history[0][1] == "Succeeded" and history[0][2] == {"tile": "T11UNQ"}
    )
    assert "Succeeded" in _html(nb, "sen2cor-last")
