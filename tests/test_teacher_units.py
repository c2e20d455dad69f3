"""Units behind the teacher: retry policy, AIMD limit, token buckets, endpoint pool, cache, lock.

Fake clocks and fake sleeps keep these instant.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import random
from pathlib import Path
from typing import Any

import pytest

from synthgen.errors import LockHeldError, TeacherError, TransientTeacherError
from synthgen.io.lock import OutputLock
from synthgen.records import Completion, Usage
from synthgen.teacher.cache import ResponseCache, cache_key
from synthgen.teacher.dispatch import PROBE_SECONDS, Budgets, Dispatcher, UsageMeter
from synthgen.teacher.endpoints import CONNECT_GRACE_SECONDS, Endpoint, EndpointPool
from synthgen.teacher.limits import AdaptiveConcurrency, TokenBucket
from synthgen.teacher.retry import RetryPolicy
from synthgen.teacher.wire import CannotConnect, retry_after_seconds


class FakeSleep:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def _flaky(failures: list[Exception], result: str = "ok"):
    calls = {"n": 0}

    async def func() -> str:
        calls["n"] += 1
        if failures:
            raise failures.pop(0)
        return result

    return func, calls


def test_retry_after_sets_the_wait_and_backoff_grows_otherwise() -> None:
    sleep = FakeSleep()
    policy = RetryPolicy(max_retries=5, max_wait=100, sleep=sleep)
    func, calls = _flaky(
        [TransientTeacherError("429", retry_after=1.0, status=429), TransientTeacherError("500"),
         TransientTeacherError("500")]
    )  # fmt: skip
    assert asyncio.run(policy.call(func)) == "ok"
    assert calls["n"] == 4
    assert sleep.waits[0] == 1.0
    assert sleep.waits[1] > 0 and all(w <= 20.5 for w in sleep.waits)


def test_retries_are_bounded_in_attempts_and_in_total_wait() -> None:
    sleep = FakeSleep()
    policy = RetryPolicy(max_retries=2, max_wait=100, sleep=sleep)
    func, calls = _flaky([TransientTeacherError("x")] * 10)
    with pytest.raises(TransientTeacherError):
        asyncio.run(policy.call(func))
    assert calls["n"] == 3  # first try + 2 retries

    sleep = FakeSleep()
    policy = RetryPolicy(max_retries=50, max_wait=2.5, sleep=sleep)
    func, calls = _flaky([TransientTeacherError("x", retry_after=1.0)] * 10)
    with pytest.raises(TransientTeacherError):
        asyncio.run(policy.call(func))
    assert sum(sleep.waits) <= 2.5 and calls["n"] == 3


def test_fatal_errors_are_not_retried() -> None:
    policy = RetryPolicy(max_retries=5, max_wait=100, sleep=FakeSleep())
    func, calls = _flaky([TeacherError("401")])
    with pytest.raises(TeacherError):
        asyncio.run(policy.call(func))
    assert calls["n"] == 1


def test_retry_after_headers() -> None:
    assert retry_after_seconds({"retry-after": "2"}) == 2.0
    assert retry_after_seconds({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    assert retry_after_seconds({}) is None
    assert retry_after_seconds({"retry-after": "soon"}) is None
    assert retry_after_seconds({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0


def test_aimd_ignores_sparse_429s_but_halves_on_bursts_and_recovers() -> None:
    limit = AdaptiveConcurrency(64, window=20, throttle_share=0.2)
    for i in range(200):  # 5% random 429s
        limit.record(throttled=i % 20 == 0)
    assert limit.limit == 64
    for _ in range(64):  # a server at capacity
        limit.record(throttled=True)
    assert limit.limit <= 32
    low = limit.limit
    for _ in range(2000):
        limit.record(throttled=False)
    assert limit.limit > low and limit.limit == 64


def test_aimd_ignores_the_random_429s_of_one_burst_of_answers() -> None:
    """A burst of 64 answers holding a few 429s close together is not a server at capacity."""
    limit = AdaptiveConcurrency(64)
    for _ in range(20):
        for i in range(64):  # each burst: 7 of its answers in a row are 429s, the rest fine
            limit.record(throttled=10 <= i < 17)
    assert limit.limit == 64


def test_adaptive_concurrency_bounds_in_flight() -> None:
    async def main() -> int:
        limit = AdaptiveConcurrency(3)

        async def work() -> None:
            await limit.acquire()
            await asyncio.sleep(0.001)
            await limit.release()

        await asyncio.gather(*(work() for _ in range(20)))
        return limit.max_in_flight_seen

    assert asyncio.run(main()) == 3


def test_token_bucket_waits_for_refill_and_takes_corrections() -> None:
    now = {"t": 0.0}
    bucket = TokenBucket(60, clock=lambda: now["t"])  # one unit a second

    async def main() -> None:
        for _ in range(60):
            await bucket.acquire(1)
        assert bucket.level == 0

    asyncio.run(main())
    now["t"] = 10.0
    bucket.adjust(5)  # the estimate was 5 too low
    bucket._refill()
    assert bucket.level == pytest.approx(5.0)


def test_endpoint_pool_prefers_least_loaded_and_rests_failing_ones() -> None:
    now = {"t": 0.0}
    a, b = Endpoint("a", teacher=None), Endpoint("b", teacher=None)  # type: ignore[arg-type]
    pool = EndpointPool([a, b], failures_to_rest=2, first_rest=5, clock=lambda: now["t"])
    a.in_flight = 3
    assert pool.pick() is b
    pool.failed(b, TransientTeacherError("HTTP 500", status=500))
    pool.failed(b, TransientTeacherError("HTTP 500", status=500))
    assert pool.pick() is a  # b rests
    now["t"] = 6.0
    assert pool.pick() is b  # rested long enough; tried again
    b.rested_until = a.rested_until = 100.0
    assert pool.pick() in (a, b)  # all resting: still answers


def _completion(text: str) -> Completion:
    return Completion(text=text, usage=Usage(prompt_tokens=1, completion_tokens=2), model="m")


def test_cache_roundtrip_and_key_material(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path / "c.sqlite3")
    key = cache_key(model="m", endpoints=["u"], messages=[{"role": "user", "content": "x"}],
                    sampling={"temperature": 1}, sample_index=0)  # fmt: skip
    other = cache_key(model="m", endpoints=["u"], messages=[{"role": "user", "content": "x"}],
                      sampling={"temperature": 1}, sample_index=1)  # fmt: skip
    assert key != other
    assert cache.get(key) is None
    cache.put(key, _completion("hello"))
    hit = cache.get(key)
    assert hit is not None and hit.text == "hello" and hit.cached
    thought = _completion("4").model_copy(update={"reasoning": "2 + 2 = 4", "finish_reason": "length"})
    cache.put(other, thought)
    assert cache.get(other) == thought.model_copy(update={"cached": True})  # the whole completion
    cache.close()


def _writer(path: str, start: int) -> None:
    cache = ResponseCache(Path(path))
    for i in range(start, start + 200):
        cache.put(f"k{i}", _completion(f"v{i}"))
    cache.close()


def test_two_processes_share_one_cache(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.sqlite3")
    procs = [multiprocessing.Process(target=_writer, args=(path, s)) for s in (0, 200)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(30)
        assert p.exitcode == 0
    cache = ResponseCache(Path(path))
    assert all(cache.get(f"k{i}") is not None for i in range(400))


def test_output_lock_is_exclusive_and_names_the_holder(tmp_path: Path) -> None:
    first, second = OutputLock(tmp_path / "o.lock"), OutputLock(tmp_path / "o.lock")
    first.acquire()
    with pytest.raises(LockHeldError, match=r"PID \d+"):
        second.acquire()
    first.release()
    second.acquire()
    second.release()


# --- the retry tail ---------------------------------------------------------------------------


class FixedRandom(random.Random):
    """random() always returns ``value``: the jitter's two extremes."""

    def __init__(self, value: float) -> None:
        super().__init__(0)
        self.value = value

    def random(self) -> float:
        return self.value


