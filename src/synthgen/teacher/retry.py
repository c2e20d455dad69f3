"""The one retry policy for teacher calls: backoff with jitter, bounded twice.

Bounded in attempts (``max_retries``) and in total time spent waiting between attempts
(``max_wait``). Only :class:`TransientTeacherError` is retried; anything else propagates at once.

Waits: a server's ``Retry-After`` is waited exactly (not earlier: it would be refused again;
not later: the answer is at the head of the line). Otherwise (5xx, a dropped connection, a
timeout) the first wait is short, ``first``..2x``first`` (0.25-0.5 s), because such failures
are mostly one-offs and the request blocks the answers behind it; each later wait doubles,
up to ``max_backoff``. The jitter is a share of the wait, so requests that failed together
spread out at every step ("equal jitter", as in AWS's backoff study).

A plain loop: a first attempt that succeeds (most of them) costs one ``try``. (tenacity's
loop, used before, cost ~0.1-0.2 ms of CPU per call to set up, see benchmarks/RESULTS.md.)
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

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
        self._sleep = sleep or asyncio.sleep
        self._rng = rng or random.Random()

    def backoff(self, retry: int) -> float:
        """The wait before retry number ``retry`` (1, 2, ...) when the server named none."""
        base = self.first * 2 ** min(retry - 1, 30)
        return min(self.max_backoff, base * (1 + self._rng.random()))

    async def call(self, func: Callable[[], Awaitable[T]]) -> T:
        """Run ``func`` until it succeeds or the policy gives up (re-raising its last error)."""
        waited = 0.0
        retry = 0
        while True:
            try:
                return await func()
            except TransientTeacherError as exc:
                retry += 1
                wait = self.backoff(retry) if exc.retry_after is None else exc.retry_after
                # Give up when the retries are used, or the next wait would take the total
                # waiting past the bound.
                if retry > self.max_retries or waited + wait > self.max_wait:
                    raise
                if self._on_retry is not None:
                    self._on_retry(exc)
                await self._sleep(wait)
                waited += wait
