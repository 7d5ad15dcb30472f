"""The web application: Starlette routes over gp's stages, Jinja2 pages, htmx vendored.

Everything a page needs is on ``app.state.ui`` (a ``UI``), made by ``make_app``: no module
state, so tests make as many independent apps as they like.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from gp.errors import GPError, RunError, RunNotFoundError, UnreachableError
from gp.render.layout import Layouts
from gp.ui import envs
from gp.ui.security import CSRF_FIELD, SESSION_COOKIE, Guard
from gp.ui.source import StackSource

HERE = Path(__file__).parent


def pipeline_url(address: str) -> str:
    return "/pipelines/" + quote(address, safe=".")


def run_url(namespace: str, name: str) -> str:
    return f"/runs/{quote(namespace, safe='')}/{quote(name, safe='')}"


@dataclass
class UI:
    source: StackSource
    guard: Guard
    layouts: Layouts = field(default_factory=Layouts)
    now: Callable[[], datetime] = lambda: datetime.now(UTC)
    # How long the live page's event stream waits between reads of a run (seconds).
    poll: float = 1.0
    templates: Jinja2Templates = field(init=False)
    # The sources of the environments other than ``source``'s, and the module's environment
    # names with what they were read from (gp/ui/envs.py).
    sources: dict[str, StackSource] = field(default_factory=dict)
    env_names: tuple[tuple, list[str], str | None] | None = None

    def __post_init__(self) -> None:
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))
        env = self.templates.env
        env.globals.update(pipeline_url=pipeline_url, run_url=run_url, csrf_field=CSRF_FIELD)
        env.filters["tojson_attr"] = lambda v: json.dumps(v)

    def render(
        self, request: Request, name: str, context: dict[str, Any], status: int = 200
    ) -> Response:
        context = {
            "csrf": request.state.csrf,
            "stack": None,
            "env": getattr(request.state, "env", None),
            "envs": getattr(request.state, "envs", []),
            **context,
        }
        return self.templates.TemplateResponse(request, name, context, status_code=status)


Handler = Callable[[UI, Request, Any], Any]


def error_status(err: GPError, method: str) -> int:
    """A run not found is 404, a request gp refuses (a bad name, a finished run, bad
    parameters) 400, an unreachable cluster 503; what else fails a page is the server's."""
    if isinstance(err, RunNotFoundError):
        return 404
    if isinstance(err, UnreachableError):
        return 503
    if isinstance(err, RunError) or method == "POST":
        return 400
    return 500


def page(template: str | None = None):
    """An endpoint: the guard's checks, the handler off the event loop (it compiles, plans and
    lays out), its context rendered with ``template``, gp's errors as an error page."""

    def wrap(fn: Handler):
        async def endpoint(request: Request) -> Response:
            ui: UI = request.app.state.ui
            refused = await ui.guard.check(request)
            if refused is not None:
                return ui.guard.finish(request, refused)
            form = await request.form() if request.method == "POST" else None
            try:
                bound = await run_in_threadpool(envs.for_request, ui, request)
                result = await run_in_threadpool(fn, bound, request, form)
            except GPError as err:
                status = error_status(err, request.method)
                title = "Not found" if status == 404 else "Error"
                response = ui.render(request, "error.html", {"title": title, "error": err}, status)
            except HTTPException as exc:
                title = "Not found" if exc.status_code == 404 else "Not here"
                response = ui.render(
                    request,
                    "error.html",
                    {"title": title, "message": exc.detail},
                    exc.status_code,
                )
            else:
                if isinstance(result, Response):
                    response = result
                else:
                    response = ui.render(
                        request, result.pop("template", template), result, result.pop("status", 200)
                    )
            return ui.guard.finish(request, response)

        endpoint.__name__ = fn.__name__
        return endpoint

    return wrap


def _login(ui: UI, request: Request, form) -> Response:
    return ui.guard.login(request, str((form or {}).get("token", "")))


def make_app(
    source: StackSource,
    *,
    token: str | None = None,
    allowed_hosts: tuple[str, ...] | None = None,
    poll: float = 1.0,
    now: Callable[[], datetime] | None = None,
    cookie: str = SESSION_COOKIE,
) -> Starlette:
    """The UI for ``source``. ``token``: required from every browser (None: `--no-token`).
    ``allowed_hosts``: the Host names served (None: any). ``cookie``: the session cookie's
    name (the server names it for its port)."""
    from gp.ui import cron_pages, pages, plan_page, runs_pages

    ui = UI(source, Guard(token, allowed_hosts, cookie), poll=poll)
    if now is not None:
        ui.now = now
    routes = [
        *runs_pages.routes(page),
        *cron_pages.routes(page),
        Route("/", page("stack.html")(pages.stack), methods=["GET"]),
        Route("/pipelines/{address:path}", page("pipeline.html")(pages.pipeline), methods=["GET"]),
        Route("/plan", page("plan.html")(plan_page.plan), methods=["GET"]),
        Route("/envs", page("envs.html")(envs.page), methods=["GET"]),
        Route("/env", page()(envs.choose), methods=["POST"]),
        Route("/login", page()(_login), methods=["POST"]),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(routes=routes)
    app.state.ui = ui
    return app
