"""Who may use the UI: the token beyond loopback, CSRF on every change, the Host check."""

from __future__ import annotations

import socket

import pytest
from ui_helpers import client_for, csrf_of

from gp import operations
from gp.errors import GPError
from gp.ui.security import LOOPBACK_NAMES, SESSION_COOKIE, host_of, is_loopback
from gp.ui.server import prepare


def test_token_is_asked_then_kept_in_a_cookie(workspace):
    client = client_for(workspace / "examples/sen2cor", token="s3cret-token")
    asked = client.get("/")
    assert asked.status_code == 401 and 'name="token"' in asked.text.replace("'", '"')
    assert client.get("/plan").status_code == 401
    assert client.get("/?token=wrong").status_code == 401
    given = client.get("/schedules?token=s3cret-token", follow_redirects=False)
    assert (
        given.status_code == 303 and given.headers["location"] == "/schedules"
    )  # token out of the URL
    session = client.cookies.get(SESSION_COOKIE)
    assert session and "s3cret-token" not in session  # a signed session, not the token
    assert client.get("/").status_code == 200
    assert client.get("/static/ui.css").status_code == 200


def test_token_by_the_form(workspace):
    client = client_for(workspace / "examples/sen2cor", token="s3cret-token")
    csrf = csrf_of(client.get("/").text.replace("'", '"').replace('name="csrf" value', "data-csrf"))
    wrong = client.post("/login", data={"token": "nope", "csrf": csrf}, follow_redirects=False)
    assert wrong.status_code == 401 and client.get("/").status_code == 401
    right = client.post(
        "/login", data={"token": "s3cret-token", "csrf": csrf}, follow_redirects=False
    )
    assert right.status_code == 303
    assert client.get("/").status_code == 200


def test_posts_need_the_csrf_value_and_this_origin(workspace):
    client = client_for(workspace / "examples/sen2cor", token="t0ken-t0ken")
    page = client.get("/").text
    csrf = csrf_of(page.replace("'", '"').replace('name="csrf" value', "data-csrf"))
    assert csrf
    assert client.post("/login", data={"token": "t0ken-t0ken"}).status_code == 403  # no CSRF value
    assert client.post("/login", data={"token": "t0ken-t0ken", "csrf": "forged"}).status_code == 403
    foreign = client.post(
        "/login",
        data={"token": "t0ken-t0ken", "csrf": csrf},
        headers={"Origin": "http://evil.example"},
    )
    assert foreign.status_code == 403
    ok = client.post(
        "/login",
        data={"token": "t0ken-t0ken"},
        headers={"X-CSRF-Token": csrf},
        follow_redirects=False,
    )
    assert ok.status_code == 303


def test_other_host_names_are_refused_on_loopback(workspace):
    client = client_for(workspace / "examples/sen2cor", allowed_hosts=LOOPBACK_NAMES)
    assert client.get("/", headers={"Host": "127.0.0.1:8642"}).status_code == 200
    assert client.get("/", headers={"Host": "localhost:8642"}).status_code == 200
    assert client.get("/", headers={"Host": "rebound.example:8642"}).status_code == 421


def test_pages_carry_a_strict_content_security_policy(workspace):
    page = client_for(workspace / "examples/sen2cor").get("/")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    assert SESSION_COOKIE in page.headers.get("set-cookie", "")


def test_other_hosts_get_a_token(workspace):
    inputs = operations.Inputs(root_dir=workspace / "examples/sen2cor")
    wide = prepare(inputs, "0.0.0.0", 0, None)
    try:
        assert wide.token and wide.url.endswith(f"/?token={wide.token}")
    finally:
        wide.sock.close()


def test_a_busy_port_is_an_error(workspace):
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    try:
        with pytest.raises(GPError, match=r"cannot listen on 127\.0\.0\.1:\d+"):
            prepare(
                operations.Inputs(root_dir=workspace / "examples/sen2cor"),
                "127.0.0.1",
                busy.getsockname()[1],
                None,
            )
    finally:
        busy.close()


def test_host_names():
    assert host_of("[::1]:8080") == "::1" and host_of("localhost") == "localhost"
    assert host_of("evil@127.0.0.1") == "" and host_of("127.0.0.1/x") == ""
    assert is_loopback("127.0.0.2") and is_loopback("::1") and not is_loopback("0.0.0.0")
