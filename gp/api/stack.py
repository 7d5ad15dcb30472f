"""``gp.Stack``: a root module with its variables and target, and everything gp does with it.

A Stack holds its context explicitly (the module's folder, variable values, environment, cache
folder and, optionally, a provider in place of the module's block); nothing is kept between
calls or in module-level state, so two stacks, or one module against two clusters, work side
by side in one process. Each call reads the module's files again: a notebook that edits them
between cells sees the edit. The CLI's commands are thin wrappers over these methods.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from gp import operations
from gp.api import runs as run_api
from gp.api.backfill import Backfill
from gp.api.plans import ApplyResult, Plan
from gp.api.runs import Run
from gp.api.views import Diagnostics, Graph, StackState, TestResults
from gp.compile.objects import ObjectRef
from gp.errors import ApplyError, GPError, PlanError
from gp.external.identity import whoami
from gp.planner.applied import ApplyReport
from gp.planner.plan import Mode
from gp.planner.targets import address_problem
from gp.providers.base import Interrupted, Progress, Provider, StackLock
from gp.render.graph import dags_for
from gp.runs.actions import RunContext

__all__ = ["Session", "Stack"]


def _var_args(
    vars: Mapping[str, Any] | None, var_files: Sequence[str | os.PathLike[str]]
) -> tuple[tuple[str, str], ...]:
    """As the command line gives them: files first, then values (which win). A value that is
    not a string is written as its HCL (JSON) literal: 3, true, ["a"], {"k" = "v"}."""
    out = [("var-file", os.fspath(f)) for f in var_files]
    for name, value in (vars or {}).items():
        text = value if isinstance(value, str) else json.dumps(value)
        out.append(("var", f"{name}={text}"))
    return tuple(out)


def _targets(target: str | None, targets: Sequence[str]) -> tuple[str, ...]:
    chosen = tuple(targets) + ((target,) if target else ())
    for address in chosen:
        problem = address_problem(address)
        if problem:
            raise PlanError(f"target {address}: {problem}")
    return chosen


class Stack:
    """A gp root module, ready to validate, plan, apply and run.

    ``vars`` and ``var_files`` are what `--var` and `--var-file` give (files first, then values;
    the last value wins). ``provider`` replaces the module's provider block, as one block would
    read: ``{"kubernetes": {"kubeconfig": "...", "namespace": "ci"}}`` or
    ``{"directory": {"path": "deploy"}}``; relative paths are relative to the module. ``env``
    is where `GP_VAR_*` values come from (a copy of ``os.environ`` by default).
    """

    def __init__(
        self,
        path: str | os.PathLike[str] = ".",
        *,
        vars: Mapping[str, Any] | None = None,
        var_files: Sequence[str | os.PathLike[str]] = (),
        provider: Mapping[str, Mapping[str, Any]] | None = None,
        env: Mapping[str, str] | None = None,
        cache_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        override = None
        if provider is not None:
            if len(provider) != 1:
                raise GPError(
                    'provider= takes one provider: {"kubernetes": {...}} or {"directory": {...}}'
                )
            [(kind, settings)] = provider.items()
            from gp.config.loader import provider_override  # the loader is heavy; only here

            override = provider_override(kind, dict(settings or {}))
        self._inputs = operations.Inputs(
            root_dir=Path(path).resolve(),
            var_args=_var_args(vars, var_files),
            env=dict(os.environ if env is None else env),
            cache_dir=Path(cache_dir)
            if cache_dir is not None
            else operations.default_cache_dir() / "parse",
            provider=override,
        )

    @classmethod
    def from_arguments(
        cls,
        path: str | os.PathLike[str],
        var_args: Sequence[tuple[str, str]] = (),
        *,
        env: Mapping[str, str] | None = None,
    ) -> Stack:
        """A stack from variables as a command line gives them: ``("var", "NAME=VALUE")`` and
        ``("var-file", "PATH")`` in the order typed (the last value wins)."""
        return cls.from_inputs(
            operations.Inputs(
                root_dir=Path(path).resolve(),
                var_args=tuple(var_args),
                env=dict(os.environ if env is None else env),
                cache_dir=operations.default_cache_dir() / "parse",
            )
        )

    @classmethod
    def from_inputs(cls, inputs: operations.Inputs) -> Stack:
        """A stack from gp.operations.Inputs, which keep `--var`/`--var-file` interleaved in
        the order typed (the CLI builds its stacks so)."""
        stack = cls.__new__(cls)
        stack._inputs = inputs
        return stack

    @property
    def root(self) -> Path:
        """The root module's folder."""
        return self._inputs.root_dir

    @property
    def inputs(self) -> operations.Inputs:
        """What the stack was made from (gp.operations.Inputs): folder, variables, env, provider."""
        return self._inputs

    def __repr__(self) -> str:
        return f"<gp.Stack {str(self.root)!r}>"

    # -- offline ---------------------------------------------------------------------------

    def validate(self) -> Diagnostics:
        """Every problem of the module at once, as `gp validate` finds them; [] when clean.
        Never raises for problems in the module: they are the answer."""
        try:
            count, found = operations.validate(self._inputs)
        except GPError as err:  # the files could not even be parsed
            return Diagnostics(err.diagnostics, 0)
        return Diagnostics(found, count)

    def compile(self) -> operations.CompiledStack:
        """The module loaded and compiled (gp.operations.CompiledStack: ``module`` and ``objects``,
        each with its address and source position). Raises gp.DiagnosticsError on errors."""
        return operations.compile_inputs(self._inputs)

    def objects(self) -> list[dict[str, Any]]:
        """The compiled manifests, exactly what apply sends (copies: editing them changes
        nothing)."""
        return [copy.deepcopy(o.manifest) for o in self.compile().objects]

    def addresses(self) -> list[str]:
        """The address of every object, in the order apply considers them."""
        return [o.address for o in self.compile().objects]

    def render(self, fmt: str = "yaml") -> str:
        """The objects as `gp render` prints them: "yaml" or "json"."""
        if fmt not in ("yaml", "json"):
            raise GPError(f"unknown render format {fmt!r}; use yaml or json")
        return operations.render(self._inputs, fmt)

    def graph(self, address: str | None = None) -> Graph:
        """The DAG of the template (or cron) at ``address``, of every object when None: an SVG
        picture in a notebook, text/dot/mermaid through ``Graph.format``."""
        return Graph(dags_for(self.compile().objects, address))

    def test(self, pattern: str | None = None, *, engine: bool = False) -> TestResults:
        """Run the module's `*.gptest.hcl` tests on the simulator (and, with ``engine``, on the
        Argo engine of the Kubernetes target), as `gp test` does."""
        return TestResults(operations.test(self._inputs, pattern=pattern, engine=engine))

    # -- on the target ---------------------------------------------------------------------

    @contextmanager
    def lock(self, timeout: float = 0.0, *, who: str | None = None) -> Iterator[Session]:
        """Hold the stack's lock (waiting up to ``timeout`` seconds) to plan and apply under
        it, as `gp apply` does from its plan to its last write."""
        compiled = self.compile()
        provider = operations.provider_for(compiled.module)
        try:
            with provider.lock(compiled.module.stack, who or whoami(), timeout) as held:
                yield Session(compiled, provider, held)
        finally:
            provider.close()

    def plan(
        self,
        *,
        target: str | None = None,
        targets: Sequence[str] = (),
        destroy: bool = False,
        refresh_only: bool = False,
        lock_timeout: float = 0.0,
    ) -> Plan:
        """Read the target and diff, under the stack's lock, as `gp plan` does. A plan that
        failed still returns (``plan.errors`` says why; apply refuses it)."""
        (
            Mode.of(destroy=destroy, refresh_only=refresh_only),
            _targets(target, targets),
        )  # before reading anything
        with self.lock(lock_timeout) as session:
            return session.plan(
                target=target, targets=targets, destroy=destroy, refresh_only=refresh_only
            )

    def apply(
        self,
        plan: Plan | str | os.PathLike[str] | None = None,
        *,
        target: str | None = None,
        targets: Sequence[str] = (),
        destroy: bool = False,
        refresh_only: bool = False,
        force_conflicts: bool = False,
        parallelism: int = 10,
        lock_timeout: float = 0.0,
        progress: Progress | None = None,
    ) -> ApplyResult:
        """Apply ``plan`` (a Plan, or a plan file's path), refused when stale or made for
        another stack or target; with no plan, plan and apply under one lock (what
        `gp apply --auto-approve` does). The result says what was applied, what failed and
        what was not attempted; gp.ApplyError (``err.result``) when the run broke off."""
        saved = Plan.load(plan) if isinstance(plan, (str, os.PathLike)) else plan
        (
            Mode.of(destroy=destroy, refresh_only=refresh_only),
            _targets(target, targets),
        )  # before reading anything
        with self.lock(lock_timeout) as session:
            the_plan = (
                saved
                if saved is not None
                else session.plan(
                    target=target, targets=targets, destroy=destroy, refresh_only=refresh_only
                )
            )
            if saved is None:
                the_plan.raise_for_errors()
                if not the_plan.has_changes:  # as `gp apply`: nothing to write, nothing written
                    return ApplyResult(ApplyReport(), the_plan)
            return session.apply(
                the_plan,
                force_conflicts=force_conflicts,
                parallelism=parallelism,
                progress=progress,
            )

    def destroy(
        self, *, target: str | None = None, targets: Sequence[str] = (), lock_timeout: float = 0.0
    ) -> ApplyResult:
        """Delete everything the stack owns (`gp destroy --auto-approve`)."""
        return self.apply(target=target, targets=targets, destroy=True, lock_timeout=lock_timeout)

    def state(self) -> StackState:
        """What the stack owns on its target, from its record (`gp show`)."""
        module = operations.load(self._inputs)
        provider = operations.provider_for(module)
        try:
            return StackState(provider.owned(module.stack), provider.target)
        finally:
            provider.close()

    def adopt(self, address: str, ident: str) -> ObjectRef:
        """Mark the live object NAMESPACE/NAME as this stack's, under ``address`` (`gp import`)."""
        compiled = self.compile()
        provider = operations.provider_for(compiled.module)
        try:
            with provider.lock(compiled.module.stack, whoami(), 0):
                return operations.adopt(compiled, provider, address, ident)
        finally:
            provider.close()

    def unlock(self, lock_id: str) -> str:
        """Release a stuck lock by its id (`gp unlock`); returns the stack's name."""
        module = operations.load(self._inputs)
        provider = operations.provider_for(module)
        try:
            provider.unlock(module.stack, lock_id)
        finally:
            provider.close()
        return module.stack

    # -- runs (gp/api/runs.py) -------------------------------------------------------------

    def run(
        self,
        address: str,
        parameters: Mapping[str, Any] | None = None,
        *,
        name: str | None = None,
        allow_drift: bool = False,
        annotations: Mapping[str, str] | None = None,
        **params: Any,
    ) -> Run:
        """Submit one run of the template or cron at ``address`` with these parameters (as
        keywords, or ``parameters`` for names that are not Python identifiers), as `gp run`
        does: checked against the template before anything is sent, and refused when the live
        template differs from the module, unless ``allow_drift``. ``annotations`` go on the
        run's Workflow (`gp run --annotation`)."""
        return run_api.submit(
            self._run_context,
            address,
            {**dict(parameters or {}), **params},
            name=name,
            allow_drift=allow_drift,
            annotations=annotations,
        )

    def backfill(self, address: str, start: str, end: str) -> Backfill:
        """The runs the cron at ``address`` would have made from ``start`` (inclusive) to
        ``end`` (exclusive), ISO 8601 times (with an offset, or read in the cron's zone), and
        which of them already have a run, as `gp cron backfill` shows them; ``submit`` on the
        result makes the missing ones."""
        return Backfill.of(self._run_context, address, start, end)

    def runs(
        self, address: str | None = None, *, status: str | None = None, limit: int | None = None
    ) -> list[Run]:
        """The stack's runs (of ``address`` only, when given), newest first (`gp runs`)."""
        return run_api.history(self._run_context, address, status=status, limit=limit)

    def get_run(self, ident: str) -> Run:
        """A run by NAME or NAMESPACE/NAME."""
        return run_api.get(self._run_context, ident)

    @contextmanager
    def _run_context(self) -> Iterator[RunContext]:
        """The stack compiled, its provider and its engine, for one run operation; the
        provider's connections are closed after. gp.ProviderError on a target with no engine."""
        compiled = self.compile()
        provider = operations.provider_for(compiled.module)
        try:
            yield operations.run_context(compiled, provider)
        finally:
            provider.close()


