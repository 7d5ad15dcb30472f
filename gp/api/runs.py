"""``gp.Run``: a run of a pipeline on the cluster, over gp/runs' operations (the same ones
`gp run`, `gp runs`, `gp logs` and `gp stop` call).

A Run is a handle: it keeps the stack it came from and a snapshot of the Workflow, read again
by ``refresh``, ``wait`` and ``watch``. What it shows is masked with the module's sensitive
values (a parameter, a node's message or output, a log line).
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping

from gp import operations
from gp.render.mask import mask_text, mask_value, secrets_of

if TYPE_CHECKING:
    from gp.api.stack import Stack
    from gp.runs.api import RunContext
    from gp.runs.model import Node as _Node
    from gp.runs.model import Run as _Snapshot

__all__ = ["Run", "submit", "history", "get"]


@contextmanager
def run_context(stack: "Stack") -> Iterator["RunContext"]:
    """The stack compiled, its provider and its engine, for one operation; the provider's
    connections are closed after. Raises gp.ProviderError on a target with no engine."""
    from gp.api.stack import _close
    from gp.runs import api as runs_api

    compiled = stack.compile()
    provider = operations.provider_for(compiled.module)
    try:
        yield runs_api.context(compiled, provider, operations.whoami())
    finally:
        _close(provider)


def submit(stack: "Stack", address: str, parameters: Mapping[str, Any], *, name: str | None,
           allow_drift: bool, annotations: Mapping[str, str] | None) -> "Run":
    from gp.runs import api as runs_api

    given = {k: v if isinstance(v, str) else str(v) for k, v in parameters.items()}
    with run_context(stack) as ctx:
        made = runs_api.submit(ctx, address, given, name=name, allow_drift=allow_drift,
                               annotations=annotations)
        return Run(stack, made, _secrets(ctx))


def history(stack: "Stack", address: str | None, *, status: str | None, limit: int | None) -> list["Run"]:
    from gp.runs import api as runs_api

    with run_context(stack) as ctx:
        secrets = _secrets(ctx)
        return [Run(stack, r, secrets) for r in runs_api.runs(ctx, address, status, limit)]


def get(stack: "Stack", ident: str) -> "Run":
    from gp.runs import api as runs_api

    with run_context(stack) as ctx:
        return Run(stack, runs_api.get(ctx, ident), _secrets(ctx))


def _secrets(ctx: "RunContext") -> tuple[str, ...]:
    return secrets_of(ctx.compiled.module.sensitive_values)


class Run:
    """One run (an Argo Workflow) of a stack's pipeline: ``stack.run(...)`` submits one,
    ``stack.runs(...)`` lists them. Renders in a notebook as its DAG coloured by phase and a
    table of its tasks."""

    def __init__(self, stack: "Stack", snapshot: "_Snapshot", secrets: tuple[str, ...] = ()) -> None:
        self._stack = stack
        self._run = snapshot
        self._secrets = secrets

    # -- what it is ------------------------------------------------------------------------

    @property
    def raw(self) -> "_Snapshot":
        """The last snapshot read (gp.runs.model.Run), unmasked."""
        return self._run

    @property
    def name(self) -> str:
        """The Workflow's name."""
        return self._run.name

    @property
    def namespace(self) -> str:
        """Where the Workflow runs."""
        return self._run.namespace

    @property
    def ident(self) -> str:
        """NAMESPACE/NAME, as ``Stack.get_run`` and `gp watch` take it."""
        return f"{self._run.namespace}/{self._run.name}"

    @property
    def phase(self) -> str:
        """Pending, Running, Succeeded, Failed or Error, as of the last read."""
        return self._run.phase

    @property
    def done(self) -> bool:
        """Whether the run has ended (Succeeded, Failed or Error)."""
        return self._run.done

    @property
    def address(self) -> str | None:
        """The address of the pipeline it runs (None for a run gp did not submit)."""
        return self._run.address

    @property
    def message(self) -> str | None:
        """Argo's message for the run (why it failed), masked."""
        return mask_text(self._run.message, self._secrets) if self._run.message else None

    @property
    def started_at(self) -> str | None:
        """When it started (RFC 3339), None before."""
        return self._run.started_at

    @property
    def finished_at(self) -> str | None:
        """When it ended (RFC 3339), None before."""
        return self._run.finished_at

    @property
    def parameters(self) -> dict[str, str]:
        """The run's parameters, masked."""
        return {k: mask_text(v, self._secrets) for k, v in self._run.parameters}

    @property
    def nodes(self) -> dict[str, "_Node"]:
        """Task (or step) name -> its node (gp.Node: ``phase``, ``started_at``,
        ``finished_at``, ``message``, ``inputs``, ``outputs``, masked), for the nodes that ran
        a template; grouping nodes and the run's own node are left out."""
        out = {}
        for node in self._run.nodes:
            if node.name == self._run.name or node.type in ("StepGroup", "TaskGroup", "DAG", "Steps"):
                continue
            out[node.display_name] = replace(
                node, message=mask_text(node.message, self._secrets) if node.message else node.message,
                inputs=mask_value(dict(node.inputs), self._secrets),
                outputs=mask_value(dict(node.outputs), self._secrets))
        return out

    # -- reading it again ------------------------------------------------------------------

    def refresh(self) -> "Run":
        """Read the run again; returns itself."""
        from gp.runs import api as runs_api

        with run_context(self._stack) as ctx:
            self._run = runs_api.get(ctx, self.ident)
        return self

    def _follow(self, on_change: Callable[["Run"], None] | None, timeout: float | None) -> str:
        from gp.runs import api as runs_api

        deadline = None if timeout is None else time.monotonic() + timeout
        with run_context(self._stack) as ctx:
            for snapshot in runs_api.watch(ctx, self.ident):
                self._run = snapshot
                if on_change is not None:
                    on_change(self)
                if snapshot.done:
                    return snapshot.phase
                if deadline is not None and time.monotonic() > deadline:
                    from gp.errors import RunError

                    raise RunError(f"{self.name} is still {snapshot.phase} after {timeout:.0f}s")
        raise AssertionError("the watch ended before the run did")

    def wait(self, timeout: float | None = None) -> str:
        """Wait for the run to end; returns "Succeeded", "Failed" or "Error". Raises
        gp.RunError when ``timeout`` seconds pass first (the run goes on)."""
        if self.done:
            return self.phase
        return self._follow(None, timeout)

    def watch(self, timeout: float | None = None) -> str:
        """Show the run and update that one output in place as it changes (an IPython display
        handle), until it ends; returns its final phase. Outside IPython it only waits."""
        handle = _display_handle(self)
        if handle is None:
            return self.wait(timeout)
        if self.done:
            handle.update(self)
            return self.phase
        return self._follow(handle.update, timeout)

    def logs(self, task: str | None = None) -> str:
        """The main containers' logs so far, in time order: of ``task`` only, or of every task
        with each line prefixed by its task (as `gp logs` prints them). Masked."""
        from gp.runs import logs as runs_logs

        with run_context(self._stack) as ctx:
            lines = runs_logs.logs(ctx, self.ident, task)
        shown = [ln.text if task else f"{ln.task}: {ln.text}" for ln in lines]
        return mask_text("\n".join(shown) + ("\n" if shown else ""), self._secrets)

    def stop(self, terminate: bool = False) -> "Run":
        """Stop the run (exit handlers still run), or terminate it; returns itself, re-read."""
        from gp.runs import api as runs_api

        with run_context(self._stack) as ctx:
            self._run = runs_api.stop(ctx, self.ident, terminate)
        return self

    # -- display ---------------------------------------------------------------------------

    def __repr__(self) -> str:
        return f"<gp.Run {self.ident} {self.phase}>"

    def _repr_html_(self) -> str:
        from gp.render.run_html import run_html

        return run_html(self._run, self._secrets)

    def _repr_markdown_(self) -> str:
        from gp.render.run_html import run_markdown

        return run_markdown(self._run, self._secrets)


def _display_handle(run: Run) -> Any:
    """An IPython display handle showing ``run``, or None outside an IPython kernel."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        return None
    if get_ipython() is None:
        return None
    return display(run, display_id=True)
