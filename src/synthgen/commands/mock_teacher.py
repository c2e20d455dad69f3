"""``synthgen mock-teacher``: the mock server's app on uvicorn (socket, startup line, logging, signals)."""

from __future__ import annotations

import contextlib
import errno
import logging
import signal
import socket
import sys
import threading
from collections.abc import Iterator

import uvicorn

from synthgen.config import MockServerSettings
from synthgen.errors import UsageError
from synthgen.mock.server.app import create_app, logger

# Seconds uvicorn waits for in-flight requests on SIGINT/SIGTERM before cancelling them (a hung
# request would otherwise hold the shutdown for --hang-seconds).
GRACEFUL_SHUTDOWN_SECONDS = 2


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket; a busy port becomes a one-line :class:`UsageError` (exit code 2)."""
    try:
        family, _, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        raise UsageError(f"cannot listen on {host}: {exc.strerror}") from exc
    # proto must say TCP: asyncio sets TCP_NODELAY only on sockets whose proto is IPPROTO_TCP
    # (accepted sockets copy it). Without it Nagle holds the response body back until the
    # client's delayed ACK of the headers: +40 ms on every request.
    sock = socket.socket(family, socket.SOCK_STREAM, proto or socket.IPPROTO_TCP)
    try:
        # As uvicorn does: restarting at once must not fail on the old socket's TIME_WAIT (this
        # does not let two servers share a port on Linux).
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(
                f"port {port} on {host} is already in use: {exc.strerror} "
                "(stop the other server, or pass --port 0 for any free port)"
            ) from exc
        raise UsageError(f"cannot listen on {host} port {port}: {exc.strerror}") from exc
    return sock


class _Server(uvicorn.Server):
    """uvicorn's server, announcing the URL on stderr once it accepts connections."""

    def __init__(self, config: uvicorn.Config, url: str) -> None:
        super().__init__(config)
        self.url = url

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            print(f"mock-teacher listening on {self.url}", file=sys.stderr, flush=True)


def _configure_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level.upper())
    logger.propagate = False


def serve(settings: MockServerSettings) -> None:
    """Serve until SIGINT/SIGTERM (a clean stop, so a normal return), on uvicorn."""
    app = create_app(settings)
    sock = _listen(settings.host, settings.port)
    host, port = sock.getsockname()[:2]
    _configure_logging(settings.log_level)
    config = uvicorn.Config(
        app,
        log_level=settings.log_level,
        access_log=False,  # our gate logs one line per request at debug, with its duration
        lifespan="off",
        proxy_headers=False,  # also keeps uvicorn's own send reaching the gate (see _drop)
        server_header=False,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )
    shown_host = f"[{host}]" if ":" in host else host
    server = _Server(config, f"http://{shown_host}:{port}/v1")
    with _signals_end_quietly():
        server.run(sockets=[sock])


@contextlib.contextmanager
def _signals_end_quietly() -> Iterator[None]:
    """Make SIGINT/SIGTERM end the server with exit code 0.

    After a graceful stop uvicorn re-raises the signal it caught, to the handler that was there
    before it started; with a no-op handler there, the stop ends in a normal return.
    """
    if threading.current_thread() is not threading.main_thread():  # signals are main-thread only
        yield
        return
    saved = {sig: signal.signal(sig, lambda *_: None) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
