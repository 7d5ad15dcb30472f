"""Keep-alive HTTPS connections to one server, shared by threads: the standard library's
``http.client`` with a small pool, so that a plan loads no HTTP library of its own.

What it keeps of the pool gp used before (urllib3): a connection is reused while the server
keeps it open, one that the server closed while it sat idle is dropped before use, a failed
connect is tried once more after a short pause, and a request is never sent twice. Connect and
read have separate timeouts. A network failure is an ``OSError`` (``ConnectionError`` for a
broken answer).
"""

from __future__ import annotations

import http.client
import select
import ssl
import threading
import time
from urllib.parse import urlsplit

CONNECT_RETRY_PAUSE_S = 0.1


class HttpsPool:
    def __init__(
        self,
        url: str,
        context: ssl.SSLContext | None,
        *,
        connect_timeout: float,
        read_timeout: float,
        maxsize: int = 32,
    ) -> None:
        parts = urlsplit(url)
        self.host = parts.hostname or ""
        self.port = parts.port or 443
        self.prefix = parts.path.rstrip("/")
        self.context = context or ssl.create_default_context()
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.maxsize = maxsize
        self._idle: list[http.client.HTTPSConnection] = []
        self._lock = threading.Lock()

    def request(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, str, bytes]:
        """(status, reason, body) of one request."""
        conn = self._connection()
        try:
            conn.request(method, self.prefix + path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        except http.client.HTTPException as exc:  # a broken answer: the network's fault
            conn.close()
            raise ConnectionError(f"{type(exc).__name__}: {exc}") from exc
        except BaseException:
            conn.close()
            raise
        if response.will_close:
            conn.close()
        else:
            self._release(conn)
        return response.status, response.reason, data

    def _connection(self) -> http.client.HTTPSConnection:
        with self._lock:
            while self._idle:
                conn = self._idle.pop()
                if not _dropped(conn):
                    return conn
                conn.close()
        try:
            return self._connect()
        except OSError:
            time.sleep(CONNECT_RETRY_PAUSE_S)
            return self._connect()

    def _connect(self) -> http.client.HTTPSConnection:
        conn = http.client.HTTPSConnection(
            self.host, self.port, timeout=self.connect_timeout, context=self.context
        )
        try:
            conn.connect()
        except BaseException:
            conn.close()
            raise
        assert conn.sock is not None
        conn.sock.settimeout(self.read_timeout)
        return conn

    def _release(self, conn: http.client.HTTPSConnection) -> None:
        with self._lock:
            if len(self._idle) < self.maxsize:
                self._idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()


def _dropped(conn: http.client.HTTPSConnection) -> bool:
    """Whether the server closed an idle connection: it is readable (end of stream) before any
    request was sent on it."""
    sock = conn.sock
    if sock is None:
        return True
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)
