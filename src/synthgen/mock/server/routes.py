"""The OpenAI-compatible routes and their response shapes (JSON bodies and SSE chunks).

``/v1/chat/completions``, ``/v1/completions`` and ``/v1/models`` (:data:`ROUTES`; the uncounted
service endpoints are in :mod:`synthgen.mock.server.admin`), plus the handlers that answer 404,
405 and :class:`APIError` as OpenAI does. The gate in :mod:`synthgen.mock.server.app` runs before them and hands a drawn content
fault (truncate / malformed) down in the request scope.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from synthgen.config import MockServerSettings
from synthgen.mock.logprobs import token_logprobs, tokenize
from synthgen.mock.server.faults import APIError, JSONResponse, Stats, dumps
from synthgen.mock.server.received import RECEIVED
from synthgen.mock.server.replies import (
    MODEL_ID,
    Choice,
    Params,
    chat_prompt,
    generate,
    parse_logprobs,
    parse_params,
    text_prompts,
    usage_of,
)
from synthgen.mock.teacher import count_tokens

FINGERPRINT = "fp_synthgen_mock"
CONTENT_FAULT = "synthgen.content_fault"  # scope key: the gate tells the route which fault was drawn


def random_id() -> str:
    return os.urandom(12).hex()  # a tenth of uuid4's cost, and ids need nothing more


def _pieces(text: str) -> list[str]:
    # One SSE chunk a line: realistic enough for clients, and cheap (a token a chunk would cost
    # a JSON encoding per token).
    return text.splitlines(keepends=True) or [text]


async def _sse(events: Iterator[dict[str, Any]]) -> AsyncIterator[bytes]:
    for event in events:
        yield b"data: " + dumps(event) + b"\n\n"
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


def _served(request: Request, prompt_tokens: int, choices: list[Choice]) -> dict[str, Any]:
    """Count the tokens served and return the ``usage`` object."""
    usage = usage_of(prompt_tokens, choices)
    stats: Stats = request.app.stats
    stats.prompt_tokens += usage["prompt_tokens"]
    stats.completion_tokens += usage["completion_tokens"]
    return usage


def _note_params(request: Request, params: Params) -> None:
    """Complete the request's ``/debug/requests`` record; refuse a model not served (``--model``)."""
    record = request.scope.get(RECEIVED)
    if record is not None:
        record["model"], record["seed"] = params.model, params.seed
    _must_serve(request, params.model)


def _must_serve(request: Request, model: str) -> None:
    served = request.app.settings.models
    if served and model not in served:
        raise APIError(
            404, f"The model `{model}` does not exist or you do not have access to it.",
            code="model_not_found",
        )  # fmt: skip


def _content_fault(request: Request) -> str | None:
    fault = request.scope.get(CONTENT_FAULT)
    if fault:
        request.app.stats.faults[fault] += 1
    return fault


async def chat_completions(request: Request) -> Response:
    """``POST /v1/chat/completions``, streaming or not."""
    body = await _json_object(request)
    params = parse_params(body)
    top_logprobs = top_logprobs_of(body, request.app.settings)
    _note_params(request, params)
    prompt = chat_prompt(body.get("messages"))
    port = (request.scope.get("server") or ("", 9))[1]
    choices = generate(prompt, params, request.app.settings, _content_fault(request), port=port)
    usage = _served(request, count_tokens(prompt), choices)
    head = chat_head(params)
    if params.stream:
        return _sse_response(
            _chat_chunks(head, choices, usage if params.include_usage else None, top_logprobs)
        )
    return JSONResponse(chat_body(head, choices, usage, top_logprobs))


def top_logprobs_of(body: dict[str, Any], settings: MockServerSettings) -> int | None:
    """The ``top_logprobs`` to answer with (None: no logprobs; 400 when malformed)."""
    top = parse_logprobs(body)
    return None if settings.ignore_logprobs else top  # ignoring: a server without support


def chat_head(params: Params) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-{random_id()}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": params.model,
        "system_fingerprint": FINGERPRINT,
    }


