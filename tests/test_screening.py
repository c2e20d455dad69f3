"""The self-instruct screen gives the same verdicts in-process and in worker processes
(one, or readers and a decider: ``--screen-workers``)."""

from __future__ import annotations

import asyncio
import functools
import subprocess
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from synthgen.config import FilterOptions
from synthgen.engine.recipe import Answer, Verdict
from synthgen.engine.screening import LocalScreening, WorkerScreening
from synthgen.mock.teacher import mock_reply
from synthgen.recipes.self_instruct import SelfInstructScreenFactory

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


FACTORY = SelfInstructScreenFactory(threshold=0.7, filters=FilterOptions(), pool=SEEDS, keys=[])
Screening = type[LocalScreening] | type[WorkerScreening]


def _answer(text: str, *, cut: bool = False, index: int = 0) -> Answer:
    return Answer(index, text, "length" if cut else "stop")


def _answers() -> list[Answer]:
    answers = [_answer(mock_reply(PROMPT, seed=4, sample_index=i), index=i) for i in range(12)]
    answers.append(_answer(COPIES, index=12))
    answers.append(
        _answer(mock_reply(PROMPT, seed=4, sample_index=99), cut=True, index=13)
    )  # last item dropped
    answers.append(_answer(mock_reply(PROMPT, seed=4, sample_index=100), index=14))  # after the target
    return answers


def _kept_before_last_two() -> int:
    screen = FACTORY()
    return sum(len(screen.screen(answer, 10_000).kept) for answer in _answers()[:13])


async def _screen_all(kind: Screening, wanted: int | None, workers: int = 1) -> list[Verdict]:
    results: list[Verdict] = []
    errors: list[BaseException] = []
    screener = kind(FACTORY, wanted, results.append, errors.append, workers=workers)
    await screener.start()
    try:
        for answer in _answers():  # all submitted before any result is read
            screener.submit(answer)
        await _until(lambda: len(results) == len(_answers()))
        assert errors == []
        return results
    finally:
        await screener.aclose()


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_worker_and_local_screen_alike(workers: int) -> None:
    wanted = _kept_before_last_two() + 3
    local = asyncio.run(_screen_all(LocalScreening, wanted))
    worker = asyncio.run(_screen_all(WorkerScreening, wanted, workers))
    assert local == worker
    assert len(local) == len(_answers())
    assert sum(r.rejected.total() for r in local) > 0  # the mock's flawed items are caught
    copies = local[-3]
    assert copies.kept == [] and copies.counts["duplicates_similar"] == 2
    capped = local[-2]
    assert len(capped.kept) == 3 and capped.counts["truncated_dropped"] == 1
    assert (
        capped.unused_after_target
        == capped.candidates
        - 3
        - capped.rejected.total()
        - capped.counts["duplicates_exact"]
        - capped.counts["duplicates_similar"]
    )
    last = local[-1]
    # Past the target an answer is still parsed, so that its candidates are counted as unused.
    assert last.after_target and last.kept == [] and last.candidates == last.unused_after_target > 0


def test_every_candidate_is_counted_once() -> None:
    for verdict in asyncio.run(_screen_all(LocalScreening, _kept_before_last_two() + 3)):
        judged = (
            len(verdict.kept)
            + verdict.rejected.total()
            + verdict.counts["duplicates_exact"]
            + verdict.counts["duplicates_similar"]
        )
        assert verdict.candidates == judged + verdict.unused_after_target


async def _screen_huge_answers(workers: int) -> list[Verdict]:
    results: list[Verdict] = []
    screener = WorkerScreening(FACTORY, None, results.append, lambda exc: None, workers=workers)
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
            screener.submit(_answer(big))
        await _until(lambda: len(results) == 6)
        return results
    finally:
        await screener.aclose()


@pytest.mark.parametrize("workers", [1, 3])
def test_worker_streams_answers_larger_than_the_pipe_buffers(workers: int) -> None:
    results = asyncio.run(_screen_huge_answers(workers))
    assert len(results) == 6
    assert results[0].candidates == 40 and results[0].kept


