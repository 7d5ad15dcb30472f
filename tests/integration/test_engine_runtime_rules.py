"""What Argo refuses only when a run starts, held against the real controller.

Each case is a module with one mistake that `argo lint` lets through. `gp validate` must reject
it (naming the rule), Argo's controller on the dev cluster must end the run in Error with the
Kubernetes or Argo message given here, and the simulator must report what the engine reports,
node by node: nothing gp's simulator calls Succeeded is refused by the engine.
"""

from __future__ import annotations

import textwrap

import pytest

from gp.compile.module import compile_all
from gp.config import load_module
from gp.providers.kubernetes import KubernetesProvider
from gp.simulate import Scenario, simulate
from gp.testing.engine import EngineBackend

pytestmark = [pytest.mark.integration, pytest.mark.engine]

CTR = 'image = "alpine:3.20"\n      command = ["sh"]'


def step(body: str = "", container: str = "", name: str = "s") -> str:
    return f"""
  step "{name}" {{
    {body}
    container {{
      {CTR}
      {container}
    }}
  }}"""


# (case, module body, what gp says, what Argo or Kubernetes says)
CASES = [
    (
        "uppercase-template",
        step(name="A"),
        'template "A" runs in pods named',
        "a lowercase RFC 1123 subdomain must consist of lower case",
    ),
    (
        "sidecar-name",
        step('sidecars = [{ name = "Side", image = "alpine:3.20", command = ["sh"] }]'),
        'sidecar "Side": a container name must be a lowercase RFC 1123 label',
        'name: Invalid value: "Side"',
    ),
    (
        "sidecar-reserved",
        step('sidecars = [{ name = "wait", image = "alpine:3.20", command = ["sh"] }]'),
        '"wait" is a container Argo adds to every pod',
        'Duplicate value: "wait"',
    ),
    (
        "sidecar-no-image",
        step('sidecars = [{ name = "side", command = ["sh"] }]'),
        'sidecar "side" has no image',
        "image: Required value",
    ),
    (
        "volume-name",
        step('volumes = [{ name = "my_vol", empty_dir = {} }]'),
        'volume "my_vol": a volume name must be a lowercase RFC 1123 label',
        'Invalid value: "my_vol"',
    ),
    (
        "volume-reserved",
        step('volumes = [{ name = "var-run-argo", empty_dir = {} }]'),
        'Argo adds a volume "var-run-argo"',
        'Duplicate value: "var-run-argo"',
    ),
    (
        "mount-without-volume",
        step(container='volume_mount {\n name = "data"\n mount_path = "/data"\n }'),
        'volume mount "data" names no volume',
        "volume 'data' not found in workflow spec",
    ),
    (
        "mount-path-of-argo",
        step(
            'volumes = [{ name = "scratch", empty_dir = {} }]',
            'volume_mount {\n name = "scratch"\n mount_path = "/var/run/argo"\n }',
        ),
        'mount path "/var/run/argo": Argo mounts its own volume there',
        "must be unique",
    ),
    (
        "absolute-sub-path",
        step(
            'volumes = [{ name = "scratch", empty_dir = {} }]',
            'volume_mount {\n name = "scratch"\n mount_path = "/s"\n sub_path = "/abs"\n }',
        ),
        'sub_path "/abs" must be relative',
        "must be a relative path",
    ),
    (
        "port-name",
        step(container='ports = [{ name = "http_port", container_port = 80 }]'),
        'port name "http_port" must contain only lowercase letters',
        'Invalid value: "http_port"',
    ),
    (
        "env-name",
        step(container='env = { "A=B" = "x" }'),
        'environment variable "A=B" must consist of printable ASCII',
        "a valid environment variable name",
    ),
    (
        "template-label",
        step('metadata {\n labels = { team = "a b" }\n }'),
        'template metadata label "team": the value "a b"',
        'metadata.labels: Invalid value: "a b"',
    ),
    (
        "pod-metadata-label",
        'pod_metadata {\n labels = { "bad key!" = "x" }\n }' + step(),
        'pod_metadata label "bad key!": the key is not valid',
        'Invalid value: "bad key!"',
    ),
    (
        "node-selector-key",
        'node_selector = { "Bad.Prefix/pool" = "small" }' + step(),
        'node_selector "Bad.Prefix/pool": the key is not valid',
        'Invalid value: "Bad.Prefix/pool"',
    ),
    (
        "workflow-metadata-label",
        'workflow_metadata {\n labels = { team = "a b" }\n }' + step(),
        'workflow_metadata label "team": the value "a b"',
        'invalid label value "a b" for label "team"',
    ),
    (
        "automount-without-executor-sa",
        "automount_service_account_token = false" + step(),
        "automount_service_account_token = false needs executor.service_account_name",
        "executor.serviceAccountName must not be empty",
    ),
    (
        "pod-spec-patch",
        'pod_spec_patch = "containers: [name"' + step(),
        "pod_spec_patch is not YAML or JSON",
        "Error applying PodSpecPatch",
    ),
    (
        "request-over-limit",
        step(container='resources = { requests = { cpu = "2" }, limits = { cpu = "1" } }'),
        "the cpu request 2 is above its limit 1",
        "must be less than or equal to cpu limit",
    ),
    (
        "step-name-length",
        step(name="s" * 129) + '\n  entrypoint = "main"',
        "is 129 characters, longer than Argo's 128 characters",
        "must be no more than 128 characters",
    ),
]


def _compiled(tmp_path, body: str):
    root = tmp_path / "m"
    root.mkdir()
    text = (
        f'provider "directory" {{\n  path = "deploy"\n}}\nworkflow_template "rt" {{\n{body}\n}}\n'
    )
    (root / "main.gp.hcl").write_text(textwrap.dedent(text))
    results, diags = compile_all(load_module(root, env={}))
    return results[0].manifest, [d.message for d in diags if d.severity == "error"]


def _messages(run) -> str:
    return "\n".join([run.message, *(n.message for n in run.nodes)])


@pytest.mark.parametrize(("case", "body", "gp_says", "argo_says"), CASES, ids=[c[0] for c in CASES])
def test_validate_rejects_what_the_engine_refuses_and_the_simulator_agrees(
    engine, kube, namespace, tmp_path, case, body, gp_says, argo_says
):
    manifest, errors = _compiled(tmp_path, body)
    assert any(gp_says in e for e in errors), errors
    scenario = Scenario(pipeline=manifest, manifests=(manifest,))
    backend = EngineBackend(KubernetesProvider(kube, namespace).engine(), namespace, timeout_s=60)
    on_engine = backend.run(scenario)
    assert on_engine.phase in ("Error", "Failed"), (on_engine.phase, _messages(on_engine))
    assert argo_says in _messages(on_engine), _messages(on_engine)
    simulated = simulate(scenario)
    assert simulated.phase == on_engine.phase, (simulated.phase, _messages(simulated))
    assert {n.name: n.phase for n in simulated.nodes} == {n.name: n.phase for n in on_engine.nodes}


def test_the_same_module_with_the_fix_validates_and_succeeds(engine, kube, namespace, tmp_path):
    manifest, errors = _compiled(tmp_path, step(name="a"))
    assert errors == []
    scenario = Scenario(pipeline=manifest, manifests=(manifest,))
    backend = EngineBackend(KubernetesProvider(kube, namespace).engine(), namespace, timeout_s=60)
    assert backend.run(scenario).phase == simulate(scenario).phase == "Succeeded"
