"""``gp.Session``: a stack's lock, held, and the plans made and applied under it; the checks
a plan made elsewhere (a saved plan file) must pass before it is applied; and the cron
overrides (`gp cron suspend`, `gp cron resume`) written under it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from gp import operations
from gp.api import arguments as args
from gp.api.plans import ApplyResult, Plan
from gp.errors import ApplyError, PlanError, StalePlanError
from gp.planner.applied import ApplyReport
from gp.planner.overrides import override_plan
from gp.planner.plan import Mode, PlanData, Target
from gp.providers.base import Interrupted, Progress, Provider, StackLock

__all__ = ["Session"]


def check_plan_applies(
    plan: PlanData, provider: Provider, stack: str | None = None, environment: str | None = None
) -> None:
    """Refuse a saved plan made for another stack or target, or whose live objects changed
    since it was made."""
    if plan.errors:
        raise PlanError("the plan has errors and cannot be applied:\n" + "\n".join(plan.errors))
    if plan.environment != environment:
        made = f"environment {plan.environment!r}" if plan.environment else "no environment"
        asked = f"environment {environment!r}" if environment else "no environment"
        hint = f"apply it with --env {plan.environment}" if plan.environment else "plan again"
        raise StalePlanError(f"the plan was made for {made}, not {asked}; {hint}")
    if stack is not None and plan.stack != stack:
        raise StalePlanError(
            f"the plan was made for the stack {plan.stack!r}, not {stack!r}; make a new plan"
        )
    if plan.target != provider.target:
        raise StalePlanError(
            f"the plan was made for {describe_target(plan.target)}, "
            f"not {describe_target(provider.target)}; make a new plan"
        )
    from gp.planner.serialize import stale_refs

    changed = provider.changed_refs(stale_refs(plan))
    if changed:
        names = ", ".join(str(r) for r in sorted(changed))
        raise StalePlanError(
            f"the saved plan is stale: {names} changed since it was made; run gp plan again"
        )


def describe_target(target: Target) -> str:
    where = target.server or "?"
    return f"{target.provider} {where} (namespace {target.namespace})"


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
        parallelism: int = 10,
    ) -> Plan:
        """As ``Stack.plan``, under this lock; apply it with ``apply`` before the lock ends
        and it is not checked again."""
        mode, chosen = plan_mode(destroy, refresh_only), args.targets(target, targets)
        raw = operations.plan(
            self.compiled,
            self.provider,
            mode=mode,
            targets=chosen,
            parallelism=args.positive("parallelism", parallelism),
        )
        self._made.append(raw)
        return Plan(raw, self.sensitive)

    def check(self, plan: Plan) -> Plan:
        """Refuse a plan made elsewhere (a saved one, or one made under an earlier lock) for
        another stack or target, or whose objects changed since; returns it ready to apply
        under this lock, masking the module's sensitive values too."""
        check_plan_applies(
            plan.raw,
            self.provider,
            self.compiled.module.stack,
            self.compiled.module.environment,
        )
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

    def cron(self, address: str, *, suspend: bool, reason: str = "", who: str = "") -> ApplyResult:
        """Suspend (``suspend``) or resume the applied cron at ``address`` and record the
        override in the stack's record (who, when, why), as `gp cron suspend` and
        `gp cron resume` do: later plans keep it, as a note, until it is resumed or the
        module itself sets ``suspend`` otherwise."""
        raw = override_plan(
            self.compiled.objects,
            self.provider.read(self.compiled.module.stack, self.compiled.objects),
            stack=self.compiled.module.stack,
            target=self.provider.target,
            address=address,
            suspend=suspend,
            by=who or self.held.info.holder,
            at=datetime.now(UTC).isoformat(timespec="seconds"),
            reason=reason,
        )
        self._made.append(raw)
        return self.apply(Plan(raw, self.sensitive))
