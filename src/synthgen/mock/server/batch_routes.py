"""The Batch API over HTTP: ``/v1/files`` and ``/v1/batches`` on the mock server.

``POST /v1/files`` (multipart: ``purpose`` and ``file``), ``GET /v1/files/{id}`` and
``GET /v1/files/{id}/content``; ``POST /v1/batches``, ``GET /v1/batches`` (``after``, ``limit``),
``GET /v1/batches/{id}`` and ``POST /v1/batches/{id}/cancel``. The work is done by
:class:`~synthgen.mock.batch_store.BatchStore` in a temporary folder (``--batch-dir`` keeps it).
An upload is spooled to disk as it arrives and its file part copied from there, and a download
is streamed from disk (:mod:`~synthgen.mock.server.multipart`): a 100,000-line batch never sits
in memory. What the store refuses is answered as OpenAI does, by :func:`_batch_api` for every route.

A batch's lines are answered as ``/v1/chat/completions`` would answer them, and meet the same
fault options, drawn per line: ``--error-rate-429/500/503`` (and drops and hangs, as 500s)
become error-file lines with that status, ``--truncate-rate`` and ``--malformed-rate`` change
the body as in chat. ``--no-batch`` serves no Batch API at all (404, like a server without one). ``--hold-batch STEP``
answers no upload, no batch creation (``create``; ``created``: once the batch exists) or no
download until the client leaves: a test stops a ``--batch`` run there, and kills it.
"""

from __future__ import annotations

import functools
import json
import os
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from synthgen.config import MockServerSettings
from synthgen.mock.batch_store import BatchAPIError, BatchBehaviour, BatchStore
from synthgen.mock.server.faults import APIError, FaultPlan, JSONResponse, drawn_error
from synthgen.mock.server.multipart import boundary_of, multipart_parts, read_range
from synthgen.mock.server.replies import chat_prompt, generate, parse_params, usage_of
from synthgen.mock.server.routes import chat_body, chat_head, top_logprobs_of
from synthgen.mock.teacher import count_tokens

Handler = Callable[[Request], Awaitable[Response]]


class ServerLines:
    """Answers batch lines the way the chat route does, with per-line fault draws.

    The settings are read when a batch is answered (so settings changed at run time apply);
    the draws come from their own plan, seeded ``--seed`` + 1, so that batches never shift
    the faults that chat requests meet.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self._plan: tuple[MockServerSettings, FaultPlan] | None = None

    def _faults(self) -> FaultPlan:
        settings = self.app.settings
        if self._plan is None or self._plan[0] is not settings:
            self._plan = (settings, FaultPlan(settings.model_copy(update={"seed": settings.seed + 1})))
        return self._plan[1]

    def __call__(self, body: dict[str, Any], line: int) -> tuple[int, dict[str, Any]]:
        draw = self._faults().draw()
        fault = {"drop": "500", "hang": "500"}.get(draw.fault or "", draw.fault)
        try:
            if fault is not None:
                self.app.stats.faults[f"batch_{fault}"] += 1
                raise drawn_error(fault, self.app.settings.retry_after)
            return 200, self._answer(body, draw.content)
        except APIError as exc:
            error = {"message": exc.message, "type": exc.kind, "param": exc.param, "code": exc.code}
            return exc.status, {"error": error}

    def _answer(self, body: Any, fault: str | None) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise APIError(400, "The request body must be a JSON object.")
        settings, stats = self.app.settings, self.app.stats
        params = parse_params(body)
        if settings.models and params.model not in settings.models:
            raise APIError(404, f"The model `{params.model}` does not exist or you do not have access to it.", code="model_not_found")  # fmt: skip
        prompt = chat_prompt(body.get("messages"))
        top_logprobs = top_logprobs_of(body, settings)
        if fault:
            stats.faults[f"batch_{fault}"] += 1
        choices = generate(prompt, params, settings, fault)
        usage = usage_of(count_tokens(prompt), choices)
        stats.prompt_tokens += usage["prompt_tokens"]
        stats.completion_tokens += usage["completion_tokens"]
        return chat_body(chat_head(params), choices, usage, top_logprobs)


def make_store(app: Any) -> BatchStore | None:
    """The server's batch store (None with ``--no-batch``)."""
    settings: MockServerSettings = app.settings
    if not settings.batch:
        return None
    root = Path(settings.batch_dir) if settings.batch_dir else Path(tempfile.mkdtemp(prefix="mock-batches-"))
    return BatchStore(root, ServerLines(app), _behaviour(settings))


def _behaviour(settings: MockServerSettings) -> BatchBehaviour:
    return BatchBehaviour(settings.batch_polls, settings.batch_outcome, settings.batch_max_requests)


