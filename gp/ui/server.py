"""Serving the UI: the listening socket first (a busy port is an error before anything else),
then uvicorn on it until Ctrl-C."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path

from gp import operations
from gp.errors import GPError
from gp.ui.app import make_app
from gp.ui.security import LOOPBACK_NAMES, SESSION_COOKIE, host_of, is_loopback, new_token
from gp.ui.source import StackSource


@dataclass
class Serving:
    url: str  # what to open (with the token, when one is needed)
    token: str | None
    sock: socket.socket
    app: object


def prepare(
    inputs: operations.Inputs,
    host: str,
    port: int,
    plan_file: Path | None,
    *,
    no_token: bool = False,
) -> Serving:
    """Compile once (errors now, at the terminal), bind, and build the app. The token is asked
    on loopback too (any user of the machine can reach it), unless ``no_token``."""
    source = StackSource(inputs, plan_file)
    source.load()
    if plan_file is not None:
        source.saved_plan()
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise GPError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    sock.listen(64)
    port = sock.getsockname()[1]
    token = None if no_token else new_token()
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    # On loopback, the names of loopback and the one asked for (127.0.0.2 is loopback too);
    # beyond it, any name: the token guards it there.
    allowed = (*LOOPBACK_NAMES, host_of(shown)) if is_loopback(host) else None
    app = make_app(source, token=token, allowed_hosts=allowed, cookie=f"{SESSION_COOKIE}_{port}")
    return Serving(url, token, sock, app)


def serve(serving: Serving) -> None:
    import uvicorn

    config = uvicorn.Config(
        serving.app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1
    )
    uvicorn.Server(config).run(sockets=[serving.sock])
