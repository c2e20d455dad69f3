"""An OpenAI-compatible endpoint as a teacher: chat completions sent with raw aiohttp.

Why not the openai SDK here: on a 2-core machine the client's CPU per request caps throughput,
and the SDK's request machinery (options, headers, its httpx-compatible layer over aiohttp) costs
several times what one aiohttp POST does (figures in benchmarks/RESULTS.md). So this one module
sends exactly what the SDK sends for ``chat.completions.create`` (:func:`~synthgen.teacher.wire.
request_headers`, the same path and JSON body) and maps failures the same way; the SDK stays for
control-plane calls (:mod:`synthgen.commands.check`). Callers see only the plain
:class:`~synthgen.teacher.base.Teacher` interface.

Retrying is *not* done here: every failure is translated into :class:`TransientTeacherError`
(worth retrying; :class:`~synthgen.teacher.wire.CannotConnect` when nothing could be sent) or
:class:`TeacherError` (stop the run), so that one policy (``teacher/retry.py``) owns it.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp.helpers import get_env_proxy_for_url
from yarl import URL

from synthgen.errors import TeacherError, TransientTeacherError
from synthgen.io.fast_json import loads
from synthgen.records import Completion, Usage
from synthgen.teacher.base import Message
from synthgen.teacher.logprobs import parse_logprobs
from synthgen.teacher.wire import (
    CannotConnect,
    RequestTimeout,
    connect_failure,
    request_headers,
    status_error,
)

DEFAULT_BASE_URL = "https://api.openai.com/v1"
# A TCP/TLS connection is made in well under a second when the host is reachable; waiting the
# whole --request-timeout for one only delays telling the user that it is not.
CONNECT_TIMEOUT = 10.0


@dataclass(frozen=True)
class Sampling:
    temperature: float
    top_p: float
    max_tokens: int
    seed: int | None = None  # sent as seed + sample_index, so each request has its own


class OpenAITeacher:
    """Chat completions from one endpoint over one aiohttp session (``concurrency`` connections).

    The key is held only in the request headers of this object, never logged or stored.
    """

    def __init__(
        self,
        *,
        base_url: str | None,
        model: str,
        api_key: str,
        api_key_env: str,
        sampling: Sampling,
        timeout: float,
        concurrency: int = 100,
    ) -> None:
        self.model = model
        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self.api_key_env = api_key_env
        self.sampling = sampling
        self._url = URL(self.base_url + "/chat/completions")
        self._headers = request_headers(api_key)
        self._timeout = aiohttp.ClientTimeout(total=timeout, sock_connect=min(timeout, CONNECT_TIMEOUT))
        self._concurrency = concurrency
        self._session: aiohttp.ClientSession | None = None
        self._proxy: dict[str, Any] = _env_proxy(self._url)

    def _open(self) -> aiohttp.ClientSession:
        # Made on first use, inside the running event loop (aiohttp binds a session to it).
        # trust_env stays off: with it aiohttp looks up the proxy and ~/.netrc in a thread on
        # *every* request; the environment's proxy is resolved once instead (_env_proxy).
        connector = aiohttp.TCPConnector(limit=self._concurrency, limit_per_host=0)
        self._session = aiohttp.ClientSession(
            connector=connector, timeout=self._timeout, headers=self._headers
        )
        return self._session

    async def complete(
        self, messages: list[Message], *, sample_index: int, extra_body: dict[str, Any] | None = None
    ) -> Completion:
        session = self._session or self._open()
        body = self._body(messages, sample_index, extra_body)
        data = json.dumps(body, separators=(",", ":")).encode()
        try:
            # No redirects followed, as the SDK: a POST must not silently turn into a GET.
            async with session.post(self._url, data=data, allow_redirects=False, **self._proxy) as response:
                raw = await response.read()
                if response.status >= 300:
                    raise self._status_error(response.status, response.headers, raw)
        except TeacherError:
            raise
        except asyncio.TimeoutError as exc:  # also aiohttp's ServerTimeoutError family
            raise self._timeout_error(exc) from exc
        except aiohttp.ClientError as exc:  # refused, DNS, TLS, dropped, truncated body
            raise self._connection_error(exc) from exc
        try:
            return self._to_completion(loads(raw))
        except ValueError as exc:
            raise TransientTeacherError(f"malformed response from {self.base_url}: not JSON") from exc

    def _body(
        self, messages: list[Message], sample_index: int, extra_body: dict[str, Any] | None = None
    ) -> dict[str, object]:
        return chat_request_body(self.model, self.sampling, messages, sample_index, extra_body)

    def _to_completion(self, body: Any) -> Completion:
        return completion_from_body(body, model=self.model, endpoint=self.base_url)

    def _status_error(self, status: int, headers: object, raw: bytes) -> TeacherError:
        return status_error(
            status, headers, raw, where=self.base_url, model=self.model, key_env=self.api_key_env
        )

    def _timeout_error(self, exc: BaseException) -> TransientTeacherError:
        if isinstance(exc, aiohttp.ConnectionTimeoutError):
            return CannotConnect(
                self.base_url,
                f"no connection within {self._timeout.sock_connect:g} s",
                "is the host reachable?",
            )
        return RequestTimeout(f"request to {self.base_url} timed out after {self._timeout.total:g} s")

    def _connection_error(self, exc: aiohttp.ClientError) -> TransientTeacherError:
        cannot = connect_failure(self.base_url, exc)
        if cannot is not None:
            return cannot
        if isinstance(exc, aiohttp.ClientPayloadError):
            return TransientTeacherError(f"response from {self.base_url} cut off: {exc}")
        return TransientTeacherError(f"connection to {self.base_url} failed: {exc or type(exc).__name__}")

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def chat_request_body(
    model: str,
    sampling: Sampling,
    messages: list[Message],
    sample_index: int,
    extra_body: dict[str, Any] | None = None,
) -> dict[str, object]:
    """The chat-completions request body (OpenAI API reference: model, messages, sampling),
    plus a recipe's ``extra_body`` fields (e.g. ``response_format``). A batch line's body too."""
    body: dict[str, object] = {
        "model": model,
        "messages": messages,
        "temperature": sampling.temperature,
        "top_p": sampling.top_p,
        "max_tokens": sampling.max_tokens,
    }
    if sampling.seed is not None:
        body["seed"] = sampling.seed + sample_index
    if extra_body:
        body.update(extra_body)
    return body


def completion_from_body(body: Any, *, model: str, endpoint: str) -> Completion:
    """A chat-completion JSON body -> Completion; a body of the wrong shape is retried
    (:class:`TransientTeacherError`, with the usage it reported). A batch line's answer too."""
    try:
        choice = body["choices"][0]
        message = choice["message"]
        usage = body.get("usage") or {}
        # Reasoning traces: DeepSeek's API, vLLM and SGLang say reasoning_content; some
        # OpenAI-compatible routers say reasoning.
        reasoning = message.get("reasoning_content") or message.get("reasoning")
        return Completion(
            text=message.get("content") or "",
            reasoning=reasoning if isinstance(reasoning, str) else None,
            finish_reason=choice.get("finish_reason") or "stop",
            usage=Usage(
                prompt_tokens=usage.get("prompt_tokens") or 0,
                completion_tokens=usage.get("completion_tokens") or 0,
            ),
            model=body.get("model") or model,
            request_id=body.get("id") or "",
            endpoint=endpoint,
            logprobs=parse_logprobs(choice),
        )
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as exc:
        raise TransientTeacherError(
            f"malformed response from {endpoint}: no choices", usage=_reported_usage(body)
        ) from exc


def _reported_usage(body: object) -> Usage | None:
    """The usage a body reports even when the rest of it is unusable (it counts for budgets)."""
    usage = body.get("usage") if isinstance(body, dict) else None
    if not isinstance(usage, dict):
        return None
    try:
        return Usage(
            prompt_tokens=usage.get("prompt_tokens") or 0,
            completion_tokens=usage.get("completion_tokens") or 0,
        )
    except ValueError:
        return None


def _env_proxy(url: URL) -> dict[str, Any]:
    """``proxy``/``proxy_auth`` for ``url`` from HTTP(S)_PROXY / NO_PROXY, as the SDK would use."""
    try:
        proxy, auth = get_env_proxy_for_url(url)
    except LookupError:  # no proxy for this scheme, or the host is in NO_PROXY
        return {}
    return {"proxy": proxy, "proxy_auth": auth}
