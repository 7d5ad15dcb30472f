"""Cron actions in the UI: Suspend (with a reason) and Resume on /schedules, through the
Python API's ``suspend_cron`` and ``resume_cron``, as `gp cron suspend` and `gp cron resume`;
and the overrides the stack's record holds, for the cards to say who suspended what, when, why.
"""

from __future__ import annotations

from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from gp.api import Stack
from gp.errors import GPError
from gp.redact import mask_text


def overrides_of(loaded, secrets) -> dict[str, str]:
    """Address -> "suspended by alice since ...: why", from the stack's record; empty when the
    target cannot be read (the page says what it can without it)."""
    try:
        record = loaded.provider.owned(loaded.compiled.module.stack)
    except GPError:
        return {}
    return {o.address: mask_text(o.describe(), secrets) for o in record.overrides}


def suspend(ui, request, form) -> Response:
    reason = str((form or {}).get("reason") or "").strip()
    Stack.from_inputs(ui.source.inputs).suspend_cron(request.path_params["address"], reason=reason)
    return RedirectResponse("/schedules", status_code=303)


def resume(ui, request, form) -> Response:
    Stack.from_inputs(ui.source.inputs).resume_cron(request.path_params["address"])
    return RedirectResponse("/schedules", status_code=303)


def routes(page) -> list[Route]:
    return [
        Route("/schedules/{address:path}/suspend", page()(suspend), methods=["POST"]),
        Route("/schedules/{address:path}/resume", page()(resume), methods=["POST"]),
    ]
