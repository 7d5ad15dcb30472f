"""/schedules: every cron of the module with its next fire times and last run, and its
actions, Suspend (with a reason) and Resume, through the Python API's ``suspend_cron`` and
``resume_cron`` as `gp cron suspend` and `gp cron resume`; the overrides the stack's record
holds say who suspended a cron, when and why.
"""

from __future__ import annotations

from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from gp.api import Stack
from gp.errors import GPError
from gp.redact import mask_text, secrets_of
from gp.ui import runs_pages


def overrides_of(loaded, secrets) -> dict[str, str]:
    """Address -> "suspended by alice since ...: why", from the stack's record; empty when the
    target cannot be read (the page says what it can without it)."""
    try:
        record = loaded.provider.owned(loaded.compiled.module.stack)
    except GPError:
        return {}
    return {o.address: mask_text(o.describe(), secrets) for o in record.overrides}


def schedules(ui, request, form) -> dict:
    """Every cron of the module: its schedule, next fire times, last run, and who suspended it
    through gp, when and why."""
    from gp.ui import pages

    loaded = ui.source.load()
    secrets = secrets_of(loaded.compiled.module.sensitive_values)
    now = ui.now()
    crons = [
        pages.cron_view(o, now, secrets)
        for o in loaded.compiled.objects
        if o.ref.kind == "CronWorkflow"
    ]
    overrides = overrides_of(loaded, secrets)
    for c in crons:
        c["override"] = overrides.get(c["address"])
        c["suspended"] = c["suspended"] or bool(c["override"])
    context = {
        "title": "Schedules",
        "stack": loaded.compiled.module.stack,
        "crons": crons,
        "now": now.isoformat(),
        "actions": True,
    }
    context.update(runs_pages.last_runs(ui, loaded, crons))
    return context


def suspend(ui, request, form) -> Response:
    reason = str((form or {}).get("reason") or "").strip()
    Stack.from_inputs(ui.source.inputs).suspend_cron(request.path_params["address"], reason=reason)
    return RedirectResponse("/schedules", status_code=303)


def resume(ui, request, form) -> Response:
    Stack.from_inputs(ui.source.inputs).resume_cron(request.path_params["address"])
    return RedirectResponse("/schedules", status_code=303)


def routes(page) -> list[Route]:
    return [
        Route("/schedules", page("schedules.html")(schedules), methods=["GET"]),
        Route("/schedules/{address:path}/suspend", page()(suspend), methods=["POST"]),
        Route("/schedules/{address:path}/resume", page()(resume), methods=["POST"]),
    ]
