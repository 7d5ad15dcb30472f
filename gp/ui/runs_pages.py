"""Run pages: /runs, /runs/<name>, the run form, stop and resubmit, the live event stream.

Every operation is gp.runs.api's (what `gp run`, `gp runs`, `gp watch`, `gp stop` and
`gp resubmit` call); this module only turns requests into its calls and its values into pages.
"""

from __future__ import annotations

from starlette.routing import Route

from gp.errors import GPError


def engine_of(loaded):
    """(the provider's engine, None) or (None, why there is none)."""
    engine = getattr(loaded.provider, "engine", None)
    if engine is None:
        return None, (f"the {loaded.provider.target.provider} provider writes files and has no engine "
                      "to run pipelines; runs need a kubernetes provider")
    try:
        return engine(), None
    except GPError as err:
        return None, err.message


def pipeline_runs(ui, request, loaded, obj) -> dict:
    engine, why = engine_of(loaded)
    return {"no_engine": why, "runs": []}


def last_runs(ui, loaded, crons) -> dict:
    engine, why = engine_of(loaded)
    return {"no_engine": why, "last": {}}


def _runs(ui, request, form) -> dict:
    loaded = ui.source.load()
    engine, why = engine_of(loaded)
    return {"title": "Runs", "stack": loaded.compiled.module.stack, "no_engine": why, "runs": []}


def routes(page) -> list[Route]:
    return [Route("/runs", page("runs.html")(_runs), methods=["GET"])]
