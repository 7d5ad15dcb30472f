"""``gp.Stack``'s runs (gp/api/runs.py): submitted, listed, backfilled and read against the
stack's compiled module and its target's engine."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from gp import operations
from gp.api import arguments as args

if TYPE_CHECKING:
    from gp.api.backfill import Backfill
    from gp.api.runs import Run
    from gp.runs.actions import RunContext


class StackRuns:
    """What ``gp.Stack`` does with runs; the stack gives ``compile``."""

    def compile(self) -> operations.CompiledStack:
        raise NotImplementedError  # gp.Stack's own

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
        from gp.api import runs as run_api

        return run_api.submit(
            self._run_context,
            args.text("address", address),
            {**dict(args.mapping("parameters", parameters)), **params},
            name=args.optional_text("name", name),
            allow_drift=args.flag("allow_drift", allow_drift),
            annotations=args.strings_of("annotations", annotations),
        )

    def backfill(self, address: str, start: str, end: str) -> Backfill:
        """The runs the cron at ``address`` would have made from ``start`` (inclusive) to
        ``end`` (exclusive), ISO 8601 times (with an offset, or read in the cron's zone), and
        which of them already have a run, as `gp cron backfill` shows them; ``submit`` on the
        result makes the missing ones."""
        from gp.api.backfill import Backfill

        return Backfill.of(self._run_context, address, start, end)

    def runs(
        self, address: str | None = None, *, status: str | None = None, limit: int | None = None
    ) -> list[Run]:
        """The stack's runs (of ``address`` only, when given), newest first (`gp runs`)."""
        from gp.api import runs as run_api

        return run_api.history(
            self._run_context,
            args.optional_text("address", address),
            status=args.optional_text("status", status),
            limit=args.limit("limit", limit),
        )

    def get_run(self, ident: str) -> Run:
        """A run by NAME or NAMESPACE/NAME (Kubernetes names, checked before any request)."""
        from gp.api import runs as run_api
        from gp.runs.names import parse_ident

        parse_ident(ident)
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
