"""``gp.Run``: a run of a pipeline on the cluster, over gp/runs' operations (the same ones
`gp run`, `gp runs`, `gp logs` and `gp stop` call).

A Run is a handle: it keeps the stack it came from and a snapshot of the Workflow, read again
by ``refresh``, ``wait`` and ``watch``. What it shows is masked with the module's sensitive
values (a parameter, a node's message or output, a log line).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, closing
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from gp.api import arguments as args
from gp.redact import mask_text, secrets_of
from gp.render.mask import mask_value
from gp.runs import actions as runs_api
from gp.runs import listing as run_listing
from gp.runs.actions import RunContext

if TYPE_CHECKING:
    from gp.runs.logs import LogLine
    from gp.runs.model import Node, RunSnapshot

__all__ = ["Run", "get", "history", "submit"]


# Opens the stack's run context for one operation and closes its connections after
# (gp.Stack gives its own).
Opener = Callable[[], AbstractContextManager["RunContext"]]


def submit(
    open_context: Opener,
    address: str,
    parameters: Mapping[str, Any],
    *,
    name: str | None,
    allow_drift: bool,
    annotations: Mapping[str, str] | None,
) -> Run:
    with open_context() as ctx:
        made = runs_api.submit(
            ctx,
            address,
            _strings(parameters),
            name=name,
            allow_drift=allow_drift,
            annotations=annotations,
        )
        return Run(open_context, made, _secrets(ctx))


def history(
    open_context: Opener, address: str | None, *, status: str | None, limit: int | None
) -> list[Run]:
    with open_context() as ctx:
        secrets = _secrets(ctx)
        return [
            Run(open_context, r, secrets) for r in run_listing.runs(ctx, address, status, limit)
        ]


def get(open_context: Opener, ident: str) -> Run:
    with open_context() as ctx:
        return Run(open_context, runs_api.get(ctx, ident), _secrets(ctx))


def _secrets(ctx: RunContext) -> tuple[str, ...]:
    return secrets_of(ctx.secrets)


def _strings(values: Mapping[str, Any]) -> dict[str, str]:
    """Parameter values as Argo takes them: a value that is not a string as its JSON, as
    `gp run --param-file` reads one (3, true, ["a"])."""
    out = {}
    for key, value in values.items():
        try:
            out[key] = value if isinstance(value, str) else json.dumps(value)
        except (TypeError, ValueError) as exc:
            from gp.errors import RunError

            raise RunError(f"parameter {key!r}: {exc}; give a string or a JSON value") from None
    return out


def masked(snapshot: RunSnapshot, secrets: Sequence[str]) -> RunSnapshot:
    """``snapshot`` with every value that may hold a secret masked: the run's message,
    parameters, annotations and spec, and each node's message, inputs and outputs."""
    if not secrets:
        return snapshot
    nodes = tuple(
        replace(
            n,
            message=mask_text(n.message, secrets) if n.message else n.message,
            inputs=mask_value(dict(n.inputs), secrets),
            outputs=mask_value(dict(n.outputs), secrets),
        )
        for n in snapshot.nodes
    )
    return replace(
        snapshot,
        nodes=nodes,
        message=mask_text(snapshot.message, secrets) if snapshot.message else snapshot.message,
        parameters=tuple((k, mask_text(v, secrets)) for k, v in snapshot.parameters),
        annotations=mask_value(dict(snapshot.annotations), secrets),
        spec=mask_value(dict(snapshot.spec), secrets),
    )


