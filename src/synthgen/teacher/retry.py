"""The one retry policy for teacher calls (tenacity): backoff with jitter, bounded twice.

Bounded in attempts (``max_retries``) and in total time spent waiting between attempts
(``max_wait``). Only :class:`TransientTeacherError` is retried; anything else propagates at once.

Waits: a server's ``Retry-After`` is waited exactly (not earlier: it would be refused again;
not later: the answer is at the head of the line). Otherwise (5xx, a dropped connection, a
timeout) the first wait is short, ``first``..2x``first`` (0.25-0.5 s), because such failures
are mostly one-offs and the request blocks the answers behind it; each later wait doubles,
up to ``max_backoff``. The jitter is a share of the wait, so requests that failed together
spread out at every step ("equal jitter", as in AWS's backoff study).
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type

from synthgen.errors import TransientTeacherError

T = TypeVar("T")


class RetryPolicy:
    def __init__(
        self,
        *,
        max_retries: int,
        max_wait: float,
        first: float = 0.25,
        max_backoff: float = 20.0,
        on_retry: Callable[[TransientTeacherError], None] | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.max_retries = max_retries
        self.max_wait = max_wait
        self.first = first
        self.max_backoff = max_backoff
        self._on_retry = on_retry
        self._sleep = sleep
        self._rng = rng or random.Random()

    def backoff(self, retry: int) -> float:
        """The wait before retry number ``retry`` (1, 2, ...) when the server named none."""
        base = self.first * 2 ** min(retry - 1, 30)
        return min(self.max_backoff, base * (1 + self._rng.random()))

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, TransientTeacherError) and exc.retry_after is not None:
            return exc.retry_after
        return self.backoff(state.attempt_number)

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
        # The first attempt runs without tenacity: most calls succeed at once, and setting
        # up the retry loop cost ~0.1-0.2 ms of CPU per call (its coroutine checks). When it
        # fails, the loop starts with that failure as its own first attempt (replayed), so
        # the waits, counts and stops are the same as if it had run it.
        try:
            return await func()
        except TransientTeacherError as exc:
            failed: list[TransientTeacherError] = [exc]

        async def replay_then_call() -> T:
            if failed:
                raise failed.pop()
            return await func()

        return await self._retrying(replay_then_call)

    async def _retrying(self, func: Callable[[], Awaitable[T]]) -> T:
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
