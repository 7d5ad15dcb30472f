"""Shared by the integration tests that drive the gp CLI against a real kube-apiserver."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kubernetes import client
from kubernetes.client.rest import ApiException

from gp.cli.main import main

GROUP, VERSION = "argoproj.io", "v1alpha1"
FLAKY, FULL = "flaky", "full"
PLURALS = {"WorkflowTemplate": "workflowtemplates", "CronWorkflow": "cronworkflows"}

TEMPLATE = """
workflow_template "etl" {{
  step "extract" {{
    container {{
      image   = "{image}"
      command = ["extract"]
    }}
  }}
  step "load" {{
    depends = "extract"
    container {{
      image   = "alpine:3.20"
      command = ["load"]
    }}
  }}
}}
"""

CRON = """
cron_workflow "etl-nightly" {{
  schedules         = ["{schedule}"]
  timezone          = "UTC"
  workflow_template = workflow_template.etl
}}
"""


def write_module(
    root: Path, kubeconfig: Path, namespace: str, *blocks: str, stack: str = "life"
) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    head = (
        f'gp {{\n  stack = "{stack}"\n}}\n\n'
        f'provider "kubernetes" {{\n  kubeconfig = "{kubeconfig}"\n  namespace  = "{namespace}"\n}}\n'
    )
    (root / "main.gp.hcl").write_text(head + "".join(blocks))
    return root


def etl(image: str = "alpine:3.20", schedule: str = "0 2 * * *") -> tuple[str, str]:
    return TEMPLATE.format(image=image), CRON.format(schedule=schedule)


class Run:
    """`gp ...` in-process: exit code plus what it printed."""

    def __init__(self, capsys: pytest.CaptureFixture[str], root: Path):
        self.capsys = capsys
        self.root = root

    def __call__(self, *args: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        code = main([*args, "-C", str(self.root), "--no-color"])
        out, err = self.capsys.readouterr()
        return code, out, err


class Cluster:
    """What another client (kubectl, Argo CD, Argo's controller) sees and does in the namespace."""

    def __init__(self, api: client.ApiClient, ns: str):
        self.objs = client.CustomObjectsApi(api)
        self.core = client.CoreV1Api(api)
        self.coordination = client.CoordinationV1Api(api)
        self.ns = ns

    def get(self, kind: str, name: str) -> dict | None:
        try:
            return self.objs.get_namespaced_custom_object(
                GROUP, VERSION, self.ns, PLURALS[kind], name
            )
        except ApiException as exc:
            if exc.status == 404:
                return None
            raise

    def names(self, kind: str) -> set[str]:
        items = self.objs.list_namespaced_custom_object(GROUP, VERSION, self.ns, PLURALS[kind])[
            "items"
        ]
        return {i["metadata"]["name"] for i in items}

    def create(self, manifest: dict) -> dict:
        return self.objs.create_namespaced_custom_object(
            GROUP, VERSION, self.ns, PLURALS[manifest["kind"]], manifest
        )

    def edit(self, kind: str, name: str, patch: dict, manager: str = "kubectl-edit") -> dict:
        return self.objs.patch_namespaced_custom_object(
            GROUP,
            VERSION,
            self.ns,
            PLURALS[kind],
            name,
            patch,
            field_manager=manager,
            _content_type="application/merge-patch+json",
        )

    def replace(self, manifest: dict, manager: str) -> dict:
        return self.objs.replace_namespaced_custom_object(
            GROUP,
            VERSION,
            self.ns,
            PLURALS[manifest["kind"]],
            manifest["metadata"]["name"],
            manifest,
            field_manager=manager,
        )

    def lease(self, name: str) -> dict | None:
        try:
            return self.coordination.read_namespaced_lease(name, self.ns).to_dict()
        except ApiException as exc:
            if exc.status == 404:
                return None
            raise

    def server_side_apply(self, manifest: dict, manager: str) -> None:
        self.objs.patch_namespaced_custom_object(
            GROUP,
            VERSION,
            self.ns,
            PLURALS[manifest["kind"]],
            manifest["metadata"]["name"],
            manifest,
            field_manager=manager,
            force=True,
            _content_type="application/apply-patch+yaml",
            _preload_content=False,
        )

    def record(self, stack: str = "life") -> dict | None:
        try:
            return self.core.read_namespaced_config_map(f"gp-stack-{stack}", self.ns).data
        except ApiException as exc:
            if exc.status == 404:
                return None
            raise


def record_addresses(data: dict) -> list[str]:
    """The addresses a record ConfigMap's data lists: its objects are keyed by identity."""
    return sorted(o["address"] for o in json.loads(data["record.json"])["objects"].values())


def image_of(template: dict, step: str = "extract") -> str:
    main_tpl = {t["name"]: t for t in template["spec"]["templates"]}
    return main_tpl[step]["container"]["image"]


def block_line(out: str, header: str, line: str) -> bool:
    """True when the plan ``out`` shows ``line`` as the first field of the block ``header``
    (a grouped list item, e.g. ``~ template "extract" {``), as Terraform shows nested blocks."""
    import re

    return re.search(rf"{re.escape(header)}\n\s+{re.escape(line)}\n", out) is not None
