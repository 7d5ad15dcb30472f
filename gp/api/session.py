"""``gp.Session``: the stack's lock, held (``gp.Stack.lock``), with plans made and applied under
it, as `gp apply` plans and writes under one lock."""

from __future__ import annotations

from collections.abc import Sequence

from gp import operations
from gp.api import arguments as args
from gp.api.plans import ApplyResult, Plan
from gp.errors import ApplyError
from gp.planner.applied import ApplyReport
from gp.planner.plan import Mode
from gp.providers.base import Interrupted, Progress, Provider, StackLock

__all__ = ["Session"]


def plan_mode(destroy: object, refresh_only: object) -> Mode:
    """The plan's mode from the keywords, each checked to be a bool."""
    return Mode.of(
        destroy=args.flag("destroy", destroy), refresh_only=args.flag("refresh_only", refresh_only)
    )


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
        mode, chosen = plan_mode(destroy, refresh_only), args.targets(target, targets)
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