class Run:
    """One run (an Argo Workflow) of a stack's pipeline: ``stack.run(...)`` submits one,
    ``stack.runs(...)`` lists them. Renders in a notebook as its DAG coloured by phase and a
    table of its tasks."""

    def __init__(
        self, open_context: Opener, snapshot: RunSnapshot, secrets: tuple[str, ...] = ()
    ) -> None:
        self._open = open_context
        self._run = snapshot
        self._secrets = secrets

    # -- what it is ------------------------------------------------------------------------

    @property
    def raw(self) -> RunSnapshot:
        """The last snapshot read (gp.runs.model.RunSnapshot), unmasked."""
        return self._run

    @property
    def snapshot(self) -> RunSnapshot:
        """The last snapshot read (gp.runs.model.RunSnapshot) with the module's sensitive values
        masked in its message, parameters, spec and nodes: what `gp runs show`, `gp watch`
        and the notebook display draw."""
        return masked(self._run, self._secrets)

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
    def nodes(self) -> dict[str, Node]:
        """Task (or step) name -> its node (gp.Node: ``phase``, ``started_at``,
        ``finished_at``, ``message``, ``inputs``, ``outputs``, masked), for the nodes that ran
        a template; grouping nodes and the run's own node are left out."""
        shown = self.snapshot
        return {
            node.display_name: node
            for node in shown.nodes
            if node.name != shown.name
            and node.type not in ("StepGroup", "TaskGroup", "DAG", "Steps")
        }

    # -- reading it again ------------------------------------------------------------------

    def refresh(self) -> Run:
        """Read the run again; returns itself."""
        with self._open() as ctx:
            self._run = runs_api.get(ctx, self.ident)
        return self

    def follow(self, timeout: float | None = None) -> Iterator[Run]:
        """This run, re-read, now and after each change until it ends (`gp watch` draws each);
        the last one yielded is done. Raises gp.RunError when ``timeout`` seconds pass first
        (the run goes on)."""
        if timeout is not None:
            timeout = args.seconds("timeout", timeout)
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._open() as ctx, closing(runs_api.watch(ctx, self.ident)) as changes:
            for snapshot in changes:
                self._run = snapshot
                yield self
                if snapshot.done:
                    return
                if deadline is not None and time.monotonic() > deadline:
                    from gp.errors import RunError

                    raise RunError(f"{self.name} is still {snapshot.phase} after {timeout:.0f}s")
        raise AssertionError("the watch ended before the run did")

    def _follow(self, on_change: Callable[[Run], None] | None, timeout: float | None) -> str:
        for run in self.follow(timeout):
            if on_change is not None:
                on_change(run)
        return self.phase

    def wait(self, timeout: float | None = None) -> str:
        """Wait for the run to end; returns "Succeeded", "Failed" or "Error". Raises
        gp.RunError when ``timeout`` seconds pass first (the run goes on)."""
        if timeout is not None:
            args.seconds("timeout", timeout)
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
        with each line prefixed by its task. Masked."""
        task = args.optional_text("task", task)
        shown = [ln.text if task else f"{ln.task}: {ln.text}" for ln in self.log_lines(task)]
        return "\n".join(shown) + ("\n" if shown else "")

    def log_lines(self, task: str | None = None, *, follow: bool = False) -> Iterator[LogLine]:
        """The main containers' log lines (gp.LogLine: ``time``, ``task``, ``text``, masked) of
        ``task`` only or of every task: those so far in time order, or with ``follow`` each as
        it is written until the run has ended and its logs have gone quiet (`gp logs [-f]`).
        A task the run does not have raises gp.RunError (on the first line asked for)."""
        from gp.runs import logs as runs_logs

        task = args.optional_text("task", task)
        with self._open() as ctx:
            read = runs_logs.follow if follow else runs_logs.logs
            for line in read(ctx, self.ident, task):
                yield replace(
                    line,
                    task=mask_text(line.task, self._secrets),
                    text=mask_text(line.text, self._secrets),
                )

    def stop(self, terminate: bool = False) -> Run:
        """Stop the run (exit handlers still run), or terminate it; returns itself, re-read.
        Raises gp.RunError when it has already ended."""
        terminate = args.flag("terminate", terminate)
        with self._open() as ctx:
            self._run = runs_api.stop(ctx, self.ident, terminate)
        return self

    def retry(self, nodes: Sequence[str] = ()) -> Run:
        """Argo's retry, in this same Workflow (`gp retry`): its failed and errored nodes run
        again, and ``nodes`` (display names) too, even succeeded ones; the exit handler runs
        again. Returns itself, re-read. Raises gp.RunError for a run that has not ended."""
        with self._open() as ctx:
            self._run = runs_api.retry(ctx, self.ident, tuple(nodes))
        return self

    def resubmit(
        self,
        parameters: Mapping[str, Any] | None = None,
        *,
        allow_drift: bool = False,
        **params: Any,
    ) -> Run:
        """A new run of the same pipeline with this run's parameters, these on top (keywords,
        or ``parameters`` for names that are not identifiers), checked as ``Stack.run``
        checks them (`gp resubmit`). Its annotations are carried over."""
        with self._open() as ctx:
            made = runs_api.resubmit(
                ctx,
                self.ident,
                _strings({**dict(args.mapping("parameters", parameters)), **params}),
                allow_drift=args.flag("allow_drift", allow_drift),
            )
            return Run(self._open, made, _secrets(ctx))

    # -- display ---------------------------------------------------------------------------

    def __repr__(self) -> str:
        return f"<gp.Run {self.ident} {self.phase}>"

    def _repr_html_(self) -> str:
        from gp.render.run_html import run_html

        return run_html(self.snapshot, self._secrets)

    def _repr_markdown_(self) -> str:
        from gp.render.run_html import run_markdown

        return run_markdown(self.snapshot, self._secrets)


def _display_handle(run: Run) -> Any:
    """An IPython display handle showing ``run``, or None outside an IPython kernel."""
    try:
        from IPython.core.getipython import get_ipython
        from IPython.display import display
    except ImportError:
        return None
    if get_ipython() is None:  # type: ignore[no-untyped-call]
        return None
    return display(run, display_id=True)  # type: ignore[no-untyped-call]
