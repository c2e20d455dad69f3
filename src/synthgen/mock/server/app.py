"""The ASGI app: Starlette's router behind a raw gate that counts requests and injects faults.

Every request but the service endpoints (``/health``, ``/stats``, ``/stats/reset``,
``/debug/requests``, ``/debug/settings``) is counted, and every ``/v1`` request is recorded for
``/debug/requests`` (headers, the API key reduced to its scheme). A completion request meets
auth, capacity, ``--hold-after`` and the :class:`~synthgen.mock.server.faults.Draw` it took on
arrival (error, drop, hang, latency) before the routes of :mod:`synthgen.mock.server.routes` see
it; ``/v1/models`` meets auth only, so that readiness probes and ``synthgen check`` never meet an
injected fault. An answer that met a hang or a content fault names it in an ``x-mock-fault``
header, so a client can count what it met without timing anything.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import time

from starlette.applications import Starlette
from starlette.types import Message, Receive, Scope, Send

from synthgen.config import MockServerSettings
from synthgen.mock.server.admin import SERVICE_ROUTES
from synthgen.mock.server.batch_routes import BATCH_ROUTES, make_store
from synthgen.mock.server.faults import APIError, Draw, FaultPlan, Stats, drawn_error, retry_headers
from synthgen.mock.server.received import RECEIVED, ReceivedLog
from synthgen.mock.server.replies import chat_prompt, parse_params, text_prompts
from synthgen.mock.server.routes import (
    CONTENT_FAULT,
    ROUTES,
    api_error,
    method_not_allowed,
    not_found,
    random_id,
)
from synthgen.mock.teacher import count_tokens

# The package's logger, one debug line per request; ``synthgen mock-teacher`` configures it.
logger = logging.getLogger("synthgen.mock.server")

# Answered by the routes alone: not counted, not recorded, no auth, no faults.
SERVICE_PATHS = frozenset(route.path for route in SERVICE_ROUTES)
# Control-plane calls, auth only: models (and /v1/models/{id}), the Batch API's files and batches.
_CONTROL = ("/v1/models", "/v1/files", "/v1/batches")


class _Exchange:
    """The response side of one request: stamps ``x-request-id`` (and ``x-mock-fault``) and
    remembers the status."""

    __slots__ = ("faults", "raw_send", "request_id", "status")

    def __init__(self, send: Send) -> None:
        self.raw_send = send
        self.request_id = f"req_{random_id()}".encode()
        self.status = "disconnected"  # until a response starts
        self.faults: list[str] = []  # hang, truncate, malformed: what a 200 met on its way

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = str(message["status"])
            headers = [*message.get("headers", ()), (b"x-request-id", self.request_id)]
            if self.faults:
                headers.append((b"x-mock-fault", ",".join(self.faults).encode()))
            message = {**message, "headers": headers}
        await self.raw_send(message)


def _worst_tokens(body: bytes) -> int:
    """What a request could have cost had it been answered: its prompt's tokens and its
    ``max_tokens`` (0 for a body the routes would refuse)."""
    try:
        data = json.loads(body)
        params = parse_params(data)
        prompts = [chat_prompt(data["messages"])] if "messages" in data else text_prompts(data.get("prompt"))
    except (ValueError, TypeError, KeyError, APIError):
        return 0
    return sum(count_tokens(p) for p in prompts) + (params.max_tokens or 0) * params.n * len(prompts)


async def _read_body(receive: Receive) -> bytes | None:
    """The whole request body, or None if the client left first."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands the already-read body to the routes, then defers to the server's."""
    pending: list[Message] = [{"type": "http.request", "body": body, "more_body": False}]

    async def replay() -> Message:
        return pending.pop() if pending else await receive()

    return replay


