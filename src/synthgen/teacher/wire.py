"""What goes over the wire to an OpenAI-compatible server, and what its failures mean.

Shared by the chat-completions hot path (:mod:`synthgen.teacher.openai_teacher`, raw aiohttp)
and the control-plane preflight (:mod:`synthgen.commands.check`, the openai SDK), so both
send the same headers and tell a user the same thing about the same failure.
"""

from __future__ import annotations

import email.utils
import json
import os
import socket
import ssl
import time
from collections.abc import Mapping

from synthgen import __version__
from synthgen.errors import TeacherError, TransientTeacherError

# Statuses that say "try again" (RFC 9110 and OpenAI's error-code guide): throttling,
# request timeout, conflict, and any server-side failure (>= 500).
RETRYABLE_STATUSES = frozenset({408, 409, 429})

# The environment variables the openai SDK reads for these headers when none is passed.
ORG_ENV, PROJECT_ENV = "OPENAI_ORG_ID", "OPENAI_PROJECT_ID"


class CannotConnect(TransientTeacherError):
    """No connection could be made (refused, DNS, TLS, connect timeout): nothing was sent.

    Transient, because a server may still be starting; :mod:`synthgen.teacher.dispatch` turns it
    into a fatal :class:`TeacherError` when no endpoint has ever answered.
    """

    def __init__(self, url: str, reason: str, hint: str) -> None:
        super().__init__(f"cannot connect to {url}: {reason} — {hint}")
        self.url, self.reason, self.hint = url, reason, hint


class RequestTimeout(TransientTeacherError):
    """The server took longer than ``--request-timeout`` to answer (it may still be working)."""


def request_headers(api_key: str) -> dict[str, str]:
    """The headers the openai SDK sends on a JSON POST, minus its own telemetry (x-stainless-*).

    Host, Content-Length and Accept-Encoding (gzip, deflate) are the HTTP client's to add.
    """
    headers = {
        "Authorization": f"Bearer {api_key}",
        "Accept": "application/json",
        "Content-Type": "application/json",
        "User-Agent": f"synthgen/{__version__}",
        "Connection": "keep-alive",
    }
    if org := os.environ.get(ORG_ENV):
        headers["OpenAI-Organization"] = org
    if project := os.environ.get(PROJECT_ENV):
        headers["OpenAI-Project"] = project
    return headers


def retry_after_seconds(headers: Mapping[str, str] | object) -> float | None:
    """The server's wait from ``retry-after-ms`` or ``retry-after`` (seconds or HTTP date)."""
    get = getattr(headers, "get", None)
    if get is None:
        return None
    millis = get("retry-after-ms")
    if millis is not None:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, parsed.timestamp() - time.time())


def error_detail(body: object, fallback: str = "") -> str:
    """The ``error.message`` of an OpenAI-shaped error body (bytes, str or parsed), cut short."""
    if isinstance(body, (bytes, str)):
        try:
            body = json.loads(body)
        except ValueError:
            text = body.decode(errors="replace") if isinstance(body, bytes) else body
            return text.strip()[:200] or fallback
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])[:200]
    return fallback[:200]


def status_error(
    status: int, headers: object, body: object, *, where: str, model: str, key_env: str
) -> TeacherError:
    """An HTTP error status as ours: retryable ones transient (with the server's wait), others fatal."""
    if status in RETRYABLE_STATUSES or status >= 500:
        return TransientTeacherError(
            f"HTTP {status} from {where}", retry_after=retry_after_seconds(headers), status=status
        )
    detail = error_detail(body, f"HTTP {status}")
    if status < 400:
        location = getattr(headers, "get", lambda _: None)("location") or "elsewhere"
        return TeacherError(f"{where} redirects (HTTP {status}) to {location}: pass that as --base-url")
    if status == 401:
        return TeacherError(f"authentication failed at {where}: check the key in ${key_env}")
    if status == 403:
        return TeacherError(f"permission denied at {where} for model '{model}': {detail}")
    if status == 404:
        return TeacherError(f"model '{model}' not found at {where} (check --model and --base-url): {detail}")
    return TeacherError(f"the teacher at {where} rejected the request (HTTP {status}): {detail}")


def connect_failure(url: str, exc: BaseException) -> CannotConnect | None:
    """``exc`` (or an error in its cause chain) as a :class:`CannotConnect`, if it is one.

    Told apart by the OS-level error under whichever client raised it: TLS, DNS, refused,
    connect timeout. Anything else (a dropped connection, a read timeout) returns None.
    """
    for err in _chain(exc):
        if isinstance(err, ssl.SSLCertVerificationError):
            reason = f"TLS certificate not accepted ({err.verify_message or err.reason})"
            return CannotConnect(url, reason, "check the server's certificate")
        if isinstance(err, ssl.SSLError):
            reason = f"TLS handshake failed ({err.reason or err})"
            return CannotConnect(url, reason, "does the server speak https? (http:// for plain servers)")
        if isinstance(err, socket.gaierror):
            return CannotConnect(url, "host name not found (DNS)", "check the host in --base-url")
        if isinstance(err, ConnectionRefusedError):
            return CannotConnect(url, "connection refused", "is the server running?")
    return None


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc`` with its causes and contexts, outermost first; aiohttp's wrappers replaced by
    the ``os_error`` they hold (a wrapper may pass isinstance checks without the attributes)."""
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo:
        err = todo.pop(0)
        if err is None or any(err is s for s in seen):
            continue
        inner = getattr(err, "os_error", None)
        if isinstance(inner, BaseException):
            todo.insert(0, inner)
            continue
        seen.append(err)
        todo += [err.__cause__, err.__context__]
    return seen
