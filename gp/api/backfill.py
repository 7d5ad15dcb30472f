"""``gp.Backfill``: the runs a cron missed in a window, as `gp cron backfill` shows them, and
their submission (gp/runs/backfill.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from gp.api.runs import Opener, Run
from gp.redact import secrets_of
from gp.runs import backfill as backfill_runs

if TYPE_CHECKING:
    from gp.runs.backfill import BackfillPlan
    from gp.runs.model import RunSnapshot

__all__ = ["Backfill"]


class Backfill:
    """The fire times of a cron between two times and which still need a run. Nothing is
    submitted until ``submit``."""

    def __init__(self, open_context: Opener, plan: BackfillPlan) -> None:
        self._open = open_context
        self.plan = plan

    @classmethod
    def of(cls, open_context: Opener, address: str, start: str, end: str) -> Backfill:
        """The backfill of ``address`` from ``start`` to ``end``, read from the cluster."""
        with open_context() as ctx:
            return cls(open_context, backfill_runs.plan_backfill(ctx, address, start, end))

    @property
    def to_submit(self) -> int:
        """How many runs ``submit`` would make."""
        return len(self.plan.to_submit)

    def submit(
        self, parallelism: int = 1, on_submit: Callable[[Run], None] | None = None
    ) -> list[Run]:
        """One run per fire time that has none, oldest first, at most ``parallelism``
        running at once; ``on_submit`` hears of each as it is made."""
        with self._open() as ctx:
            secrets = secrets_of(ctx.secrets)

            def told(snapshot: RunSnapshot) -> None:
                if on_submit is not None:
                    on_submit(Run(self._open, snapshot, secrets))

            made = backfill_runs.submit_backfill(ctx, self.plan, parallelism, told)
            return [Run(self._open, s, secrets) for s in made]
