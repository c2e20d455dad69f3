"""``synthgen check``: is the key, the base URL and the model right? One control-plane call.

Lists the endpoint's models with the openai SDK (the control plane stays on the SDK; only chat
completions use the raw hot path). The listing alone proves the URL answers and the key is
accepted; the model is then looked for in it. A server that serves models it does not list
(aliases, routers, the mock) is asked about that one model in a second call.
"""

from __future__ import annotations

import difflib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import openai

from synthgen.config import TeacherOptions
from synthgen.errors import TeacherError
from synthgen.teacher.build import read_api_key
from synthgen.teacher.openai_teacher import DEFAULT_BASE_URL
from synthgen.teacher.wire import connect_failure, error_detail, status_error

T = TypeVar("T")

# A check should answer in seconds, whatever --request-timeout a long generation needs.
CHECK_TIMEOUT_SECONDS = 20.0
SHOWN_MODELS = 5


@dataclass(frozen=True)
class CheckResult:
    url: str
    model: str
    listed: int  # how many models the endpoint lists
    seconds: float

    def summary(self) -> str:
        return (
            f"ok: {self.url} answers, accepts the key and serves model '{self.model}' "
            f"({self.listed} models listed, {self.seconds * 1000:.0f} ms)"
        )


def check_teacher(settings: TeacherOptions) -> list[CheckResult]:
    """Check every ``--base-url`` (OpenAI's when none); raises TeacherError with the fix."""
    model = settings.model or ""
    key = read_api_key(settings)
    timeout = min(settings.request_timeout, CHECK_TIMEOUT_SECONDS)
    return [
        check_endpoint(url, model, key, key_env=settings.api_key_env, timeout=timeout)
        for url in settings.base_url or [DEFAULT_BASE_URL]
    ]


def check_endpoint(url: str, model: str, key: str, *, key_env: str, timeout: float) -> CheckResult:
    """One endpoint's check; the SDK reads OPENAI_ORG_ID / OPENAI_PROJECT_ID as the hot path does."""
    started = time.perf_counter()
    with openai.OpenAI(base_url=url, api_key=key, max_retries=0, timeout=timeout) as client:
        call = _Caller(url, model, key_env, timeout)
        listed = call(lambda: [m.id for m in client.models.list()], listed=None)
        if model not in listed:
            call(lambda: client.models.retrieve(model), listed=listed)  # served, not listed?
    return CheckResult(url, model, len(listed), time.perf_counter() - started)


@dataclass(frozen=True)
class _Caller:
    """Runs one SDK call, turning its failures into one-line TeacherErrors that say the fix."""

    url: str
    model: str
    key_env: str
    timeout: float

    def __call__(self, func: Callable[[], T], *, listed: list[str] | None) -> T:
        try:
            return func()
        except openai.NotFoundError as exc:
            raise _not_found(self.url, self.model, listed) from exc
        except openai.APIStatusError as exc:
            raise _status(self.url, self.model, self.key_env, exc) from exc
        except openai.APITimeoutError as exc:
            cannot = connect_failure(self.url, exc)
            raise cannot or TeacherError(f"{self.url} did not answer within {self.timeout:g} s") from exc
        except openai.APIConnectionError as exc:
            cannot = connect_failure(self.url, exc)
            raise cannot or TeacherError(f"cannot reach {self.url}: {exc}") from exc


def _not_found(url: str, model: str, listed: list[str] | None) -> TeacherError:
    if listed is None:  # the listing itself is not there: wrong path
        return TeacherError(
            f"{url} has no /models endpoint (HTTP 404): check --base-url "
            "(OpenAI-compatible servers usually end in /v1)"
        )
    if not listed:
        return TeacherError(f"model '{model}' not found at {url}, which lists no models")
    close = difflib.get_close_matches(model, listed, n=SHOWN_MODELS, cutoff=0.4)
    shown = close + [m for m in sorted(listed) if m not in close][: SHOWN_MODELS - len(close)]
    more = f" and {len(listed) - len(shown)} more" if len(listed) > len(shown) else ""
    return TeacherError(
        f"model '{model}' not found at {url}: pass one it serves with --model, e.g. "
        + ", ".join(shown)
        + more
    )


def _status(url: str, model: str, key_env: str, exc: openai.APIStatusError) -> TeacherError:
    error = status_error(
        exc.status_code, exc.response.headers, exc.body, where=url, model=model, key_env=key_env
    )
    if type(error) is TeacherError:
        return error
    # A retryable status (429, 5xx): the server is there but not well; a check does not retry.
    detail = error_detail(exc.body, str(exc.message))
    return TeacherError(f"{url} answered HTTP {exc.status_code}: {detail} (try again shortly)")
