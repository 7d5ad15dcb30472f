"""``gp.Stack``: a root module with its variables and target, and everything gp does with it.

A Stack holds its context explicitly (the module's folder, variable values, environment, cache
folder and, optionally, a provider in place of the module's block); nothing is kept between
calls or in module-level state, so two stacks, or one module against two clusters, work side
by side in one process. Each call reads the module's files again: a notebook that edits them
between cells sees the edit. The CLI's commands are thin wrappers over these methods.
"""

from __future__ import annotations

import copy
import dataclasses
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gp import operations
from gp.api import arguments as args
from gp.api.plans import ApplyResult, Plan
from gp.api.session import Session, plan_mode
from gp.api.stack_runs import StackRuns
from gp.environments.loading import check_targets
from gp.environments.loading import validate as validate_all
from gp.errors import GPError
from gp.external.identity import whoami
from gp.planner.applied import ApplyReport

if TYPE_CHECKING:
    # Imported where used: `gp plan` never loads the runs, environments, views or graphs.
    from gp.api.envs import EnvironmentStatus
    from gp.api.views import Diagnostics, Graph, StackState, TestResults
    from gp.compile.objects import ObjectRef
    from gp.providers.base import Progress

__all__ = ["Session", "Stack"]  # Session lives in gp/api/session.py


def _environment(env: object, environ: object) -> tuple[str | None, dict[str, str]]:
    """(environment name, process environment); a mapping as ``env`` is what it meant before."""
    if env is not None and not isinstance(env, str):
        return None, dict(args.strings_of("env", env))
    return env, dict(os.environ if environ is None else args.strings_of("environ", environ))


