"""What goes wrong and what gets counted: OpenAI-shaped errors, the seeded fault plan, ``/stats``.

:class:`APIError` answers as OpenAI does, in a :class:`JSONResponse` rendered by :func:`dumps`;
:class:`FaultPlan` draws each ``/v1`` request's fate (a :class:`Draw`) from one
``random.Random(--seed)``; :class:`Stats` holds the counters served at ``GET /stats``.
"""

from __future__ import annotations

import json
import math
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from starlette.responses import JSONResponse as StarletteJSONResponse

from synthgen.config import MockServerSettings
from synthgen.errors import UsageError


def dumps(data: Any) -> bytes:
    # ASCII escapes: CPython's encoder is a third faster on that path than with ensure_ascii=False.
    return json.dumps(data, separators=(",", ":")).encode()


class JSONResponse(StarletteJSONResponse):
    """Starlette's JSON response, rendered by :func:`dumps` (it is on every request's path)."""

    def render(self, content: Any) -> bytes:
        return dumps(content)


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


def retry_headers(seconds: float) -> dict[str, str]:
    # Retry-After must be whole seconds (RFC 9110); the openai SDK reads the exact value from
    # retry-after-ms when present.
    return {"retry-after": str(math.ceil(seconds)), "retry-after-ms": str(round(seconds * 1000))}


def drawn_error(status: str, retry_after: float) -> APIError:
    """The response for a drawn --error-rate-* fault."""
    if status == "429":
        return APIError(
            429, "Rate limit reached for requests (mock-teacher --error-rate-429).", "requests",
            code="rate_limit_exceeded", headers=retry_headers(retry_after),
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
    # Requests read but never answered (dropped, or left by a client that gave up while they
    # hung or waited out their latency), and what they could have cost: a real server may have
    # worked on them, and billed it. Budget tests hold a client to served + this.
    unanswered: int = 0
    unanswered_worst_tokens: int = 0

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
            "unanswered": {"requests": self.unanswered, "worst_tokens": self.unanswered_worst_tokens},
        }

    def reset(self) -> None:
        """Clear the counters; requests still in flight stay counted as in flight."""
        self.requests.clear()
        self.faults.clear()
        self.prompt_tokens = self.completion_tokens = 0
        self.unanswered = self.unanswered_worst_tokens = 0
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
