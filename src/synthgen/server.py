"""The mock teacher over HTTP: an OpenAI-compatible API for CI, benchmarks and fault drills.

The text comes from :mod:`synthgen.teacher.mock`, the same functions ``--teacher mock`` calls
in-process; this module adds OpenAI's response shapes and rehearsable production trouble.

A request to ``/v1/...`` meets, in this order::

    auth (401) -> capacity (429 + Retry-After) -> drawn error (429 / 500 / 503) -> drop -> hang
      -> latency + jitter -> route (where a drawn truncate / malformed fault shapes the text)

Every ``/v1`` request takes the same three draws from one ``random.Random(--seed)`` on arrival,
whatever its fate, so request k of a sequential client always meets the same faults. The text
does not depend on arrival order: it is a function of the request and ``--seed`` only.
``/stats`` and ``/stats/reset`` skip all of this and are not counted.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hashlib
import hmac
import json
import logging
import math
import os
import random
import signal
import socket
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse as StarletteJSONResponse
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

from synthgen.config import MockServerSettings
from synthgen.errors import UsageError
from synthgen.teacher.mock import count_tokens, mock_reply, truncate_to_tokens

__all__ = ["MALFORMED_REPLY", "MockTeacherApp", "create_app", "serve"]

logger = logging.getLogger("synthgen.server")

MODEL_ID = "mock"
FINGERPRINT = "fp_synthgen_mock"
MAX_CHOICES = 128  # OpenAI's limit for n
# Seconds uvicorn waits for in-flight requests on SIGINT/SIGTERM before cancelling them (a hung
# request would otherwise hold the shutdown for --hang-seconds).
GRACEFUL_SHUTDOWN_SECONDS = 2
# What a confused model says instead of a numbered list (--malformed-rate).
MALFORMED_REPLY = (
    "Sure! Here are some ideas you might enjoy: writing a short poem about autumn, summarising "
    "a news story for a friend, or planning a weekend trip on a budget. Let me know if you want more."
)
_CONTENT_FAULT = "synthgen.content_fault"  # scope key: the gate tells the route which fault was drawn
_STATS_PATHS = frozenset({"/stats", "/stats/reset"})


class APIError(Exception):
    """An error answered as OpenAI does: ``{"error": {message, type, param, code}}``."""

    def __init__(
        self,
        status: int,
        message: str,
        kind: str = "invalid_request_error",
        *,
        code: str | None = None,
        param: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.kind = status, message, kind
        self.code, self.param, self.headers = code, param, headers

    def response(self) -> JSONResponse:
        """The JSON response carrying this error."""
        error = {"message": self.message, "type": self.kind, "param": self.param, "code": self.code}
        return JSONResponse({"error": error}, self.status, headers=self.headers)


def _random_id() -> str:
    return os.urandom(12).hex()  # a tenth of uuid4's cost, and ids need nothing more


def _retry_headers(seconds: float) -> dict[str, str]:
    # Retry-After must be whole seconds (RFC 9110); the openai SDK reads the exact value from
    # retry-after-ms when present.
    return {"retry-after": str(math.ceil(seconds)), "retry-after-ms": str(round(seconds * 1000))}


def _drawn_error(status: str, retry_after: float) -> APIError:
    """The response for a drawn --error-rate-* fault."""
    if status == "429":
        return APIError(
            429, "Rate limit reached for requests (mock-teacher --error-rate-429).", "requests",
            code="rate_limit_exceeded", headers=_retry_headers(retry_after),
        )  # fmt: skip
    if status == "500":
        return APIError(500, "The server had an error while processing your request.", "server_error")
    return APIError(503, "The engine is currently overloaded, please try again later.", "server_error")


@dataclass
class Stats:
    """Counters served at ``GET /stats``; everything except the stats endpoints is counted."""

    requests: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    faults: Counter[str] = field(default_factory=Counter)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    in_flight: int = 0
    max_concurrent: int = 0

    def enter(self) -> None:
        """A request arrived."""
        self.in_flight += 1
        self.max_concurrent = max(self.max_concurrent, self.in_flight)

    def leave(self, path: str, status: str) -> None:
        """A request ended with ``status`` (a code, ``dropped`` or ``disconnected``)."""
        self.in_flight -= 1
        self.requests[path][status] += 1

    def snapshot(self) -> dict[str, Any]:
        """JSON-ready counters."""
        return {
            "requests": {path: dict(by_status) for path, by_status in self.requests.items()},
            "requests_total": sum(sum(c.values()) for c in self.requests.values()),
            "faults": dict(self.faults),
            "tokens": {
                "prompt": self.prompt_tokens,
                "completion": self.completion_tokens,
                "total": self.prompt_tokens + self.completion_tokens,
            },
            "in_flight": self.in_flight,
            "max_concurrent": self.max_concurrent,
        }

    def reset(self) -> None:
        """Clear the counters; requests still in flight stay counted as in flight."""
        self.requests.clear()
        self.faults.clear()
        self.prompt_tokens = self.completion_tokens = 0
        self.max_concurrent = self.in_flight


@dataclass(frozen=True)
class Draw:
    """What one request meets: ``fault`` in 429/500/503/drop/hang, ``content`` in truncate/malformed."""

    fault: str | None
    content: str | None
    delay: float  # seconds of latency plus jitter


class FaultPlan:
    """Seeded draws, one :class:`Draw` per request in arrival order.

    The rates of each group are shares of the same requests (they partition [0, 1)), so each
    option's rate is exactly the share of requests it hits, whatever the other options are.
    """

    def __init__(self, settings: MockServerSettings) -> None:
        s = settings
        self._rng = random.Random(s.seed)
        self._faults = _partition(
            {"429": s.error_rate_429, "500": s.error_rate_500, "503": s.error_rate_503,
             "drop": s.drop_rate, "hang": s.hang_rate},
            "--error-rate-429/500/503, --drop-rate and --hang-rate",
        )  # fmt: skip
        self._content = _partition(
            {"truncate": s.truncate_rate, "malformed": s.malformed_rate},
            "--truncate-rate and --malformed-rate",
        )
        self._latency, self._jitter = s.latency_ms / 1000, s.jitter_ms / 1000

    def draw(self) -> Draw:
        """The next request's fate."""
        rng = self._rng
        # Always three draws, so request k's fate does not depend on what earlier requests met.
        u_fault, u_content, u_jitter = rng.random(), rng.random(), rng.random()
        return Draw(
            _pick(self._faults, u_fault),
            _pick(self._content, u_content),
            self._latency + self._jitter * u_jitter,
        )