class Stack(StackRuns):
    """A gp root module, ready to validate, plan, apply and run.

    ``vars`` and ``var_files`` are what `--var` and `--var-file` give (files first, then values;
    the last value wins). ``provider`` replaces the module's provider block, as one block would
    read: ``{"kubernetes": {"kubeconfig": "...", "namespace": "ci"}}`` or
    ``{"directory": {"path": "deploy"}}``; relative paths are relative to the module. ``env``
    names one of the module's environments (`--env`; None: its default one, or a module
    without environments); ``environ`` is where `GP_VAR_*` values come from (a copy of
    ``os.environ`` by default).
    """

    def __init__(
        self,
        path: str | os.PathLike[str] = ".",
        *,
        vars: Mapping[str, Any] | None = None,
        var_files: Sequence[str | os.PathLike[str]] = (),
        provider: Mapping[str, Mapping[str, Any]] | None = None,
        env: str | Mapping[str, str] | None = None,
        environ: Mapping[str, str] | None = None,
        cache_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        override = None
        if provider is not None:
            if not isinstance(provider, Mapping) or len(provider) != 1:
                raise GPError(
                    'provider= takes one provider: {"kubernetes": {...}} or {"directory": {...}}'
                )
            [(kind, settings)] = provider.items()
            args.mapping(f"provider's {kind} settings", settings)
            from gp.config.loader import provider_override  # the loader is heavy; only here

            override = provider_override(str(kind), dict(settings or {}))
        name, process = _environment(env, environ)
        self._inputs = operations.Inputs(
            root_dir=Path(args.path("path", path)).resolve(),
            var_args=args.var_args(vars, var_files),
            env=process,
            cache_dir=Path(args.path("cache_dir", cache_dir))
            if cache_dir is not None
            else operations.default_cache_dir() / "parse",
            provider=override,
            environment=name,
        )

    @classmethod
    def from_arguments(
        cls,
        path: str | os.PathLike[str],
        var_args: Sequence[tuple[str, str]] = (),
        *,
        env: str | Mapping[str, str] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> Stack:
        """A stack from variables as a command line gives them: ``("var", "NAME=VALUE")`` and
        ``("var-file", "PATH")`` in the order typed (the last value wins); ``env`` and
        ``environ`` as in ``Stack()``."""
        name, process = _environment(env, environ)
        return cls.from_inputs(
            operations.Inputs(
                root_dir=Path(path).resolve(),
                var_args=tuple(var_args),
                env=process,
                cache_dir=operations.default_cache_dir() / "parse",
                environment=name,
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

    @property
    def env(self) -> str | None:
        """The environment asked for (None: the module's default one, or it has none)."""
        return self._inputs.environment

    def with_env(self, env: str | None) -> Stack:
        """The same module, variables and settings, for another of its environments."""
        return Stack.from_inputs(dataclasses.replace(self._inputs, environment=env))

    # -- environments (gp/api/envs.py) -----------------------------------------------------

    def environments(self) -> list[EnvironmentStatus]:
        """Each environment's target, last apply, drift, last runs and how far it is behind
        the one it promotes from (`gp envs`); [] for a module without environments."""
        from gp.api import envs

        return envs.status(self._inputs)

    def promote(self, *, force: bool = False, lock_timeout: float = 0.0) -> Plan:
        """This environment's plan at the commit last applied to the one it promotes from."""
        with self.promotion(force=force, lock_timeout=lock_timeout) as (_session, plan):
            return plan

    def promotion(
        self, *, force: bool = False, lock_timeout: float = 0.0, who: str | None = None
    ) -> AbstractContextManager[tuple[Session, Plan]]:
        """The promotion's plan, with the lock it was made under still held: apply it with
        the session (what `gp promote ENV` does after asking)."""
        from gp.api import envs

        return envs.promotion(self._inputs, force=force, lock_timeout=lock_timeout, who=who)

    def plan_environments(
        self,
        *,
        targets: Sequence[str] = (),
        destroy: bool = False,
        refresh_only: bool = False,
        lock_timeout: float = 0.0,
    ) -> dict[str, Plan | GPError]:
        """A plan of each environment (`gp plan --all-envs`), or the error that kept one from
        being made."""
        from gp.api import envs

        return envs.plans(
            self._inputs,
            targets=targets,
            destroy=destroy,
            refresh_only=refresh_only,
            lock_timeout=lock_timeout,
        )

    def __repr__(self) -> str:
        env = f" env={self.env!r}" if self.env else ""
        return f"<gp.Stack {str(self.root)!r}{env}>"

    # -- offline ---------------------------------------------------------------------------

    def validate(self) -> Diagnostics:
        """Every problem of the module at once, as `gp validate` finds them; [] when clean.
        Never raises for problems in the module: they are the answer."""
        from gp.api.views import Diagnostics

        try:
            count, found = validate_all(self._inputs)
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
        from gp.api.views import Graph
        from gp.render.graph import dags_for

        return Graph(dags_for(self.compile().objects, args.optional_text("address", address)))

    def test(
        self, pattern: str | None = None, *, engine: bool = False, keep_workflows: bool = False
    ) -> TestResults:
        """Run the module's `*.gptest.hcl` tests on the simulator (and, with ``engine``, on the
        Argo engine of the Kubernetes target, deleting each test's Workflow once read unless
        ``keep_workflows``), as `gp test` does."""
        from gp.api.views import TestResults

        pattern, engine = args.optional_text("pattern", pattern), args.flag("engine", engine)
        keep = args.flag("keep_workflows", keep_workflows)
        return TestResults(
            operations.test(self._inputs, pattern=pattern, engine=engine, keep_workflows=keep)
        )

    # -- on the target ---------------------------------------------------------------------

    @contextmanager
    def lock(self, timeout: float = 0.0, *, who: str | None = None) -> Iterator[Session]:
        """Hold the stack's lock (waiting up to ``timeout`` seconds) to plan and apply under
        it, as `gp apply` does from its plan to its last write."""
        timeout = args.seconds("timeout", timeout)
        compiled = self.compile()
        check_targets(compiled.module)
        provider = operations.provider_for(compiled.module, self._inputs.cache_dir)
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
        parallelism: int = 10,
    ) -> Plan:
        """Read the target and diff, under the stack's lock, as `gp plan` does; the server
        confirms ``parallelism`` updates at a time. A plan that failed still returns
        (``plan.errors`` says why; apply refuses it)."""
        plan_mode(destroy, refresh_only), args.targets(target, targets)  # before reading anything
        args.positive("parallelism", parallelism)
        with self.lock(args.seconds("lock_timeout", lock_timeout)) as session:
            return session.plan(
                target=target,
                targets=targets,
                destroy=destroy,
                refresh_only=refresh_only,
                parallelism=parallelism,
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
        if plan is not None and not isinstance(plan, (Plan, str, os.PathLike)):
            raise GPError(
                f"plan is a gp.Plan or a plan file's path, not {type(plan).__name__} ({plan!r})"
            )
        saved = Plan.load(plan) if isinstance(plan, (str, os.PathLike)) else plan
        plan_mode(destroy, refresh_only), args.targets(target, targets)  # before reading anything
        args.flag("force_conflicts", force_conflicts)
        args.positive("parallelism", parallelism)
        with self.lock(args.seconds("lock_timeout", lock_timeout)) as session:
            the_plan = (
                saved
                if saved is not None
                else session.plan(
                    target=target,
                    targets=targets,
                    destroy=destroy,
                    refresh_only=refresh_only,
                    parallelism=parallelism,
                )
            )
            if saved is None:
                the_plan.raise_for_errors()
                if not the_plan.applyable:  # as `gp apply`: nothing to write, nothing written
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

    def suspend_cron(
        self, address: str, *, reason: str = "", lock_timeout: float = 0.0
    ) -> ApplyResult:
        """Suspend the applied cron at ``address`` (`gp cron suspend`): ``spec.suspend`` set
        and the override recorded with who, when and ``reason``; plans keep it as a note."""
        with self.lock(lock_timeout) as session:
            return session.cron(address, suspend=True, reason=reason)

    def resume_cron(self, address: str, *, lock_timeout: float = 0.0) -> ApplyResult:
        """Lift the override of `gp cron suspend` (`gp cron resume`): the cron runs again."""
        with self.lock(lock_timeout) as session:
            return session.cron(address, suspend=False)

    def state(self) -> StackState:
        """What the stack owns on its target, from its record (`gp show`); its methods change
        the record by hand (`gp state`)."""
        module = operations.load(self._inputs)
        provider = operations.provider_for(module)
        try:
            from gp.api.views import StackState

            return StackState(provider.owned(module.stack), provider.target, self._inputs)
        finally:
            provider.close()

    def adopt(self, address: str, ident: str) -> ObjectRef:
        """Mark the live object NAMESPACE/NAME as this stack's, under ``address`` (`gp import`)."""
        compiled = self.compile()
        provider = operations.provider_for(compiled.module)
        try:
            with provider.lock(compiled.module.stack, whoami(), 0):
                from gp.api import state as state_ops

                return state_ops.adopt(compiled, provider, address, ident)
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
