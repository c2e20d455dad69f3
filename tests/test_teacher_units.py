"""Units behind the teacher: retry policy, AIMD limit, token buckets, endpoint pool, cache, lock.

Fake clocks and fake sleeps keep these instant.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from pathlib import Path

import pytest

from synthgen.errors import LockHeldError, TeacherError, TransientTeacherError
from synthgen.io.lock import OutputLock
from synthgen.records import Completion, Usage
from synthgen.teacher.cache import ResponseCache, cache_key
from synthgen.teacher.endpoints import Endpoint, EndpointPool
from synthgen.teacher.limits import AdaptiveConcurrency, TokenBucket
from synthgen.teacher.wire import retry_after_seconds
from synthgen.teacher.retry import RetryPolicy


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
    for _ in range(20):  # a server at capacity
        limit.record(throttled=True)
    assert limit.limit <= 32
    low = limit.limit
    for _ in range(2000):
        limit.record(throttled=False)
    assert limit.limit > low and limit.limit == 64


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
