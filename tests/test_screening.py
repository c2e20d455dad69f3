"""The candidate stages give the same results in-process and in a worker process."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from synthgen.config import FilterOptions
from synthgen.mock.teacher import mock_reply
from synthgen.screening import LocalScreener, Screened, Screener, WorkerScreener

SEEDS = ["Explain why the sky looks blue during the day.", "Name three uses of baking soda at home."]
PROMPT = "Write 20 new tasks, numbered 1 to 20."
COPIES = (
    "1. Instruction: Explain why the sky looks blue during the day.\n1. Input: <noinput>\n1. Output: Light.\n\n"
    "2. Instruction: EXPLAIN why the sky looks blue during the daytime!\n2. Input: <noinput>\n2. Output: Light."
)


async def _until(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    """Let the event loop run (the worker's results arrive through it) until ``condition`` holds."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition() and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.01)


def _kwargs(wanted: int = 10_000) -> dict[str, Any]:
    return {"threshold": 0.7, "filters": FilterOptions(), "pool": SEEDS, "keys": [], "wanted": wanted}


def _answers() -> list[tuple[str, bool]]:
    answers = [(mock_reply(PROMPT, seed=4, sample_index=i), False) for i in range(12)]
    answers.append((COPIES, False))
    answers.append((mock_reply(PROMPT, seed=4, sample_index=99), True))  # truncated: last item dropped
    answers.append((mock_reply(PROMPT, seed=4, sample_index=100), False))  # after the target
    return answers


def _kept_before_last_two() -> int:
    screener = Screener(**_kwargs())
    return sum(len(screener.screen(text, truncated=cut).kept) for text, cut in _answers()[:13])


async def _screen_all(kind: type[LocalScreener] | type[WorkerScreener], wanted: int) -> list[Screened]:
    results: list[Screened] = []
    errors: list[BaseException] = []
    screener = kind(results.append, errors.append, **_kwargs(wanted))
    await screener.start()
    try:
        for text, cut in _answers():  # all submitted before any result is read
            screener.submit(text, truncated=cut)
        await _until(lambda: len(results) == len(_answers()))
        assert errors == []
        return results
    finally:
        await screener.aclose()


def test_worker_and_local_screen_alike() -> None:
    wanted = _kept_before_last_two() + 3
    local = asyncio.run(_screen_all(LocalScreener, wanted))
    worker = asyncio.run(_screen_all(WorkerScreener, wanted))
    assert local == worker
    assert len(local) == len(_answers())
    assert sum(r.rejected.total() for r in local) > 0  # the mock's flawed items are caught
    copies = local[-3]
    assert copies.kept == [] and copies.duplicates_similar == 2
    capped = local[-2]
    assert len(capped.kept) == 3 and capped.truncated_dropped == 1
    assert local[-1].after_target and local[-1].kept == [] and local[-1].candidates == 0


async def _screen_huge_answers() -> list[Screened]:
    results: list[Screened] = []
    screener = WorkerScreener(results.append, lambda exc: None, **_kwargs())
    await screener.start()
    try:
        # Far more than a socket buffer in each direction: a blocking send on either side
        # would deadlock here.
        big = "".join(
            f"{i}. Instruction: Describe item number {i} of a long list.\n{i}. Input: <noinput>\n"
            f"{i}. Output: {'word ' * 2000}\n\n"
            for i in range(1, 41)
        )
        for _ in range(6):
            screener.submit(big, truncated=False)
        await _until(lambda: len(results) == 6)
        return results
    finally:
        await screener.aclose()


def test_worker_streams_answers_larger_than_the_pipe_buffers() -> None:
    results = asyncio.run(_screen_huge_answers())
    assert len(results) == 6
    assert results[0].candidates == 40 and results[0].kept


async def _dead_worker() -> list[BaseException]:
    errors: list[BaseException] = []
    screener = WorkerScreener(lambda result: None, errors.append, **_kwargs())
    await screener.start()
    try:
        screener._process.kill()
        screener.submit("1. Instruction: Name a colour.", truncated=False)
        await _until(lambda: bool(errors))
        return errors
    finally:
        await screener.aclose()


def test_a_dead_worker_is_reported_not_waited_for() -> None:
    errors = asyncio.run(_dead_worker())
    assert len(errors) == 1 and "screening worker process died" in str(errors[0])


async def _close_unstarted() -> tuple[bool, int | None]:
    # The pipeline starts the worker before building the teacher, which may fail (a bad
    # option, a missing SDK): the worker must then end without ever being started.
    screener = WorkerScreener(lambda result: None, lambda exc: None, **_kwargs())
    await screener.aclose()
    return screener._process.is_alive(), screener._process.exitcode


def test_a_worker_never_started_still_ends_on_close() -> None:
    alive, exitcode = asyncio.run(_close_unstarted())
    assert not alive and exitcode == 0