def _partition(rates: dict[str, float], flags: str) -> list[tuple[float, str]]:
    """Cumulative upper bounds ``[(bound, name)]`` of the non-zero rates, in the given order."""
    bounds, total = [], 0.0
    for name, rate in rates.items():
        if rate > 0:
            total += rate
            bounds.append((total, name))
    if total > 1 + 1e-9:
        raise UsageError(f"{flags} add up to {total:g}; they share the same requests, so keep the sum <= 1")
    return bounds


def _pick(bounds: list[tuple[float, str]], u: float) -> str | None:
    for bound, name in bounds:
        if u < bound:
            return name
    return None


def content_seed(server_seed: int, request_seed: int | None, temperature: float | None) -> int:
    """The seed handed to :func:`mock_reply` for one request.

    A request without ``seed`` at the default temperature gets the server's ``--seed`` as is, so
    it reads exactly what ``--teacher mock --seed`` produces in-process; otherwise the request's
    seed and temperature are folded in, so changing either changes the text.
    """
    if request_seed is None and (temperature is None or float(temperature) == 1.0):
        return server_seed
    blob = f"{server_seed}|{request_seed}|{None if temperature is None else float(temperature)!r}"
    return int.from_bytes(hashlib.blake2b(blob.encode(), digest_size=8).digest(), "big")


@dataclass(frozen=True)
class Params:
    """The sampling parameters of a completion request that the mock honours."""

    model: str
    n: int
    max_tokens: int | None
    seed: int | None
    temperature: float | None
    stream: bool
    include_usage: bool


def _int_param(body: dict[str, Any], name: str, low: int, high: int | None = None) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < low or (high and value > high):
        bounds = f">= {low}" if high is None else f"from {low} to {high}"
        raise APIError(400, f"Invalid '{name}': expected an integer {bounds}, got {value!r}.", param=name)
    return value