def test_backoff_starts_at_a_quarter_to_half_second_and_doubles_to_the_cap() -> None:
    low = RetryPolicy(max_retries=9, max_wait=100, rng=FixedRandom(0.0))
    high = RetryPolicy(max_retries=9, max_wait=100, rng=FixedRandom(0.999999))
    assert [low.backoff(n) for n in range(1, 9)] == [0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 20.0]
    assert [round(high.backoff(n), 3) for n in range(1, 7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0]
    seeded = RetryPolicy(max_retries=9, max_wait=100, rng=random.Random(5))
    for n in range(1, 7):  # jitter is a share of the wait: [base, 2 x base]
        assert 0.25 * 2 ** (n - 1) <= seeded.backoff(n) <= 0.5 * 2 ** (n - 1)


def test_policy_waits_the_backoff_for_5xx_and_drops_and_retry_after_exactly() -> None:
    sleep = FakeSleep()
    policy = RetryPolicy(max_retries=9, max_wait=100, sleep=sleep, rng=FixedRandom(0.5))
    func, calls = _flaky([
        TransientTeacherError("HTTP 500", status=500),
        TransientTeacherError("connection to x failed: dropped"),
        TransientTeacherError("HTTP 429", retry_after=1.0, status=429),
        TransientTeacherError("HTTP 429", retry_after=0.0, status=429),
        TransientTeacherError("HTTP 503", retry_after=7.25, status=503),
        TransientTeacherError("HTTP 502", status=502),
    ])  # fmt: skip
    assert asyncio.run(policy.call(func)) == "ok" and calls["n"] == 7
    # backoff for retry 1 and 2, the server's waits as given, then backoff for retry 6
    assert sleep.waits == [0.375, 0.75, 1.0, 0.0, 7.25, 12.0]


class FakeTeacher:
    """Answers from a script: an exception is raised, a string becomes a completion."""

    def __init__(self, script: list[Exception | str]) -> None:
        self.script = script
        self.calls = 0

    async def complete(self, messages: Any, *, sample_index: int, extra_body: Any = None) -> Completion:
        self.calls += 1
        step = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        if isinstance(step, Exception):
            raise step
        return _completion(step)

    async def aclose(self) -> None:
        pass


def _dispatcher(teacher: FakeTeacher, sleep: Any, *, slots: int = 1, clock: Any = None) -> Dispatcher:
    pool = EndpointPool([Endpoint("http://t/v1", teacher)], **({"clock": clock} if clock else {}))
    return Dispatcher(
        pool=pool, policy=RetryPolicy(max_retries=20, max_wait=100, sleep=sleep),
        concurrency=AdaptiveConcurrency(slots), meter=UsageMeter(), budgets=Budgets(), max_tokens=10,
    )  # fmt: skip


def test_a_request_holds_no_slot_while_it_waits_to_retry() -> None:
    held_while_waiting: list[int] = []

    async def sleep(seconds: float) -> None:
        held_while_waiting.append(dispatcher.concurrency.in_flight)

    teacher = FakeTeacher([TransientTeacherError("HTTP 500", status=500), "ok"])
    dispatcher = _dispatcher(teacher, sleep)
    completion = asyncio.run(dispatcher.complete([], sample_index=0))
    assert completion.text == "ok" and teacher.calls == 2
    assert held_while_waiting == [0]


def test_freed_slots_go_to_the_oldest_request_first() -> None:
    async def main() -> list[int]:
        limit = AdaptiveConcurrency(1)
        await limit.acquire(priority=0)
        order: list[int] = []

        async def wait(priority: int) -> None:
            await limit.acquire(priority=priority)
            order.append(priority)

        tasks = [asyncio.ensure_future(wait(p)) for p in (7, 3, 9, 1)]
        await asyncio.sleep(0)
        for _ in tasks:
            await limit.release()
            await asyncio.sleep(0)
        await asyncio.gather(*tasks)
        return order

    assert asyncio.run(main()) == [1, 3, 7, 9]


def test_a_cancelled_waiter_never_keeps_a_slot() -> None:
    async def main() -> tuple[int, int]:
        limit = AdaptiveConcurrency(1)
        await limit.acquire()
        queued = asyncio.ensure_future(limit.acquire(priority=5))
        handed = asyncio.ensure_future(limit.acquire(priority=1))
        await asyncio.sleep(0)
        queued.cancel()  # cancelled while waiting
        await limit.release()  # the slot is handed to `handed`...
        handed.cancel()  # ...which is cancelled before it resumes
        await asyncio.gather(queued, handed, return_exceptions=True)
        after_cancel = limit.in_flight
        await asyncio.wait_for(limit.acquire(), 1)  # the slot is free again
        return after_cancel, limit.in_flight

    assert asyncio.run(main()) == (0, 1)


# --- an unreachable teacher -------------------------------------------------------------------


def _refused() -> CannotConnect:
    return CannotConnect("http://127.0.0.1:1/v1", "connection refused", "is the server running?")


def test_pool_is_unreachable_only_if_nothing_ever_answered_for_the_grace_period() -> None:
    now = {"t": 0.0}
    a, b = Endpoint("a", teacher=None), Endpoint("b", teacher=None)  # type: ignore[arg-type]
    pool = EndpointPool([a, b], connect_grace=5, clock=lambda: now["t"])
    pool.failed(a, _refused())
    assert not pool.unreachable(grace=False)  # b has not failed to connect
    pool.failed(b, _refused())
    assert pool.unreachable(grace=False) and not pool.unreachable()
    now["t"] = 5.0
    assert pool.unreachable()
    pool.failed(b, TransientTeacherError("HTTP 503", status=503))  # an error status is an answer
    assert not pool.unreachable() and pool.ever_answered
    pool.failed(b, _refused())
    assert not pool.unreachable()  # it answered once: a later refusal is a hiccup, retried


def test_unreachable_teacher_is_fatal_after_probing_for_the_grace_period() -> None:
    now = {"t": 0.0}
    waits: list[float] = []

    async def sleep(seconds: float) -> None:  # simulated time: the waits move the pool's clock
        waits.append(seconds)
        now["t"] += seconds

    teacher = FakeTeacher([_refused()])
    dispatcher = _dispatcher(teacher, sleep, clock=lambda: now["t"])
    with pytest.raises(TeacherError) as info:
        asyncio.run(dispatcher.complete([], sample_index=0))
    assert not isinstance(info.value, TransientTeacherError)
    assert (
        str(info.value)
        == "cannot connect to http://127.0.0.1:1/v1: connection refused — is the server running?"
    )
    assert waits == [PROBE_SECONDS] * 5 and now["t"] == CONNECT_GRACE_SECONDS  # probed each second
    assert dispatcher.meter.failures_by_kind == {"cannot_connect": 6}
