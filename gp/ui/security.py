"""Who may use the UI: a Host check against DNS rebinding, an access token (asked on loopback
too, unless `gp ui --no-token`), and CSRF protection of every request that changes anything.

Each browser gets a session: a random value signed with this server's key, in an HttpOnly,
SameSite=Strict cookie named for the port (cookies are shared by every port of a host; two UIs
side by side keep theirs apart). A session is signed in once the token is given (``?token=``
or the form the page shows). The CSRF value each form and htmx request repeats is derived from
the session with the server's key: a page on another port of the same host can write a cookie,
but cannot make the value that goes with it. A POST whose Origin is not this server, or is
``null`` (a form posted through redirects, a sandboxed frame), is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from markupsafe import escape
from starlette.datastructures import URL
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

SESSION_COOKIE = "gp_ui"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
CHANGING = ("POST", "PUT", "PATCH", "DELETE")
_SIGNED_IN, _ANONYMOUS = "in", "anon"


def new_token() -> str:
    return secrets.token_urlsafe(24)


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


_HOST_HEADER = re.compile(r"^[A-Za-z0-9.\-]+(:\d+)?$|^\[[0-9A-Fa-f:.]+\](:\d+)?$")


def host_of(header: str) -> str:
    """The name in a Host header, without the port ('[::1]:8080' -> '::1'); "" for a header
    that is not a host and port (userinfo, a path: no browser sends those)."""
    if not header or not _HOST_HEADER.match(header):
        return ""
    return urlsplit("//" + header).hostname or ""


def csrf_of(request: Request) -> str:
    """This session's CSRF value (the guard sets it on every request)."""
    return str(request.state.csrf)


def _same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


@dataclass
class _Session:
    value: str
    signed_in: bool
    new: bool


class Guard:
    """The checks every request passes, in order, before its page."""

    def __init__(
        self,
        token: str | None,
        allowed_hosts: tuple[str, ...] | None,
        cookie: str = SESSION_COOKIE,
    ) -> None:
        self.token = token
        self.allowed_hosts = allowed_hosts  # None: any (the test client's "testserver")
        self.cookie = cookie
        self._key = secrets.token_bytes(32)

    def _sign(self, text: str) -> str:
        return hmac.new(self._key, text.encode(), hashlib.sha256).hexdigest()[:40]

    def _mint(self, level: str) -> _Session:
        rand = secrets.token_urlsafe(18)
        value = f"{rand}.{level}.{self._sign(f'session:{rand}.{level}')}"
        return _Session(value, level == _SIGNED_IN or self.token is None, True)

    def _session(self, request: Request) -> _Session:
        value = request.cookies.get(self.cookie) or ""
        rand, _, rest = value.partition(".")
        level, _, sig = rest.partition(".")
        if (
            rand
            and level in (_SIGNED_IN, _ANONYMOUS)
            and _same(sig, self._sign(f"session:{rand}.{level}"))
        ):
            return _Session(value, level == _SIGNED_IN or self.token is None, False)
        return self._mint(_ANONYMOUS)

    def _begin(self, request: Request, session: _Session) -> None:
        request.state.session = session
        request.state.csrf = self._sign(f"csrf:{session.value}")

    def sign_in(self, request: Request) -> None:
        """A new signed-in session for this browser (a new value: none chosen before counts)."""
        self._begin(request, self._mint(_SIGNED_IN))

    async def check(self, request: Request) -> Response | None:
        session = self._session(request)
        self._begin(request, session)
        if self.allowed_hosts is not None:
            host = host_of(request.headers.get("host", ""))
            if host not in self.allowed_hosts:
                # A page of another site that resolved its name to 127.0.0.1 (DNS rebinding).
                return PlainTextResponse(f"Host {host!r} is not served here", status_code=421)
        if request.method in CHANGING:
            origin = request.headers.get("origin")
            if origin is not None and (
                origin == "null" or urlsplit(origin).netloc != request.headers.get("host")
            ):
                return PlainTextResponse("cross-origin request refused", status_code=403)
        if self.token is not None:
            given = request.query_params.get("token")
            if given is not None:
                if not _same(given, self.token):
                    return self.ask(request, wrong=True)
                # Take the token out of the address bar (and of the history) at once.
                self.sign_in(request)
                clean = URL(str(request.url)).remove_query_params("token")
                return RedirectResponse(
                    clean.path + (f"?{clean.query}" if clean.query else ""), status_code=303
                )
            if not session.signed_in and request.url.path != "/login":
                return None if request.url.path.startswith("/static/") else self.ask(request)
        if request.method in CHANGING:
            sent = request.headers.get(CSRF_HEADER)
            if sent is None and request.headers.get("content-type", "").startswith(
                ("application/x-www-form-urlencoded", "multipart/form-data")
            ):
                field = (await request.form()).get(CSRF_FIELD)
                sent = field if isinstance(field, str) else None
            if session.new or not _same(sent, request.state.csrf):
                return PlainTextResponse(
                    "missing or wrong CSRF token; reload the page", status_code=403
                )
        return None

    def finish(self, request: Request, response: Response) -> Response:
        session: _Session = request.state.session
        if session.new:
            response.set_cookie(
                self.cookie, session.value, httponly=True, samesite="strict", path="/"
            )
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        )
        response.headers.setdefault("X-Frame-Options", "DENY")
        # Not no-referrer: with it, browsers send `Origin: null` on the UI's own form posts,
        # which could then not be told from a form posted through a redirect.
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    def login(self, request: Request, given: str) -> Response:
        """The /login form: signed in and sent to the stack page, or asked again."""
        if self.token is None or not _same(given, self.token):
            return self.ask(request, wrong=True)
        self.sign_in(request)
        return RedirectResponse("/", status_code=303)

    def ask(self, request: Request, wrong: bool = False) -> Response:
        """The page that asks for the token (401), saying so when the last one was wrong."""
        note = (
            "<p class='callout bad'>Wrong token: give the one gp ui printed.</p>" if wrong else ""
        )
        page = (
            "<!doctype html><html><head><meta charset='utf-8'><title>gp ui: token</title>"
            "<link rel='stylesheet' href='/static/ui.css'></head><body><main class='narrow'>"
            f"<h1>gp ui</h1>{note}<p>Give the access token that <code>gp ui</code> printed "
            "(the address it printed carries it).</p><form method='post' action='/login'>"
            f"<input type='hidden' name='{CSRF_FIELD}' value='{escape(request.state.csrf)}'>"
            "<input name='token' type='password' autofocus aria-label='token'> "
            "<button>Open</button></form></main></body></html>"
        )
        return HTMLResponse(page, status_code=401)
