"""Who may use the UI: a Host check against DNS rebinding, an access token when the UI listens
beyond loopback, and CSRF protection of every request that changes anything.

CSRF: a random per-browser value in a SameSite=Strict cookie that every form and htmx request
repeats (double submit), and a POST whose Origin is not this server is refused. The token a
non-loopback UI prints is given once (``?token=`` or the form the page shows) and kept in an
HttpOnly cookie.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from urllib.parse import urlsplit

from starlette.datastructures import URL
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

TOKEN_COOKIE = "gp_ui_token"
CSRF_COOKIE = "gp_ui_csrf"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
CHANGING = ("POST", "PUT", "PATCH", "DELETE")


def new_token() -> str:
    return secrets.token_urlsafe(24)


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_of(header: str) -> str:
    """The name in a Host header, without the port ('[::1]:8080' -> '::1')."""
    return (urlsplit("//" + header).hostname or "") if header else ""


def csrf_of(request: Request) -> str:
    """This browser's CSRF value (set on the response by ``guard`` when new)."""
    return request.state.csrf


def _same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


class Guard:
    """The checks every request passes, in order, before its page."""

    def __init__(self, token: str | None, allowed_hosts: tuple[str, ...] | None) -> None:
        self.token = token
        self.allowed_hosts = allowed_hosts  # None: any (the test client's "testserver")

    async def check(self, request: Request) -> Response | None:
        request.state.csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
        if self.allowed_hosts is not None:
            host = host_of(request.headers.get("host", ""))
            if host not in self.allowed_hosts:
                # A page of another site that resolved its name to 127.0.0.1 (DNS rebinding).
                return PlainTextResponse(f"Host {host!r} is not served here", status_code=421)
        if self.token is not None:
            given = request.query_params.get("token")
            if given is not None:
                if not _same(given, self.token):
                    return PlainTextResponse("wrong token", status_code=403)
                # Take the token out of the address bar (and of the history) at once.
                clean = URL(str(request.url)).remove_query_params("token")
                reply = RedirectResponse(
                    clean.path + (f"?{clean.query}" if clean.query else ""), status_code=303
                )
                reply.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="strict")
                return reply
            if (
                not _same(request.cookies.get(TOKEN_COOKIE), self.token)
                and request.url.path != "/login"
            ):
                return (
                    None
                    if request.url.path.startswith("/static/")
                    else _ask_token(request.state.csrf)
                )
        if request.method in CHANGING:
            origin = request.headers.get("origin")
            if (
                origin
                and origin != "null"
                and urlsplit(origin).netloc != request.headers.get("host")
            ):
                return PlainTextResponse("cross-origin request refused", status_code=403)
            sent = request.headers.get(CSRF_HEADER)
            if sent is None and request.headers.get("content-type", "").startswith(
                ("application/x-www-form-urlencoded", "multipart/form-data")
            ):
                field = (await request.form()).get(CSRF_FIELD)
                sent = field if isinstance(field, str) else None
            if not _same(sent, request.cookies.get(CSRF_COOKIE)):
                return PlainTextResponse(
                    "missing or wrong CSRF token; reload the page", status_code=403
                )
        return None

    def finish(self, request: Request, response: Response) -> Response:
        if request.cookies.get(CSRF_COOKIE) != request.state.csrf:
            response.set_cookie(CSRF_COOKIE, request.state.csrf, samesite="strict")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        )
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response

    def login(self, given: str) -> bool:
        return self.token is not None and _same(given, self.token)


def _ask_token(csrf: str) -> Response:
    from markupsafe import escape
    from starlette.responses import HTMLResponse

    page = (
        "<!doctype html><html><head><meta charset='utf-8'><title>gp ui: token</title>"
        "<link rel='stylesheet' href='/static/ui.css'></head><body><main class='narrow'>"
        "<h1>gp ui</h1><p>This UI listens beyond loopback: give the token that "
        "<code>gp ui</code> printed.</p><form method='post' action='/login'>"
        f"<input type='hidden' name='{CSRF_FIELD}' value='{escape(csrf)}'>"
        "<input name='token' type='password' autofocus aria-label='token'> "
        "<button>Open</button></form></main></body></html>"
    )
    return HTMLResponse(page, status_code=401)
