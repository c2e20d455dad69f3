"""The screening worker's messaging alone: parent CPU per answer sent to the worker and verdict read back.

Runs the real :class:`synthgen.engine.screening.WorkerScreening` with a screen that does no work
(``pipe_echo.py``): answers of ``--size`` bytes (8.5 KB, a 20-task mock answer) are submitted in
bursts of ``--burst`` (as answers arrive at the engine) and each verdict (~4 KB of kept rows) is
read back. Prints the parent's CPU (all its threads) and wall time per answer, so that two
implementations of the messaging can be compared on the same machine:

    python benchmarks/worker_pipe.py --answers 20000
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from pipe_echo import EchoFactory

from synthgen.engine.recipe import Answer
from synthgen.engine.screening import WorkerScreening


async def one_run(answers: int, size: int, burst: int) -> tuple[float, float]:
    done = asyncio.Event()
    got = 0

    def on_result(verdict: object) -> None:
        nonlocal got
        got += 1
        if got == answers:
            done.set()

    def on_error(exc: BaseException) -> None:
        raise exc

    screening = WorkerScreening(EchoFactory(), None, on_result, on_error)
    await screening.start()
    text = ("x" * 79 + "\n") * (size // 80)
    # warm-up: the worker's start-up is not what is measured
    screening.submit(Answer(-1, text, "stop", None, None, None))
    while got < 1:
        await asyncio.sleep(0.01)
    got = 0
    cpu, wall = time.process_time(), time.perf_counter()
    for start in range(0, answers, burst):
        for index in range(start, min(answers, start + burst)):
            screening.submit(Answer(index, text, "stop", None, None, None))
        await asyncio.sleep(0)  # let the loop read results between bursts
    await done.wait()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    await screening.aclose()
    return cpu / answers * 1e6, wall / answers * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--answers", type=int, default=20000)
    parser.add_argument("--size", type=int, default=8500)
    parser.add_argument("--burst", type=int, default=16)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    cpus, walls = [], []
    for _ in range(args.runs):
        cpu, wall = asyncio.run(one_run(args.answers, args.size, args.burst))
        cpus.append(cpu)
        walls.append(wall)
    print(f"parent CPU per answer: median {statistics.median(cpus):.1f} us (runs: {', '.join(f'{c:.1f}' for c in cpus)})")
    print(f"wall per answer: median {statistics.median(walls):.1f} us (runs: {', '.join(f'{w:.1f}' for w in walls)})")


if __name__ == "__main__":
    main()
