"""The UI's doors under hostile requests: a null Origin, a CSRF value tossed into the cookie
jar by another port, the access token on loopback and under other ports, loopback aliases."""

from __future__ import annotations

import re

import pytest
from ui_helpers import client_for, csrf_of

from gp import operations
from gp.cli.main import main
from gp.ui.security import SESSION_COOKIE
from gp.ui.server import prepare

SEN2COR = "examples/sen2cor"
RUN = "/pipelines/module.sen2cor.workflow_template.chain/run"


def _signed_in(workspace, **kw):
    client = client_for(workspace / SEN2COR, **kw)
    page = client.get("/")
    assert page.status_code == 200
    return client, csrf_of(page.text)


def test_a_null_origin_is_refused_on_every_post(workspace):
    client, csrf = _signed_in(workspace)
    for path in (RUN, "/runs/pipeline/x/stop", "/runs/pipeline/x/resubmit", "/login"):
        refused = client.post(path, data={"csrf": csrf}, headers={"Origin": "null"})
        assert refused.status_code == 403 and "cross-origin" in refused.text, path
    # the same post from this origin reaches the page (no engine here: a 400 that says so)
    ok = client.post(RUN, data={"csrf": csrf}, headers={"Origin": "http://testserver"})
    assert ok.status_code == 400 and "cross-origin" not in ok.text


def test_the_csrf_value_is_bound_to_the_session_and_its_cookie_is_httponly(workspace):
    _client, csrf = _signed_in(workspace)
    first = client_for(workspace / SEN2COR).get("/")
    for header in first.headers.get_list("set-cookie"):
        assert "httponly" in header.lower() and "samesite=strict" in header.lower(), header
    # A page on another port of this host can write cookies for it, but not the value that
    # goes with a session it chose.
    tossed = client_for(workspace / SEN2COR)
    tossed.cookies.set(SESSION_COOKIE, "chosen-by-the-attacker")
    for value in ("chosen-by-the-attacker", csrf, ""):
        assert tossed.post(RUN, data={"csrf": value}).status_code == 403
    assert csrf not in first.text  # each session its own value


def test_the_access_token_cookie_is_named_for_the_port(workspace):
    served = prepare(operations.Inputs(root_dir=workspace / SEN2COR), "127.0.0.1", 0, None)
    try:
        port = served.sock.getsockname()[1]
        assert served.app.state.ui.guard.cookie == f"{SESSION_COOKIE}_{port}"
    finally:
        served.sock.close()


def test_loopback_needs_the_token_unless_no_token_is_given(workspace, capsys, monkeypatch):
    inputs = operations.Inputs(root_dir=workspace / SEN2COR)
    local = prepare(inputs, "127.0.0.1", 0, None)
    try:
        assert local.token and local.url.endswith(f"/?token={local.token}")
    finally:
        local.sock.close()
    open_ = prepare(inputs, "127.0.0.1", 0, None, no_token=True)
    try:
        assert open_.token is None and "?token" not in open_.url
    finally:
        open_.sock.close()
    client = client_for(workspace / SEN2COR, token="t0ken-t0ken-t0ken")
    assert client.get("/").status_code == 401

    import gp.ui.server as server

    monkeypatch.setattr(server, "serve", lambda serving: serving.sock.close())
    assert main(["ui", "--port", "0", "--no-token", "-C", str(workspace / SEN2COR)]) == 0
    said = capsys.readouterr().out
    assert "--no-token" in said and "any user of this machine" in said


@pytest.mark.parametrize("host", ["127.0.0.2", "127.1.2.3"])
def test_a_loopback_alias_is_served_under_its_own_name(workspace, host):
    served = prepare(operations.Inputs(root_dir=workspace / SEN2COR), host, 0, None, no_token=True)
    try:
        port = served.sock.getsockname()[1]
        client = client_for(
            workspace / SEN2COR, allowed_hosts=served.app.state.ui.guard.allowed_hosts
        )
        assert client.get("/", headers={"Host": f"{host}:{port}"}).status_code == 200
        assert client.get("/", headers={"Host": f"evil.example:{port}"}).status_code == 421
    finally:
        served.sock.close()


def test_a_wrong_token_says_so(workspace):
    client = client_for(workspace / SEN2COR, token="s3cret-token-1")
    asked = client.get("/")
    csrf = re.search(r"name='csrf' value='([^']+)'", asked.text).group(1)
    wrong = client.post("/login", data={"token": "nope", "csrf": csrf})
    assert wrong.status_code == 401 and "wrong token" in wrong.text.lower()
    assert "wrong token" not in client.get("/").text.lower()  # only right after the attempt
