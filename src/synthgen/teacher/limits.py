"""Client-side pacing: an adaptive in-flight limit (AIMD) and rpm/tpm token buckets."""

from __future__ import annotations

import asyncio
import collections
import heapq
import itertools
import time
from collections.abc import Callable


class AdaptiveConcurrency:
    """At most ``limit`` requests in flight; the limit adapts to throttling (AIMD).

    Additive increase: +1 after about ``limit`` successes. Multiplicative decrease: halve
    when more than ``throttle_share`` of the last ``window`` outcomes (at least ``maximum``
    of them) were 429s, at most once per window, so a few random 429s don't shrink it but a
    server at capacity does.
    (AIMD as in TCP congestion control, RFC 5681.)

    A freed slot goes to the waiter with the lowest ``priority`` (the request index): answers
    are judged in request order, so a request coming back from a retry wait must not queue
    behind newer ones.
    """

    def __init__(
        self, maximum: int, *, minimum: int = 1, window: int = 32, throttle_share: float = 0.2
    ) -> None:
        self.maximum = maximum
        self.minimum = minimum
        self.limit = float(maximum)
        self.in_flight = 0
        self.max_in_flight_seen = 0
        self._waiters: list[tuple[int, int, asyncio.Future[None]]] = []  # a heap
        self._arrivals = itertools.count()  # ties: first come, first served
        # The window spans at least one round of the full concurrency (as TCP reacts once per
        # round trip): with a window smaller than the requests in flight, the few random 429s
        # of one burst of answers (a real API's, or the mock's --error-rate-429) looked like
        # throttling and halved the limit, measured here at -2 s on a 5 s run.
        self._recent: collections.deque[bool] = collections.deque(maxlen=max(window, maximum))
        self._since_decrease = window
        self._throttle_share = throttle_share

    async def acquire(self, priority: int = 0) -> None:
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (priority, next(self._arrivals), future))
        self._hand_over()
        if future.done():  # a slot was free
            return
        try:
            await future  # resolved by _hand_over, which takes the slot for us
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():  # handed a slot, then cancelled
                self._give_back()
            raise

    async def release(self) -> None:
        self._give_back()

    def _take(self) -> None:
        self.in_flight += 1
        self.max_in_flight_seen = max(self.max_in_flight_seen, self.in_flight)

    def _give_back(self) -> None:
        self.in_flight -= 1
        self._hand_over()

    def _hand_over(self) -> None:
        """Give free slots to the best waiters (cancelled ones are dropped on the way)."""
        while self._waiters and self.in_flight < int(self.limit):
            future = heapq.heappop(self._waiters)[2]
            if not future.done():
                self._take()
                future.set_result(None)

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
            self._hand_over()


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
