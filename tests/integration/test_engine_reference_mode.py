"""A controller in reference mode (workflowRestrictions.templateReferencing Secure): gp reads it
from workflow-controller-configmap, the plan says that runs in progress of a changed template
will end in Error (argo #13850), and `gp test --engine` submits its runs by reference, as such a
controller requires. The dev cluster's controller is switched for this file and switched back.
"""

from __future__ import annotations

import json
import time

import pytest
from kubernetes import client

from gp.devcluster import engine_flags as flags
from gp.devcluster.scenario import SCENARIO_ANNOTATION, EngineScenario

pytestmark = [pytest.mark.integration, pytest.mark.engine]

MODULE = """
workflow_template "etl" {
  step "extract" {
    container {
      image   = "IMAGE"
      command = ["sh"]
    }
  }
}
"""

TESTS = """
test "extract fails" {
  pipeline = workflow_template.etl
  outcomes = { extract = "Failed" }
  expect {
    phase = "Failed"
    tasks = { extract = "Failed" }
  }
}
"""

INLINE = {
    "apiVersion": "argoproj.io/v1alpha1",
    "kind": "Workflow",
    "metadata": {"generateName": "inline-"},
    "spec": {"entrypoint": "a", "templates": [{"name": "a", "container": {"image": "alpine"}}]},
}


@pytest.fixture
def secure(engine, kube):
    core = client.CoreV1Api(kube)
    name, ns = flags.CONTROLLER_CONFIGMAP, flags.ARGO_NAMESPACE
    before = core.read_namespaced_config_map(name, ns).data
    core.patch_namespaced_config_map(
        name, ns, {"data": {"workflowRestrictions": "templateReferencing: Secure\n"}}
    )
    try:
        yield
    finally:
        core.replace_namespaced_config_map(
            name, ns, {"metadata": {"name": name, "namespace": ns}, "data": before}
        )


def _refused_inline(kube, namespace: str) -> str:
    """Argo's own answer to an inline Workflow, once the controller has read the new mode."""
    objs = client.CustomObjectsApi(kube)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        made = objs.create_namespaced_custom_object(
            "argoproj.io", "v1alpha1", namespace, "workflows", INLINE
        )
        for _ in range(20):
            wf = objs.get_namespaced_custom_object(
                "argoproj.io", "v1alpha1", namespace, "workflows", made["metadata"]["name"]
            )
            status = wf.get("status") or {}
            if status.get("phase") in ("Succeeded", "Failed", "Error"):
                break
            time.sleep(0.5)
        if "workflowTemplateRef" in (status.get("message") or ""):
            return status["message"]
        time.sleep(1)
    raise AssertionError("the controller never switched to reference mode")


def test_secure_reference_mode_is_read_worded_and_honoured(
    secure, kube, namespace, module, gp, tmp_path
):
    root = module(MODULE.replace("IMAGE", "alpine:3.20"), stack="secure")
    (root / "etl.gptest.hcl").write_text(TESTS)
    assert gp("apply", "--auto-approve")[0] == 0
    assert "must use workflowTemplateRef" in _refused_inline(kube, namespace)

    code, out, err = gp("test", "--engine")
    assert code == 0, out + err  # by reference: the controller runs it
    # An inline Workflow would be refused with no node: the task's phase shows it ran.
    assert "engine: pass, workflow Failed" in out and "disagree" not in out, out

    # A run in progress of the template, held Running by the dev cluster's executor.
    scenario = EngineScenario(delays={"extract": 60}).to_annotation()
    code, out, err = gp(
        "run", "workflow_template.etl", "--annotation", f"{SCENARIO_ANNOTATION}={scenario}"
    )
    assert code == 0, err
    (root / "main.gp.hcl").write_text(
        (root / "main.gp.hcl").read_text().replace("alpine:3.20", "alpine:3.21")
    )
    code, out, err = gp("plan", "--format", "json")
    assert code == 0, err
    [impact] = json.loads(out)["runs"]
    assert impact["referencing"] == "Secure" and len(impact["running"]) == 1
    code, out, err = gp("plan")
    assert "will end in Error: the controller's templateReferencing is Secure" in out, out