def parse_params(body: dict[str, Any]) -> Params:
    """Validate the parameters common to chat and text completions (400 on bad values)."""
    temperature = body.get("temperature")
    if temperature is not None and (
        isinstance(temperature, bool)
        or not isinstance(temperature, (int, float))
        or not 0 <= temperature <= 2
    ):
        raise APIError(400, f"Invalid 'temperature': expected a number from 0 to 2, got {temperature!r}.")
    options = body.get("stream_options") or {}
    max_tokens = _int_param(body, "max_completion_tokens", 1)
    return Params(
        model=str(body.get("model") or MODEL_ID),
        n=_int_param(body, "n", 1, MAX_CHOICES) or 1,
        max_tokens=max_tokens if max_tokens is not None else _int_param(body, "max_tokens", 1),
        seed=_int_param(body, "seed", -(2**63)),
        temperature=temperature,
        stream=bool(body.get("stream")),
        include_usage=isinstance(options, dict) and bool(options.get("include_usage")),
    )


def generate(prompt: str, params: Params, server_seed: int, fault: str | None) -> list[tuple[str, str]]:
    """``(text, finish_reason)`` for each of the ``n`` choices; choice i is ``sample_index`` i."""
    seed = content_seed(server_seed, params.seed, params.temperature)
    choices = []
    for index in range(params.n):
        text, cut = mock_reply(prompt, seed=seed, sample_index=index), False
        if fault == "malformed":
            text = MALFORMED_REPLY
        elif fault == "truncate":
            # Half the tokens stops a task list part-way, like a model hitting its limit; the
            # finish is "length" even for a reply too short to lose anything.
            text, cut = truncate_to_tokens(text, max(1, count_tokens(text) // 2))[0], True
        if params.max_tokens is not None:
            text, over = truncate_to_tokens(text, params.max_tokens)
            cut = cut or over
        choices.append((text, "length" if cut else "stop"))
    return choices


def _usage(prompt_tokens: int, choices: list[tuple[str, str]]) -> dict[str, int]:
    completion = sum(count_tokens(text) for text, _ in choices)
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion,
        "total_tokens": prompt_tokens + completion,
    }


def _pieces(text: str) -> list[str]:
    # One SSE chunk a line: realistic enough for clients, and cheap (a token a chunk would cost
    # a JSON encoding per token).
    return text.splitlines(keepends=True) or [text]


def _dumps(data: Any) -> bytes:
    # ASCII escapes: CPython's encoder is a third faster on that path than with ensure_ascii=False.
    return json.dumps(data, separators=(",", ":")).encode()


class JSONResponse(StarletteJSONResponse):
    """Starlette's JSON response, rendered by :func:`_dumps` (it is on every request's path)."""

    def render(self, content: Any) -> bytes:
        return _dumps(content)


async def _sse(events: Iterator[dict[str, Any]]) -> AsyncIterator[bytes]:
    for event in events:
        yield b"data: " + _dumps(event) + b"\n\n"
    yield b"data: [DONE]\n\n"


def _sse_response(events: Iterator[dict[str, Any]]) -> StreamingResponse:
    return StreamingResponse(
        _sse(events), media_type="text/event-stream", headers={"cache-control": "no-cache"}
    )


async def _json_object(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body())
    except ValueError as exc:
        raise APIError(400, f"The request body is not valid JSON: {exc}.") from None
    if not isinstance(body, dict):
        raise APIError(400, "The request body must be a JSON object.")
    return body


def _message_text(content: Any) -> str:
    """A message's text, from a string or a list of ``{"type": "text", "text": ...}`` parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


def _chat_prompt(messages: Any) -> str:
    if not isinstance(messages, list) or not messages or not all(isinstance(m, dict) for m in messages):
        raise APIError(400, "'messages' must be a non-empty array of message objects.", param="messages")
    # Joined as the in-process MockTeacher joins them, so both ways in see the same prompt.
    return "\n".join(_message_text(m.get("content")) for m in messages)


def _text_prompts(prompt: Any) -> list[str]:
    if isinstance(prompt, str):
        return [prompt]
    if isinstance(prompt, list) and prompt and all(isinstance(p, str) for p in prompt):
        return prompt
    raise APIError(400, "'prompt' must be a string or a non-empty array of strings.", param="prompt")


def _served(request: Request, prompt_tokens: int, choices: list[tuple[str, str]]) -> dict[str, int]:
    """Count the tokens served and return the ``usage`` object."""
    usage = _usage(prompt_tokens, choices)
    stats: Stats = request.app.stats
    stats.prompt_tokens += usage["prompt_tokens"]
    stats.completion_tokens += usage["completion_tokens"]
    return usage


def _content_fault(request: Request) -> str | None:
    fault = request.scope.get(_CONTENT_FAULT)
    if fault:
        request.app.stats.faults[fault] += 1
    return fault


async def chat_completions(request: Request) -> Response:
    """``POST /v1/chat/completions``, streaming or not."""
    body = await _json_object(request)
    params = parse_params(body)
    prompt = _chat_prompt(body.get("messages"))
    choices = generate(prompt, params, request.app.settings.seed, _content_fault(request))
    usage = _served(request, count_tokens(prompt), choices)
    head = {
        "id": f"chatcmpl-{_random_id()}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": params.model,
        "system_fingerprint": FINGERPRINT,
    }
    if params.stream:
        return _sse_response(_chat_chunks(head, choices, usage if params.include_usage else None))
    return JSONResponse({
        **head,
        "choices": [
            {"index": i, "message": {"role": "assistant", "content": text, "refusal": None},
             "logprobs": None, "finish_reason": finish}
            for i, (text, finish) in enumerate(choices)
        ],
        "usage": usage,
    })  # fmt: skip


def _chat_chunks(
    head: dict[str, Any], choices: list[tuple[str, str]], usage: dict[str, int] | None
) -> Iterator[dict[str, Any]]:
    head = {**head, "object": "chat.completion.chunk"}

    def chunk(index: int, delta: dict[str, str], finish: str | None = None) -> dict[str, Any]:
        return {
            **head,
            "choices": [{"index": index, "delta": delta, "logprobs": None, "finish_reason": finish}],
        }

    for index, (text, finish) in enumerate(choices):
        yield chunk(index, {"role": "assistant", "content": ""})
        for piece in _pieces(text):
            yield chunk(index, {"content": piece})
        yield chunk(index, {}, finish)
    if usage is not None:  # stream_options.include_usage: a last chunk with no choices
        yield {**head, "choices": [], "usage": usage}


async def completions(request: Request) -> Response:
    """``POST /v1/completions`` (legacy text completions), streaming or not."""
    body = await _json_object(request)
    params = parse_params(body)
    prompts = _text_prompts(body.get("prompt"))
    fault = _content_fault(request)
    choices = [c for p in prompts for c in generate(p, params, request.app.settings.seed, fault)]
    usage = _served(request, sum(count_tokens(p) for p in prompts), choices)
    head = {
        "id": f"cmpl-{_random_id()}",
        "object": "text_completion",
        "created": int(time.time()),
        "model": params.model,
    }
    if params.stream:
        return _sse_response(_text_chunks(head, choices, usage if params.include_usage else None))
    return JSONResponse({
        **head,
        "choices": [
            {"index": i, "text": text, "logprobs": None, "finish_reason": finish}
            for i, (text, finish) in enumerate(choices)
        ],
        "usage": usage,
    })  # fmt: skip


def _text_chunks(
    head: dict[str, Any], choices: list[tuple[str, str]], usage: dict[str, int] | None
) -> Iterator[dict[str, Any]]:
    for index, (text, finish) in enumerate(choices):
        for piece in _pieces(text):
            yield {
                **head,
                "choices": [{"index": index, "text": piece, "logprobs": None, "finish_reason": None}],
            }
        yield {**head, "choices": [{"index": index, "text": "", "logprobs": None, "finish_reason": finish}]}
    if usage is not None:
        yield {**head, "choices": [], "usage": usage}


def _model_card(model_id: str) -> dict[str, Any]:
    return {"id": model_id, "object": "model", "created": 0, "owned_by": "synthgen"}


async def list_models(request: Request) -> Response:
    """``GET /v1/models``: the one model, ``mock`` (any name is accepted in completions)."""
    return JSONResponse({"object": "list", "data": [_model_card(MODEL_ID)]})


async def get_model(request: Request) -> Response:
    """``GET /v1/models/{model}``: every name exists, as every name is echoed in completions."""
    return JSONResponse(_model_card(request.path_params["model"]))


async def get_stats(request: Request) -> Response:
    """``GET /stats``: see :class:`Stats`."""
    return JSONResponse(request.app.stats.snapshot())


async def reset_stats(request: Request) -> Response:
    """``POST /stats/reset``: clear the counters (the fault draws go on where they were)."""
    request.app.stats.reset()
    return JSONResponse(request.app.stats.snapshot())


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, APIError)
    return exc.response()


async def _not_found(request: Request, exc: Exception) -> Response:
    return APIError(
        404, f"Unknown endpoint {request.method} {request.url.path}.", code="unknown_url"
    ).response()


async def _method_not_allowed(request: Request, exc: Exception) -> Response:
    return APIError(405, f"Method {request.method} is not allowed on {request.url.path}.").response()


ROUTES = [
    Route("/v1/models", list_models, methods=["GET"]),
    Route("/v1/models/{model:path}", get_model, methods=["GET"]),
    Route("/v1/chat/completions", chat_completions, methods=["POST"]),
    Route("/v1/completions", completions, methods=["POST"]),
    Route("/stats", get_stats, methods=["GET"]),
    Route("/stats/reset", reset_stats, methods=["POST"]),
]


class _Exchange:
    """The response side of one request: stamps ``x-request-id`` and remembers the status."""

    __slots__ = ("raw_send", "request_id", "status")

    def __init__(self, send: Send) -> None:
        self.raw_send = send
        self.request_id = f"req_{_random_id()}".encode()
        self.status = "disconnected"  # until a response starts

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = str(message["status"])
            message = {
                **message,
                "headers": [*message.get("headers", ()), (b"x-request-id", self.request_id)],
            }
        await self.raw_send(message)


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
            routes=ROUTES,
            exception_handlers={APIError: _api_error, 404: _not_found, 405: _method_not_allowed},
        )
        self.settings = settings
        self.stats = Stats()
        self.faults = FaultPlan(settings)
        self.serving = 0  # admitted /v1 requests in flight (what --capacity limits)
        key = settings.require_api_key
        self._authorization = f"Bearer {key}".encode() if key else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in _STATS_PATHS:
            await super().__call__(scope, receive, send)
            return
        started = time.perf_counter()
        exchange = _Exchange(send)
        self.stats.enter()
        try:
            if scope["path"].startswith("/v1/"):
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
        draw = self.faults.draw()  # first, so that every /v1 request takes its draws
        if self._authorization is not None and (error := self._auth_error(scope)):
            await error.response()(scope, receive, exchange.send)
            return
        capacity = self.settings.capacity
        if capacity is not None and self.serving >= capacity:
            self.stats.faults["capacity"] += 1
            error = APIError(
                429, f"mock-teacher is at its capacity of {capacity} concurrent requests.", "requests",
                code="rate_limit_exceeded", headers=_retry_headers(self.settings.retry_after),
            )  # fmt: skip
            await error.response()(scope, receive, exchange.send)
            return
        self.serving += 1
        try:
            await self._admitted(scope, receive, exchange, draw)
        finally:
            self.serving -= 1

    async def _admitted(self, scope: Scope, receive: Receive, exchange: _Exchange, draw: Draw) -> None:
        if draw.fault:
            self.stats.faults[draw.fault] += 1
        if draw.fault in ("429", "500", "503"):
            await _drawn_error(draw.fault, self.settings.retry_after).response()(
                scope, receive, exchange.send
            )
            return
        # Read before a drop too: closing a socket with unread bytes sends a reset instead of a
        # clean EOF, and which of the two a client saw would then depend on timing.
        body = await _read_body(receive)
        if body is None:
            return
        if draw.fault == "drop":
            exchange.status = "dropped"
            await _drop(exchange.raw_send, receive)
            return
        if draw.fault == "hang" and not await _pause(self.settings.hang_seconds, receive):
            return
        if draw.delay > 0 and not await _pause(draw.delay, receive):
            return
        if draw.content:
            scope[_CONTENT_FAULT] = draw.content
        await super().__call__(scope, _replay(body, receive), exchange.send)

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
