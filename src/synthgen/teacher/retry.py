"""The one retry policy for teacher calls (tenacity): backoff with jitter, bounded twice.

Bounded in attempts (``max_retries``) and in total time spent waiting between attempts
(``max_wait``); a server's ``Retry-After`` replaces the backoff when it is given.
Only :class:`TransientTeacherError` is retried; anything else propagates at once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    wait_exponential_jitter,
)

from synthgen.errors import TransientTeacherError

T = TypeVar("T")


class RetryPolicy:
    def __init__(
        self,
        *,
        max_retries: int,
        max_wait: float,
        initial: float = 0.5,
        max_backoff: float = 20.0,
        on_retry: Callable[[TransientTeacherError], None] | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        self.max_retries = max_retries
        self.max_wait = max_wait
        self._backoff = wait_exponential_jitter(multiplier=initial, max=max_backoff, jitter=initial)
        self._on_retry = on_retry
        self._sleep = sleep

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, TransientTeacherError) and exc.retry_after is not None:
            return exc.retry_after
        return self._backoff(state)

    def _stop(self, state: RetryCallState) -> bool:
        if state.attempt_number > self.max_retries:
            return True
        # Stop when the next wait would take the total waiting past the bound.
        # (tenacity computes the wait before asking whether to stop.)
        return state.idle_for + state.upcoming_sleep > self.max_wait

    def _before_sleep(self, state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        if self._on_retry and isinstance(exc, TransientTeacherError):
            self._on_retry(exc)

    async def call(self, func: Callable[[], Awaitable[T]]) -> T:
        """Run ``func`` until it succeeds or the policy gives up (re-raising its last error)."""
        kwargs = {"sleep": self._sleep} if self._sleep else {}
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(TransientTeacherError),
            wait=self._wait,
            stop=self._stop,
            before_sleep=self._before_sleep,
            reraise=True,
            **kwargs,
        )
        async for attempt in retrying:
            with attempt:
                return await func()
        raise AssertionError("unreachable: tenacity either returns or re-raises")