class Session:
    """The stack's lock, held (``Stack.lock``): plans made and applied under it."""

    def __init__(
        self, compiled: operations.CompiledStack, provider: Provider, held: StackLock
    ) -> None:
        self.compiled = compiled
        self.provider = provider
        self.held = held
        self._made: list[object] = []  # plans made under this lock: they cannot be stale

    @property
    def lock_id(self) -> str:
        """The id of the lock held (what `gp unlock` takes)."""
        return self.held.lock_id

    @property
    def sensitive(self) -> frozenset[str]:
        """The texts of the module's sensitive values, masked in whatever is shown."""
        return self.compiled.module.sensitive_values

    def plan(
        self,
        *,
        target: str | None = None,
        targets: Sequence[str] = (),
        destroy: bool = False,
        refresh_only: bool = False,
    ) -> Plan:
        """As ``Stack.plan``, under this lock; apply it with ``apply`` before the lock ends
        and it is not checked again."""
        mode, chosen = (
            Mode.of(destroy=destroy, refresh_only=refresh_only),
            _targets(target, targets),
        )
        raw = operations.plan(self.compiled, self.provider, mode=mode, targets=chosen)
        self._made.append(raw)
        return Plan(raw, self.sensitive)

    def check(self, plan: Plan) -> Plan:
        """Refuse a plan made elsewhere (a saved one, or one made under an earlier lock) for
        another stack or target, or whose objects changed since; returns it ready to apply
        under this lock, masking the module's sensitive values too."""
        operations.check_plan_applies(plan.raw, self.provider, self.compiled.module.stack)
        self._made.append(plan.raw)
        return Plan(plan.raw, plan.sensitive | self.sensitive)

    def apply(
        self,
        plan: Plan,
        *,
        force_conflicts: bool = False,
        parallelism: int = 10,
        progress: Progress | None = None,
        interrupted: Interrupted | None = None,
    ) -> ApplyResult:
        """Write ``plan``. A plan made (or checked) under this same lock is applied as is; any
        other is first checked, as `gp apply PLANFILE` checks a saved plan."""
        if not any(made is plan.raw for made in self._made):
            plan = self.check(plan)
        elif plan.raw.errors:
            plan.raise_for_errors()
        try:
            raw = operations.apply(
                plan.raw,
                self.provider,
                force_conflicts=force_conflicts,
                parallelism=parallelism,
                progress=progress,
                lock=self.held,
                interrupted=interrupted,
            )
        except ApplyError as err:
            if isinstance(err.result, ApplyReport):
                err.result = ApplyResult(err.result, plan)
            raise
        return ApplyResult(raw, plan)
