"""The controller loop: passes over the node tree until the Workflow is done.

Each pass walks the entry template the way Argo's operator does (operator.go, operate and
executeTemplate); a pod created in one pass finishes at the start of the next with the phase
the scenario gives it. Nodes, retries and exit handlers follow the controller's rules;
DAG and steps templates are in ``dag`` and ``steps``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from gp.compile.runtime import pod_refusal_text
from gp.errors import NotModelledError, SimulationError
from gp.simulate.model import ERROR, FAILED, PENDING, RUNNING, SUCCEEDED, Scenario
from gp.simulate.nodes import Nodes, SimNode
from gp.simulate.outcomes import Outcomes
from gp.simulate.scope import substitute_value
from gp.simulate.templates import Templates, template_kind

MAX_PASSES = 10_000
MAX_ATTEMPTS = 100
# controller.go's maxAllowedStackDepth: nested executeTemplate calls in one pass; the call that
# reaches it makes an Error node instead of running its template (operator.go). The message is
# Argo 4.0's (its help links name the release).
MAX_STACK_DEPTH = 100
MAX_DEPTH_MESSAGE = (
    "Maximum recursion depth exceeded. See "
    "https://argo-workflows.readthedocs.io/en/release-4.0/scaling/#maximum-recursion-depth"
)


@dataclass
class Opts:
    boundary: str | None = None
    hooked: bool = False
    retried: bool = False
    attempt: int = 0
    task: str = ""  # the logical task a pod belongs to
    display: str = ""


# (engine, node name, template, scope, inputs, opts) -> the template's node: how a dag or
# steps template runs (gp/simulate/dag.py, steps.py), given to the engine by its maker.
Composite = Callable[["Engine", str, dict, Any, dict[str, str], Opts], SimNode]


class Engine:
    def __init__(
        self,
        scenario: Scenario,
        templates: Templates,
        wf_name: str,
        params: dict[str, str],
        composites: Mapping[str, Composite],
    ):
        self.templates = templates
        self.composites = composites
        self.wf_name = wf_name
        self.globals = {
            "workflow.name": wf_name,
            **{f"workflow.parameters.{k}": v for k, v in params.items()},
        }
        self.outcomes = Outcomes(scenario, wf_name)
        self.nodes = Nodes()
        self.tick = 0
        self.changed = False
        self.depth = 0  # operator.go's currentStackDepth

    # --- the loop ---------------------------------------------------------------------------

    def run(self) -> tuple[str, str]:
        spec = self.templates.spec
        exit_hook = spec.get("onExit") or (spec.get("hooks") or {}).get("exit", {}).get("template")
        unmodelled = set(spec.get("hooks") or {}) - {"exit"}
        if unmodelled:
            raise NotModelledError(
                f"Workflow lifecycle hooks {sorted(unmodelled)} are not modelled"
            )
        while True:
            self.tick += 1
            if self.tick > MAX_PASSES:
                raise SimulationError("the run did not finish")
            self.changed = self._finish_pods()
            entry = self.execute_template(
                self.wf_name,
                {"template": spec["entrypoint"]},
                self.templates.root,
                self._args(spec),
                {},
                Opts(display=self.wf_name),
            )
            if entry.fulfilled:
                phase = {SUCCEEDED: SUCCEEDED, FAILED: FAILED, ERROR: ERROR}.get(
                    entry.phase, SUCCEEDED
                )
                if not exit_hook:
                    return phase, entry.message
                self.globals["workflow.status"] = phase
                handler = self.execute_template(
                    f"{self.wf_name}.onExit",
                    {"template": exit_hook},
                    self.templates.root,
                    {},
                    {},
                    Opts(boundary=None, hooked=True, display="onExit"),
                )
                if handler.fulfilled:
                    # operator.go: a failed exit handler fails a Workflow that had succeeded.
                    if phase == SUCCEEDED and handler.failed_or_error:
                        return (FAILED if handler.phase == FAILED else ERROR), handler.message
                    return phase, entry.message
            if not self.changed and not any(
                n.phase == PENDING for n in self.nodes.by_name.values()
            ):
                raise SimulationError("the run is stuck: nothing can start and nothing is running")

    def _args(self, spec: dict) -> dict[str, str]:
        """What the entry template is given: the Workflow's parameters and artifacts."""
        args = {
            k[len("workflow.parameters.") :]: v
            for k, v in self.globals.items()
            if k.startswith("workflow.parameters.")
        }
        artifacts = {"artifacts": (spec.get("arguments") or {}).get("artifacts") or []}
        return {**args, **self.templates.arguments(artifacts)}

    def _finish_pods(self) -> bool:
        done = False
        for node in list(self.nodes.by_name.values()):
            if node.type == "Pod" and node.phase == PENDING and node.started < self.tick:
                node.phase, node.outputs = self.outcomes.result(node, self.nodes.get(node.task))
                self.export(node.template or {}, node.outputs)
                self._containers(node)
                done = True
        return done

    def _containers(self, pod: SimNode) -> None:
        """The containers of a set end with their pod. The scenario's outcome is the pod's, as
        the dev cluster ends them: a Failed pod fails its `main` container, or every container
        when none is named so; an Error (the executor failing) leaves them Succeeded."""
        cset = (pod.template or {}).get("containerSet")
        if not isinstance(cset, dict):
            return
        names = [c.get("name") or "main" for c in cset.get("containers") or []]
        for name in names:
            failed = pod.phase == FAILED and ("main" not in names or name == "main")
            child = self.nodes[f"{pod.name}.{name}"]
            child.phase, child.started = (FAILED if failed else SUCCEEDED), pod.started

    def export(self, tmpl: dict, outputs: dict) -> None:
        """addOutputsToGlobalScope: outputs with a globalName become workflow.outputs.*."""
        declared = tmpl.get("outputs") or {}
        for kind in ("parameters", "artifacts"):
            values = outputs.get(kind) or {}
            for item in declared.get(kind) or []:
                if item.get("globalName") and item.get("name") in values:
                    key = f"workflow.outputs.{kind}.{item['globalName']}"
                    self.globals[key] = values[item["name"]]

    def new_node(self, name: str, type_: str, phase: str, opts: Opts, **kw: Any) -> SimNode:
        self.changed = True
        started = self.tick if phase in (RUNNING, PENDING) else None
        return self.nodes.add(
            SimNode(
                name,
                opts.display or name.rsplit(".", 1)[-1],
                type_,
                phase,
                opts.boundary,
                started=started,
                hooked=opts.hooked,
                retried=opts.retried,
                **kw,
            )
        )

    def mark(self, node: SimNode, phase: str, message: str = "") -> SimNode:
        if node.phase != phase:
            self.changed = True
            node.phase = phase
            node.message = message or node.message
        return node

    # --- executeTemplate ----------------------------------------------------------------------

    def execute_template(
        self,
        name: str,
        holder: dict,
        scope: Any,
        args: dict[str, str],
        local: dict[str, str],
        opts: Opts,
    ) -> SimNode:
        self.depth += 1
        try:
            if self.depth >= MAX_STACK_DEPTH:
                # A template that calls itself: dag.go and steps.go take the Error node as the
                # task's result, so the error climbs the DAGs like a failed task's.
                node = self.nodes.get(name)
                if node is not None:
                    return self.mark(node, ERROR, MAX_DEPTH_MESSAGE)
                return self.new_node(name, "Skipped", ERROR, opts, message=MAX_DEPTH_MESSAGE)
            return self._execute_template(name, holder, scope, args, local, opts)
        finally:
            self.depth -= 1

    def _execute_template(
        self,
        name: str,
        holder: dict,
        scope: Any,
        args: dict[str, str],
        local: dict[str, str],
        opts: Opts,
    ) -> SimNode:
        tmpl, scope = self.templates.resolve(holder, scope)
        node = self.nodes.get(name)
        if node is not None and node.fulfilled:
            return node
        inputs = self.templates.inputs(tmpl, args, {**self.globals, **local})
        # `retryStrategy: {}` retries without limit: present, not truthy, is what counts.
        strategy = tmpl.get("retryStrategy", self.templates.spec.get("retryStrategy"))
        retry_name = None
        if isinstance(strategy, dict):
            retry_name = name
            retry = node or self.new_node(name, "Retry", RUNNING, opts)
            self._process_retries(retry, strategy)
            if retry.fulfilled:
                return retry
            attempts = self.nodes.attempts(retry)
            last = attempts[-1] if attempts else None
            if last is not None and not last.fulfilled:
                name = last.name
            else:
                if len(attempts) >= MAX_ATTEMPTS:
                    raise SimulationError(
                        f"{name} retries forever: every attempt fails and the "
                        "retry strategy sets no limit"
                    )
                name = f"{retry_name}({len(attempts)})"
                self.nodes.add_child(retry_name, name)
            opts = Opts(
                opts.boundary,
                opts.hooked,
                True,
                len(attempts) if last is None or last.fulfilled else len(attempts) - 1,
                retry_name,
                name.rsplit(".", 1)[-1],
            )
        kind = template_kind(tmpl)
        if tmpl.get("failFast") and (
            tmpl.get("parallelism") or self.templates.spec.get("parallelism")
        ):
            # checkParallelism: with a limit, items start over several passes, and failFast
            # stops starting them at the first failure: what runs depends on timing.
            raise NotModelledError(
                f"template {tmpl.get('name')!r}: failFast with a parallelism limit is not "
                "modelled (which items start depends on when the others end)"
            )
        if kind == "pod":
            node = self._execute_pod(name, tmpl, opts)
        elif kind in self.composites:
            node = self.composites[kind](self, name, tmpl, scope, inputs, opts)
        else:
            raise NotModelledError(
                f"template {tmpl.get('name')!r}: {kind} templates are not modelled"
            )
        if retry_name is not None:
            retry = self.nodes[retry_name]
            if not retry.fulfilled and node.fulfilled:
                # operator.go: a finished attempt sends the controller back to the retry node.
                return self.execute_template(retry_name, holder, scope, args, local, opts)
            return retry
        return node

    def _execute_pod(self, name: str, tmpl: dict, opts: Opts) -> SimNode:
        node = self.nodes.get(name)
        if node is None:
            # Kubernetes refuses the pod (its name, a label, a volume...): the node errors at once.
            refused = pod_refusal_text(tmpl, self.templates.spec, root=name == self.wf_name)
            node = self.new_node(
                name,
                "Pod",
                ERROR if refused else PENDING,
                opts,
                task=opts.task or name,
                attempt=opts.attempt,
                template=tmpl,
                message=refused or "",
            )
            if refused:
                node.started = self.tick  # Argo started the node, then failed to make its pod
            else:
                self._container_nodes(node, tmpl)
        return node

    def _container_nodes(self, pod: SimNode, tmpl: dict) -> None:
        """container_set_template.go: a node per container of a set, made with the pod, linked
        as the set's graph (a container without dependencies hangs from the pod)."""
        cset = tmpl.get("containerSet")
        if not isinstance(cset, dict):
            return
        for ctr in cset.get("containers") or []:
            name = ctr.get("name") or "main"
            self.nodes.add(SimNode(f"{pod.name}.{name}", name, "Container", PENDING, pod.name))
        for ctr in cset.get("containers") or []:
            child = f"{pod.name}.{ctr.get('name') or 'main'}"
            for parent in ctr.get("dependencies") or [None]:
                self.nodes.add_child(f"{pod.name}.{parent}" if parent else pod.name, child)

    def _process_retries(self, retry: SimNode, strategy: dict) -> None:
        """operator.go processNodeRetries: the retry node takes its last attempt's phase once
        no further attempt is due."""
        for key in ("expression",):
            if strategy.get(key):
                raise NotModelledError(f"retryStrategy.{key} is not modelled")
        if (strategy.get("backoff") or {}).get("maxDuration"):
            raise NotModelledError(
                "retryStrategy.backoff.maxDuration is not modelled (time is not simulated)"
            )
        attempts = self.nodes.attempts(retry)
        if not attempts or not attempts[-1].fulfilled:
            return
        last = attempts[-1]
        if not last.failed_or_error:
            retry.outputs = last.outputs
            self.mark(retry, SUCCEEDED)
            return
        policy = strategy.get("retryPolicy") or "OnFailure"
        if policy == "OnTransientError":
            raise NotModelledError("retryPolicy OnTransientError is not modelled")
        if policy not in ("Always", "OnFailure", "OnError"):
            raise SimulationError(f"{policy!r} is not a valid retryPolicy")
        on_failed, on_error = policy in ("Always", "OnFailure"), policy in ("Always", "OnError")
        if (last.phase == FAILED and not on_failed) or (last.phase == ERROR and not on_error):
            self.mark(retry, last.phase, last.message)
            return
        limit = strategy.get("limit")
        if limit is not None:
            try:
                limit = int(limit)
            except (TypeError, ValueError):
                raise NotModelledError(f"retryStrategy.limit {limit!r} is not modelled") from None
            if len(attempts) > limit:
                self.mark(retry, last.phase, "No more retries left")

    # --- exit handlers -------------------------------------------------------------------------

    def run_exit_hook(
        self,
        holder: dict,
        parent: SimNode,
        scope: Any,
        local: dict[str, str],
        boundary: str | None,
        prefix: str,
    ) -> SimNode | None:
        """exit_handler.go runOnExitNode: a task's exit handler, a hooked child of its node."""
        hooks = holder.get("hooks") or {}
        unmodelled = set(hooks) - {"exit"}
        if unmodelled:
            raise NotModelledError(
                f"lifecycle hooks {sorted(unmodelled)} of {holder.get('name')!r} are not modelled"
            )
        hook = hooks.get("exit") or (
            {"template": holder["onExit"]} if holder.get("onExit") else None
        )
        if hook is None:
            return None
        if hook.get("expression"):
            raise NotModelledError("exit hooks with an expression are not modelled")
        own = dict(local)
        for key, value in (parent.outputs.get("parameters") or {}).items():
            own[f"{prefix}.outputs.parameters.{key}"] = value
        args = self.templates.arguments(
            substitute_value(hook.get("arguments") or {}, {**self.globals, **own})
        )
        node = self.execute_template(
            f"{parent.name}.onExit",
            hook,
            scope,
            args,
            local,
            Opts(boundary=boundary, hooked=True, display="onExit"),
        )
        self.nodes.add_child(parent.name, node.name)
        return node