async def _pause(seconds: float, receive: Receive) -> bool:
    """Sleep ``seconds`` (body already read); False if the client left meanwhile (nobody to answer)."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        # Once the body is read, the server's receive() only returns when the client disconnects,
        # so a client that times out ends its hung request here instead of holding a task.
        waiter = asyncio.ensure_future(receive())
        done, _ = await asyncio.wait({waiter}, timeout=left)
        if not done:
            waiter.cancel()
            return True
        if waiter.result()["type"] == "http.disconnect":
            return False
    return True


async def _held(receive: Receive, released: asyncio.Event) -> bool:
    """Answer nothing (``--hold-after``; body already read) until ``released`` (True: serve it
    as usual) or until the client leaves (False)."""
    left = asyncio.ensure_future(receive())  # returns only at the client's disconnect
    release = asyncio.ensure_future(released.wait())
    done, pending = await asyncio.wait({left, release}, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    return release in done


async def _drop(send: Send, receive: Receive) -> None:
    """Close the connection without answering (``--drop-rate``).

    ASGI has no way to abort a connection, and an app that raises before the response starts
    gets a 500 from uvicorn. But uvicorn's ``send`` is a bound method of its per-request cycle,
    which holds the asyncio transport: ``abort()`` on it closes the socket with nothing written,
    so the client reads EOF before any status line. Elsewhere (e.g. httpx's ASGITransport in
    tests) the drop is an exception the client sees instead.
    """
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if not isinstance(transport, asyncio.BaseTransport):
        raise ConnectionAbortedError("mock-teacher dropped the connection (--drop-rate)")
    transport.abort()
    # uvicorn learns of the loss a loop turn later; returning before that would make it log
    # "returned without starting response" and write a 500 into the dead socket.
    while (await receive())["type"] != "http.disconnect":
        pass


class MockTeacherApp(Starlette):
    """The Starlette app, behind a raw ASGI gate that counts requests and injects faults.

    The gate sits in ``__call__``, outside Starlette's middleware, because a drop needs the
    server's own ``send`` (Starlette's error middleware wraps it).
    """

    def __init__(self, settings: MockServerSettings) -> None:
        super().__init__(
            routes=[
                *ROUTES,
                *BATCH_ROUTES,
                *SERVICE_ROUTES,
            ],
            exception_handlers={APIError: api_error, 404: not_found, 405: method_not_allowed},
        )
        self.startup_settings = settings
        self.stats = Stats()
        self.received = ReceivedLog()
        self.serving = 0  # admitted /v1 requests in flight (what --capacity limits)
        self._released = asyncio.Event()  # set when the requests held so far may go on
        self.configure(settings)
        self.batches = make_store(self)  # reads the settings when it answers (see batch_routes)

    def configure(self, settings: MockServerSettings) -> None:
        """Serve with ``settings`` from now on (at start, and at ``POST /debug/settings``).

        The fault draws restart from the seed and the ``--hold-after`` count from zero; held
        requests go on through the gate under the new settings, those past it finish as they were.
        """
        self.faults = FaultPlan(settings)  # first: it refuses rates adding up to more than 1
        self.settings = settings
        self.admitted = 0  # completion requests past the --hold-after check
        self._released.set()  # the held requests are served under the new settings
        self._released = asyncio.Event()
        key = settings.require_api_key
        self._authorization = f"Bearer {key}".encode() if key else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in SERVICE_PATHS:
            await super().__call__(scope, receive, send)
            return
        started = time.perf_counter()
        exchange = _Exchange(send)
        self.stats.enter()
        try:
            if scope["path"].startswith("/v1/"):
                scope[RECEIVED] = self.received.add(scope)
                await self._gate(scope, receive, exchange)
            else:
                await super().__call__(scope, receive, exchange.send)
        finally:
            self.stats.leave(scope["path"], exchange.status)
            logger.debug(
                "%s %s %s %.1fms", scope["method"], scope["path"], exchange.status,
                (time.perf_counter() - started) * 1000,
            )  # fmt: skip

    async def _gate(self, scope: Scope, receive: Receive, exchange: _Exchange) -> None:
        control = scope["path"].startswith(_CONTROL)
        # First, so that every completion request takes its draws whatever its fate; model
        # listings and batch calls take none, so polling them does not shift the faults a
        # client meets (a batch's lines draw their own, see batch_routes).
        draw = None if control else self.faults.draw()
        if self._authorization is not None and (error := self._auth_error(scope)):
            await error.response()(scope, receive, exchange.send)
            return
        if draw is None:
            await super().__call__(scope, receive, exchange.send)
            return
        capacity = self.settings.capacity
        if capacity is not None and self.serving >= capacity:
            self.stats.faults["capacity"] += 1
            error = APIError(
                429, f"mock-teacher is at its capacity of {capacity} concurrent requests.", "requests",
                code="rate_limit_exceeded", headers=retry_headers(self.settings.retry_after),
            )  # fmt: skip
            await error.response()(scope, receive, exchange.send)
            return
        self.serving += 1
        try:
            await self._admitted(scope, receive, exchange, draw)
        finally:
            self.serving -= 1

    async def _admitted(self, scope: Scope, receive: Receive, exchange: _Exchange, draw: Draw) -> None:
        hold_after = self.settings.hold_after
        if hold_after is not None and self.admitted >= hold_after:
            self.stats.faults["held"] += 1
            body = await _read_body(receive)
            if body is None or not await _held(receive, self._released):
                return
            receive = _replay(body, receive)
            await self._admitted(scope, receive, exchange, draw)  # may be held again
            return
        self.admitted += 1
        if draw.fault:
            self.stats.faults[draw.fault] += 1
        if draw.fault in ("429", "500", "503"):
            await drawn_error(draw.fault, self.settings.retry_after).response()(scope, receive, exchange.send)
            return
        # Read before a drop too: closing a socket with unread bytes sends a reset instead of a
        # clean EOF, and which of the two a client saw would then depend on timing.
        body = await _read_body(receive)
        if body is None:
            return
        if draw.fault == "drop":
            exchange.status = "dropped"
            self._unanswered(body)
            await _drop(exchange.raw_send, receive)
            return
        if draw.fault == "hang":
            exchange.faults.append("hang")
            if not await _pause(self.settings.hang_seconds, receive):
                self._unanswered(body)
                return
        if draw.delay > 0 and not await _pause(draw.delay, receive):
            self._unanswered(body)
            return
        if draw.content:
            exchange.faults.append(draw.content)
            scope[CONTENT_FAULT] = draw.content
        await super().__call__(scope, _replay(body, receive), exchange.send)

    def _unanswered(self, body: bytes) -> None:
        self.stats.unanswered += 1
        self.stats.unanswered_worst_tokens += _worst_tokens(body)

    def _auth_error(self, scope: Scope) -> APIError | None:
        sent = next((value for name, value in scope["headers"] if name == b"authorization"), None)
        if sent is not None and hmac.compare_digest(sent, self._authorization or b""):
            return None
        message = (
            "You didn't provide an API key. Send it in an Authorization header (Authorization: Bearer KEY)."
            if sent is None
            else "Incorrect API key provided."
        )
        return APIError(401, message, code="invalid_api_key")


def create_app(settings: MockServerSettings) -> MockTeacherApp:
    """The mock-teacher ASGI app (usable in-process, e.g. with ``httpx.ASGITransport``).

    Raises :class:`UsageError` when the fault rates of a group add up to more than 1.
    """
    return MockTeacherApp(settings)