def chat_body(
    head: dict[str, Any], choices: list[Choice], usage: dict[str, Any], top_logprobs: int | None
) -> dict[str, Any]:
    return {
        **head,
        "choices": [
            {"index": i, "message": _message(choice), "logprobs": _logprobs(choice.text, top_logprobs),
             "finish_reason": choice.finish_reason}
            for i, choice in enumerate(choices)
        ],
        "usage": usage,
    }  # fmt: skip


def _message(choice: Choice) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": choice.text, "refusal": None}
    if choice.reasoning is not None:  # DeepSeek's and vLLM's name for the trace
        message["reasoning_content"] = choice.reasoning
    return message


def _logprobs(text: str, top_logprobs: int | None) -> dict[str, Any] | None:
    """The choice's ``logprobs`` object (of the content; the trace has none), if asked for."""
    if top_logprobs is None:
        return None
    return {"content": token_logprobs(text, top_logprobs), "refusal": None}


def _chat_chunks(
    head: dict[str, Any], choices: list[Choice], usage: dict[str, Any] | None, top_logprobs: int | None
) -> Iterator[dict[str, Any]]:
    head = {**head, "object": "chat.completion.chunk"}

    def chunk(
        index: int, delta: dict[str, str], finish: str | None = None, logprobs: Any = None
    ) -> dict[str, Any]:
        return {
            **head,
            "choices": [{"index": index, "delta": delta, "logprobs": logprobs, "finish_reason": finish}],
        }

    for index, (text, finish, reasoning) in enumerate(choices):
        yield chunk(index, {"role": "assistant", "content": ""})
        for piece in _pieces(reasoning) if reasoning else ():  # the trace streams first
            yield chunk(index, {"reasoning_content": piece})
        entries = token_logprobs(text, top_logprobs) if top_logprobs is not None else None
        for piece in _pieces(text):
            logprobs = None
            if entries is not None:  # a token never spans two lines, so the pieces split them
                count = len(tokenize(piece))
                logprobs, entries = {"content": entries[:count], "refusal": None}, entries[count:]
            yield chunk(index, {"content": piece}, logprobs=logprobs)
        yield chunk(index, {}, finish)
    if usage is not None:  # stream_options.include_usage: a last chunk with no choices
        yield {**head, "choices": [], "usage": usage}


async def completions(request: Request) -> Response:
    """``POST /v1/completions`` (legacy text completions), streaming or not."""
    body = await _json_object(request)
    params = parse_params(body)
    _note_params(request, params)
    prompts = text_prompts(body.get("prompt"))
    fault = _content_fault(request)
    settings = request.app.settings
    choices = [c for p in prompts for c in generate(p, params, settings, fault, chat=False)]
    usage = _served(request, sum(count_tokens(p) for p in prompts), choices)
    head = {
        "id": f"cmpl-{random_id()}",
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
            for i, (text, finish, _) in enumerate(choices)
        ],
        "usage": usage,
    })  # fmt: skip


def _text_chunks(
    head: dict[str, Any], choices: list[Choice], usage: dict[str, Any] | None
) -> Iterator[dict[str, Any]]:
    for index, (text, finish, _) in enumerate(choices):
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
    """``GET /v1/models``: the ``--model`` names, or ``mock`` (then any name is accepted)."""
    names = request.app.settings.models or [MODEL_ID]
    return JSONResponse({"object": "list", "data": [_model_card(name) for name in names]})


async def get_model(request: Request) -> Response:
    """``GET /v1/models/{model}``: without ``--model`` every name exists (each is echoed back)."""
    _must_serve(request, request.path_params["model"])
    return JSONResponse(_model_card(request.path_params["model"]))


async def api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, APIError)
    return exc.response()


async def not_found(request: Request, exc: Exception) -> Response:
    return APIError(
        404, f"Unknown endpoint {request.method} {request.url.path}.", code="unknown_url"
    ).response()


async def method_not_allowed(request: Request, exc: Exception) -> Response:
    return APIError(405, f"Method {request.method} is not allowed on {request.url.path}.").response()


ROUTES = [
    Route("/v1/models", list_models, methods=["GET"]),
    Route("/v1/models/{model:path}", get_model, methods=["GET"]),
    Route("/v1/chat/completions", chat_completions, methods=["POST"]),
    Route("/v1/completions", completions, methods=["POST"]),
]