def _store(request: Request) -> BatchStore:
    store, settings = request.app.batches, request.app.settings
    if store is None or not settings.batch:  # --no-batch: as a server without the Batch API answers
        raise APIError(404, f"Unknown endpoint {request.method} {request.url.path}.", code="unknown_url")
    store.behaviour = _behaviour(settings)  # settings changed at run time apply from now on
    return store


def _batch_api(route: Handler) -> Handler:
    """A Batch API route: what the store refuses is answered as OpenAI answers it (the store's
    status, message, code and param), in one place for every route."""

    @functools.wraps(route)
    async def answer(request: Request) -> Response:
        try:
            return await route(request)
        except BatchAPIError as exc:
            raise APIError(exc.status, exc.message, code=exc.code, param=exc.param) from None

    return answer


@_batch_api
async def upload_file(request: Request) -> Response:
    store = _store(request)
    boundary = boundary_of(request.headers.get("content-type", ""))
    fd, spool = tempfile.mkstemp(dir=store.root, prefix="upload-")
    try:
        with os.fdopen(fd, "wb") as handle:
            async for chunk in request.stream():
                handle.write(chunk)
        if await _held(request, "upload"):
            return Response(status_code=499)
        fields, file_part = multipart_parts(Path(spool), boundary)
        if file_part is None:
            raise APIError(400, "Missing the 'file' part of the upload.", param="file")
        name, start, end = file_part
        meta = store.add_file(read_range(Path(spool), start, end), name, fields.get("purpose", ""))
        return JSONResponse(meta)
    finally:
        os.unlink(spool)


@_batch_api
async def get_file(request: Request) -> Response:
    return JSONResponse(_store(request).file(request.path_params["file_id"]))


@_batch_api
async def file_content(request: Request) -> Response:
    path = _store(request).file_path(request.path_params["file_id"])
    if await _held(request, "download"):
        return Response(status_code=499)
    size = path.stat().st_size
    headers = {"content-length": str(size)}
    return StreamingResponse(
        read_range(path, 0, size), media_type="application/octet-stream", headers=headers
    )


@_batch_api
async def create_batch(request: Request) -> Response:
    store = _store(request)
    try:
        body = json.loads(await request.body())
        if not isinstance(body, dict):
            raise ValueError
    except ValueError:
        raise APIError(400, "The request body must be a JSON object.") from None
    if await _held(request, "create"):
        return Response(status_code=499)
    batch = store.create(
        str(body.get("input_file_id")),
        str(body.get("endpoint")),
        str(body.get("completion_window")),
        body.get("metadata"),
    )
    if await _held(request, "created"):
        return Response(status_code=499)
    return JSONResponse(batch)


async def _held(request: Request, step: str) -> bool:
    """``--hold-batch STEP``: answer nothing until the client leaves (True: it left; the
    response is sent nowhere). Counted as ``held`` in ``/stats``, as ``--hold-after`` is."""
    if request.app.settings.hold_batch != step:
        return False
    request.app.stats.faults["held"] += 1
    while (await request.receive())["type"] != "http.disconnect":
        pass  # the request's body (already read) first, then the client's leaving
    return True


@_batch_api
async def get_batch(request: Request) -> Response:
    return JSONResponse(_store(request).retrieve(request.path_params["batch_id"]))


@_batch_api
async def cancel_batch(request: Request) -> Response:
    return JSONResponse(_store(request).cancel(request.path_params["batch_id"]))


@_batch_api
async def list_batches(request: Request) -> Response:
    store = _store(request)
    try:
        limit = max(1, min(100, int(request.query_params.get("limit", "20"))))
    except ValueError:
        raise APIError(400, "limit must be an integer.", param="limit") from None
    data, more = store.list(request.query_params.get("after"), limit)
    first, last = (data[0]["id"], data[-1]["id"]) if data else (None, None)
    return JSONResponse(
        {"object": "list", "data": data, "first_id": first, "last_id": last, "has_more": more}
    )


BATCH_ROUTES = [
    Route("/v1/files", upload_file, methods=["POST"]),
    Route("/v1/files/{file_id}", get_file, methods=["GET"]),
    Route("/v1/files/{file_id}/content", file_content, methods=["GET"]),
    Route("/v1/batches", create_batch, methods=["POST"]),
    Route("/v1/batches", list_batches, methods=["GET"]),
    Route("/v1/batches/{batch_id}", get_batch, methods=["GET"]),
    Route("/v1/batches/{batch_id}/cancel", cancel_batch, methods=["POST"]),
]
