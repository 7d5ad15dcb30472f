"""gp ui's run pages on the engine in memory: its actions are gp.Stack's and gp.Run's (the
engine sees the stop, the logs come masked), and every page of a run masks what the API masks."""

from __future__ import annotations

import re
import warnings

from fake_engine import ADDR, MASK, SECRET, failed_run, pod, workflow

from gp.ui import StackSource, make_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette would rather have httpx2; httpx works the same
    from starlette.testclient import TestClient


def _client(stack) -> tuple[TestClient, str]:
    client = TestClient(make_app(StackSource(stack.inputs)))
    return client, re.search(r'data-csrf="([^"]+)"', client.get("/").text).group(1)


def test_run_pages_mask_and_act_through_the_api(stack, engine):
    stack.apply()
    engine.add(failed_run("wf-1"))
    engine.add(workflow("wf-2", "Running", parameters={"tile": "T2"}))
    engine.pods["wf-1"] = [pod("wf-1", "use", "Failed")]
    engine.logs["wf-1-use-1"] = f"2025-01-01T00:00:06Z reading {SECRET}\n"
    client, csrf = _client(stack)
    for url in (
        "/runs",
        "/runs/pipeline/wf-1",
        "/runs/pipeline/wf-1/events",
        "/runs/pipeline/wf-1/logs",
    ):
        page = client.get(url)
        assert page.status_code == 200 and SECRET not in page.text, url
    assert f"bad token {MASK}" in client.get("/runs/pipeline/wf-1").text
    assert f"reading {MASK}" in client.get("/runs/pipeline/wf-1/logs?task=use").text

    stopped = client.post(
        "/runs/pipeline/wf-2/stop", data={"csrf": csrf, "terminate": "on"}, follow_redirects=False
    )
    assert stopped.status_code == 303 and stopped.headers["location"] == "/runs/pipeline/wf-2"
    assert engine.shutdowns == [("pipeline", "wf-2", "Terminate")]
    again = client.post(
        "/runs/pipeline/wf-2/resubmit", data={"csrf": csrf, "p:tile": "T9"}, follow_redirects=False
    )
    [made] = engine.created
    assert again.headers["location"] == f"/runs/pipeline/{made['metadata']['name']}"
    assert made["spec"]["arguments"]["parameters"] == [{"name": "tile", "value": "T9"}]
    started = client.post(
        f"/pipelines/{ADDR}/run", data={"csrf": csrf, "p:tile": "T3"}, follow_redirects=False
    )
    assert started.status_code == 303 and len(engine.created) == 2
    refused = client.post("/runs/pipeline/wf-1/stop", data={"csrf": csrf})
    assert refused.status_code == 400 and "has already finished" in refused.text