async def _dead_worker(workers: int, killed: int) -> tuple[list[BaseException], int]:
    errors: list[BaseException] = []
    results: list[Verdict] = []
    screener = WorkerScreening(FACTORY, None, results.append, errors.append, workers=workers)
    await screener.start()
    try:
        screener._processes[killed].kill()
        for index in range(4):  # the next answers go to every worker, the dead one included
            screener.submit(_answer(mock_reply(PROMPT, seed=4, sample_index=index), index=index))
        await _until(lambda: bool(errors))
        return errors, len(results)
    finally:
        await screener.aclose()


# (workers, which process is killed: 0 the one screening or deciding, then the readers)
@pytest.mark.parametrize(("workers", "killed"), [(1, 0), (3, 0), (3, 1), (3, 2)])
def test_a_dead_worker_is_reported_not_waited_for(workers: int, killed: int) -> None:
    errors, verdicts = asyncio.run(_dead_worker(workers, killed))
    assert len(errors) == 1 and "screening worker process died" in str(errors[0])
    name = "synthgen-screen" if killed == 0 else f"synthgen-screen-read-{killed}"
    assert f"({name}, killed by signal 9)" in str(errors[0])
    assert verdicts < 4


async def _close_unstarted(workers: int) -> list[int | None]:
    # The pipeline starts the worker before building the teacher, which may fail (a bad
    # option, a missing SDK): the worker must then end without ever being started.
    screener = WorkerScreening(FACTORY, None, lambda result: None, lambda exc: None, workers=workers)
    await screener.aclose()
    return [process.exitcode for process in screener._processes]


@pytest.mark.parametrize("workers", [1, 3])
def test_a_worker_never_started_still_ends_on_close(workers: int) -> None:
    assert asyncio.run(_close_unstarted(workers)) == [0] * workers


class _WholeScreen:
    """A factory whose screen does not split (no ``preparer``): one worker, whatever is asked."""

    def __call__(self) -> Any:
        return FACTORY()


def test_a_screen_that_does_not_split_runs_in_one_worker() -> None:
    results: list[Verdict] = []
    screening = functools.partial(WorkerScreening, _WholeScreen(), None, results.append, lambda exc: None)

    async def run() -> int:
        screener = screening(workers=3)
        await screener.start()
        try:
            screener.submit(_answers()[0])
            await _until(lambda: bool(results))
            return len(screener._processes)
        finally:
            await screener.aclose()

    assert asyncio.run(run()) == 1 and results[0].kept


def test_the_worker_does_not_rerun_a_console_script(tmp_path: Path) -> None:
    """Started from a script with a path (the `synthgen` console script), the worker must not
    run it again (it imports the whole CLI): spawn is given no main script to re-run."""
    from multiprocessing import spawn

    from synthgen.processes import main_not_rerun

    script = types.ModuleType("__main__")
    script.__file__ = str(tmp_path / "synthgen")  # as a console script: a path, no __spec__
    script.__spec__ = None
    real = sys.modules["__main__"]
    sys.modules["__main__"] = script
    try:
        assert "init_main_from_path" in spawn.get_preparation_data("synthgen-screen")
        with main_not_rerun():
            data = spawn.get_preparation_data("synthgen-screen")
            assert "init_main_from_path" not in data and "init_main_from_name" not in data
        assert sys.modules["__main__"] is script
    finally:
        sys.modules["__main__"] = real


def test_a_worker_started_from_a_console_script_screens(tmp_path: Path, mock_server: Any) -> None:
    """The same, end to end: `synthgen generate` over HTTP through a console-script launcher."""
    launcher = tmp_path / "synthgen"
    launcher.write_text(
        "import sys\nfrom synthgen.cli import main\nif __name__ == '__main__':\n    sys.exit(main())\n"
    )
    out = tmp_path / "out.jsonl"
    done = subprocess.run(
        [sys.executable, str(launcher), "generate", "--base-url", mock_server().url, "--model", "mock",
         "--num", "30", "-o", str(out), "--no-cache", "--quiet"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert len(out.read_text().splitlines()) == 30
