"""Environments in the UI: every page works on one environment, chosen by a selector in the
header (a cookie, or ``?env=NAME``), and `/envs` shows them all side by side (`gp envs`).

Pages need no change for it: the page wrapper hands each handler a ``UI`` whose source is the
chosen environment's (``for_request``).
"""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from gp.environments.loading import any_module
from gp.environments.status import statuses
from gp.errors import GPError
from gp.render.envs import last_apply, promotion_words, runs_words, target_words
from gp.ui.source import StackSource

if TYPE_CHECKING:
    from gp.ui.app import UI

ENV_COOKIE = "gp_ui_env"


def _seen(root: Path) -> tuple:
    return tuple(
        (p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(root.glob("*.gp.hcl"))
    )


def names(ui: UI) -> tuple[list[str], str | None]:
    """The module's environments and its default one, read again when its files change."""
    seen = _seen(Path(ui.source.inputs.root_dir).resolve())
    if ui.env_names is None or ui.env_names[0] != seen:
        module = any_module(dataclasses.replace(ui.source.inputs, environment=None))
        default = next((e.name for e in module.environments.values() if e.default), None)
        ui.env_names = (seen, list(module.environments), default)
    return ui.env_names[1], ui.env_names[2]


def chosen(ui: UI, request: Request) -> str | None:
    """``?env=``, else the browser's choice, else `gp ui --env`, else the default, else the
    first environment; None for a module without environments."""
    known, default = names(ui)
    if not known:
        return None
    for wanted in (
        request.query_params.get("env"),
        request.cookies.get(ENV_COOKIE),
        ui.source.inputs.environment,
        default,
    ):
        if wanted in known:
            return wanted
    return known[0]


def for_request(ui: UI, request: Request) -> UI:
    """``ui`` with the source of the environment the request is for."""
    try:
        env = chosen(ui, request)
        request.state.envs = names(ui)[0]
    except GPError:  # a module that does not load: the page says why, for the default source
        request.state.envs = []
        return ui
    request.state.env = env
    if env is None or env == ui.source.inputs.environment:
        return ui
    source = ui.sources.get(env)
    if source is None:
        inputs = dataclasses.replace(ui.source.inputs, environment=env)
        source = ui.sources[env] = StackSource(inputs, ui.source.plan_file)
    bound = copy.copy(ui)
    bound.source = source
    return bound


def choose(ui: UI, request: Request, form: Any) -> Response:
    """The selector's form: remember the choice, back to the page it was made on."""
    env = str((form or {}).get("env", ""))
    back = str((form or {}).get("back", "/"))
    if not back.startswith("/") or back.startswith("//") or "\\" in back:
        back = "/"  # only a page of this site: never another host (//x, /\x)
    reply = RedirectResponse(back, status_code=303)
    if env in names(ui)[0]:
        reply.set_cookie(ENV_COOKIE, env, httponly=True, samesite="strict")
    return reply


def page(ui: UI, request: Request, form: Any) -> dict[str, Any]:
    """`/envs`: the environments side by side."""
    found = [s.to_dict() for s in statuses(dataclasses.replace(ui.source.inputs, environment=None))]
    rows = [
        {
            **env,
            "target_words": target_words(env["target"]),
            "last_apply": last_apply(env),
            "runs_words": runs_words(env),
            "promotion": promotion_words(env),
        }
        for env in found
    ]
    return {"title": "Environments", "rows": rows}
