"""Client-side pacing: an adaptive in-flight limit (AIMD) and rpm/tpm token buckets."""

from __future__ import annotations

import asyncio
import collections
import time
from collections.abc import Callable


class AdaptiveConcurrency:
    """At most ``limit`` requests in flight; the limit adapts to throttling (AIMD).

    Additive increase: +1 after about ``limit`` successes. Multiplicative decrease: halve
    when more than ``throttle_share`` of the last ``window`` outcomes were 429s, at most once
    per window, so a few random 429s don't shrink it but a server at capacity does.
    (AIMD as in TCP congestion control, RFC 5681.)
    """

    def __init__(
        self, maximum: int, *, minimum: int = 1, window: int = 32, throttle_share: float = 0.2
    ) -> None:
        self.maximum = maximum
        self.minimum = minimum
        self.limit = float(maximum)
        self.in_flight = 0
        self.max_in_flight_seen = 0
        self._cond = asyncio.Condition()
        self._recent: collections.deque[bool] = collections.deque(maxlen=window)
        self._since_decrease = window
        self._throttle_share = throttle_share

    async def acquire(self) -> None:
        async with self._cond:
            await self._cond.wait_for(lambda: self.in_flight < int(self.limit))
            self.in_flight += 1
            self.max_in_flight_seen = max(self.max_in_flight_seen, self.in_flight)

    async def release(self) -> None:
        async with self._cond:
            self.in_flight -= 1
            # Wake only as many waiters as there are free slots: notify_all would wake every
            # queued request on each answer (O(queue) per answer).
            self._cond.notify(max(1, int(self.limit) - self.in_flight))

    def record(self, *, throttled: bool) -> None:
        """Feed one outcome (throttled = the server answered 429)."""
        self._recent.append(throttled)
        self._since_decrease += 1
        if throttled and len(self._recent) == self._recent.maxlen:  # judge full windows only
            share = sum(self._recent) / len(self._recent)
            if share > self._throttle_share and self._since_decrease >= len(self._recent):
                self.limit = max(float(self.minimum), self.limit / 2)
                self._since_decrease = 0
        else:
            self.limit = min(float(self.maximum), self.limit + 1 / self.limit)


class TokenBucket:
    """``per_minute`` units a minute, refilled continuously; ``acquire(n)`` waits for n.

    ``adjust(delta)`` corrects an estimate after the fact (may drive the level negative,
    which then delays later callers), e.g. from a completion's reported token usage.
    """

    def __init__(self, per_minute: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.level = float(per_minute)
        self._clock = clock
        self._stamp = clock()
        self._lock = asyncio.Lock()

    def _refill(self) -> None:
        now = self._clock()
        self.level = min(self.capacity, self.level + (now - self._stamp) * self.rate)
        self._stamp = now

    async def acquire(self, amount: float = 1.0) -> None:
        amount = min(amount, self.capacity)  # a single oversized request must still pass
        async with self._lock:  # FIFO: one waiter at a time
            self._refill()
            while self.level < amount:
                await asyncio.sleep((amount - self.level) / self.rate)
                self._refill()
            self.level -= amount

    def adjust(self, delta: float) -> None:
        self._refill()
        self.level = min(self.capacity, self.level - delta)
