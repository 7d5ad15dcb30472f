"""The simulated executor: what argoexec would do inside each of Argo's pods, for KWOK's pods.

KWOK runs no containers, so nothing inside a pod reports to Argo's controller. For every Argo pod
that KWOK has put in Running this process:

1. decides the node's outcome from the run's scenario (gp/devcluster/scenario.py), after the
   scenario's delay for that task;
2. writes the node's WorkflowTaskResult as argoexec's ``wait`` container does (named by node ID,
   owned by the Workflow, labelled ``report-outputs-completed=true``) with the outputs the
   scenario gives or the template's ``valueFrom.default``;
3. annotates the pod with the outcome, which KWOK's ``gp-pod-done`` stage turns into terminated
   containers and the pod's final phase.

It lives with the dev cluster and never in gp's product code. Run as
``python -m gp.devcluster.simexec --kubeconfig FILE``.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from kubernetes import client, watch
from kubernetes.client.rest import ApiException

from gp.devcluster.engine_logs import PodLogs, command_line
from gp.devcluster.kubeconfig import api_client
from gp.devcluster.scenario import (
    EXIT_CODE_ANNOTATION,
    OUTCOME_ANNOTATION,
    SCENARIO_ANNOTATION,
    ScenarioError,
    delay_for,
    node_key,
    outcome_for,
    outputs_for,
    parse_scenario,
)

GROUP, VERSION = "argoproj.io", "v1alpha1"
WORKFLOW_LABEL = "workflows.argoproj.io/workflow"
NODE_ID = "workflows.argoproj.io/node-id"
NODE_NAME = "workflows.argoproj.io/node-name"
COMPLETED_LABEL = "workflows.argoproj.io/report-outputs-completed"
SWEEP_S = 2.0


def _log(text: str) -> None:
    sys.stdout.write(f"{time.strftime('%H:%M:%S')} {text}\n")
    sys.stdout.flush()


def _template(pod: client.V1Pod) -> dict:
    # The controller hands argoexec its template in ARGO_TEMPLATE (workflowpod.go).
    for c in (pod.spec.containers or []) + (pod.spec.init_containers or []):
        for env in c.env or []:
            if env.name == "ARGO_TEMPLATE" and env.value:
                return json.loads(env.value)
    return {}


class Executor:
    def __init__(self, api: client.ApiClient, workers: int = 16, logs_dir: Path | None = None):
        self.core = client.CoreV1Api(api)
        self.custom = client.CustomObjectsApi(api)
        self.logs = PodLogs(self.custom, logs_dir) if logs_dir else None
        self.pool = ThreadPoolExecutor(max_workers=workers)
        self.seen: set[str] = set()
        self.lock = threading.Lock()

    def offer(self, pod: client.V1Pod) -> None:
        """Take a pod once it runs and has no outcome yet; each pod is handled once."""
        if pod.status is None or pod.status.phase != "Running" or pod.metadata.deletion_timestamp:
            return
        if OUTCOME_ANNOTATION in (pod.metadata.annotations or {}):
            return
        with self.lock:
            if pod.metadata.uid in self.seen:
                return
            self.seen.add(pod.metadata.uid)
        self.pool.submit(self._finish, pod)

    def _scenario_text(self, namespace: str, workflow: str) -> tuple[str | None, str]:
        """The run's scenario annotation and the Workflow's UID (the task result's owner)."""
        wf = self.custom.get_namespaced_custom_object(
            GROUP, VERSION, namespace, "workflows", workflow
        )
        return (wf["metadata"].get("annotations") or {}).get(SCENARIO_ANNOTATION), wf["metadata"][
            "uid"
        ]

    def _finish(self, pod: client.V1Pod) -> None:
        meta = pod.metadata
        ns, annotations = meta.namespace, meta.annotations or {}
        workflow = (meta.labels or {}).get(WORKFLOW_LABEL)
        try:
            text, uid = self._scenario_text(ns, workflow)
            scenario = parse_scenario(text)
            template = _template(pod)
            key = node_key(annotations.get(NODE_NAME, ""), workflow, template.get("name") or "")
            outcome = outcome_for(scenario, key)
            if self.logs:
                self.logs.started(ns, meta.name, command_line(template, key.path))
            time.sleep(delay_for(scenario, key))
            if self.logs:
                self.logs.ended(ns, meta.name, key.path, outcome)
            self._report(
                ns,
                workflow,
                uid,
                annotations.get(NODE_ID, meta.name),
                outputs_for(scenario, key, template, f"{workflow}/{meta.name}"),
            )
            patch = {OUTCOME_ANNOTATION: outcome}
            if outcome == "Failed":
                patch[EXIT_CODE_ANNOTATION] = "1"
            self.core.patch_namespaced_pod(meta.name, ns, {"metadata": {"annotations": patch}})
            _log(f"{ns}/{meta.name} ({key.path}, attempt {key.attempt}): {outcome}")
        except ScenarioError as e:
            # A bad scenario errors the node visibly instead of guessing an outcome.
            _log(f"{ns}/{meta.name}: {e}")
            self.core.patch_namespaced_pod(
                meta.name, ns, {"metadata": {"annotations": {OUTCOME_ANNOTATION: "Error"}}}
            )
        except ApiException as e:
            if e.status != 404:  # the run was deleted meanwhile
                _log(f"{ns}/{meta.name}: {e.status} {e.reason}")
                with self.lock:
                    self.seen.discard(meta.uid)
        except Exception as e:  # never lose a pod silently: the next sweep offers it again
            _log(f"{ns}/{meta.name}: {type(e).__name__}: {e}")
            with self.lock:
                self.seen.discard(meta.uid)

    def _report(self, ns: str, workflow: str, uid: str, node_id: str, outputs: dict) -> None:
        body = {
            "apiVersion": f"{GROUP}/{VERSION}",
            "kind": "WorkflowTaskResult",
            "metadata": {
                "name": node_id,
                "labels": {WORKFLOW_LABEL: workflow, COMPLETED_LABEL: "true"},
                "ownerReferences": [
                    {
                        "apiVersion": f"{GROUP}/{VERSION}",
                        "kind": "Workflow",
                        "name": workflow,
                        "uid": uid,
                    }
                ],
            },
            "outputs": outputs,
        }
        try:
            self.custom.create_namespaced_custom_object(
                GROUP, VERSION, ns, "workflowtaskresults", body
            )
        except ApiException as e:
            if e.status != 409:
                raise
            self.custom.patch_namespaced_custom_object(
                GROUP,
                VERSION,
                ns,
                "workflowtaskresults",
                node_id,
                {"metadata": {"labels": body["metadata"]["labels"]}, "outputs": outputs},
            )

    def sweep(self, every_s: float = SWEEP_S) -> None:
        """List Argo's pods every few seconds and offer each: the watch has been seen to stall
        (a blocked read, no event and no error) under a busy API server, and a run must not
        wait for it. ``offer`` takes each pod once, whichever path sees it first."""
        while True:
            time.sleep(every_s)
            try:
                for pod in self.core.list_pod_for_all_namespaces(
                    label_selector=WORKFLOW_LABEL, _request_timeout=30
                ).items:
                    self.offer(pod)
            except Exception as e:  # the next sweep tries again
                _log(f"sweep failed ({type(e).__name__}: {e})")

    def run(self) -> None:
        """List, then watch, Argo's pods in every namespace; relist when the watch breaks."""
        threading.Thread(target=self.sweep, name="sweep", daemon=True).start()
        while True:
            try:
                pods = self.core.list_pod_for_all_namespaces(label_selector=WORKFLOW_LABEL)
                for pod in pods.items:
                    self.offer(pod)
                stream = watch.Watch().stream(
                    self.core.list_pod_for_all_namespaces,
                    label_selector=WORKFLOW_LABEL,
                    resource_version=pods.metadata.resource_version,
                    timeout_seconds=300,
                    _request_timeout=330,  # a read that hangs past the server's end raises
                )
                for event in stream:
                    if event["type"] in ("ADDED", "MODIFIED"):
                        self.offer(event["object"])
            except Exception as e:
                _log(f"watch interrupted ({type(e).__name__}: {e}); listing again")
                time.sleep(0.5)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="simexec", description=__doc__.splitlines()[0])
    p.add_argument("--kubeconfig", type=Path, required=True)
    p.add_argument("--logs-dir", type=Path, help="write pods' logs here for KWOK to serve")
    args = p.parse_args(argv)
    _log("simulated executor started")
    Executor(api_client(args.kubeconfig), logs_dir=args.logs_dir).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
