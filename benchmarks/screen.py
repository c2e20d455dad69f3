"""The screening worker's CPU per answer, in-process: generate's screen over mock answers.

Replays what the screening worker does during ``benchmarks/throughput.py``: for each of
``--requests`` answers of the mock teacher (to the prompts ``synthgen generate`` builds with
its defaults), unpickle the answer, screen it (parse, filters, exact key, ROUGE-L against the
growing pool) and pickle the verdict. Prints the milliseconds per answer, the pool size
reached and a digest of every decision (so that a speed change can show it decides the same).

With ``--processes 1,2``, also runs the real screening processes (``engine.screening``, as
``generate --screen-workers N`` does): all answers submitted at once, the wall time until the
last verdict is back, per answer, for each N in turn (``--rounds`` times, interleaved, so that
the load of a shared machine falls on each alike); the CPU per answer of the process that
decides (N=1: screens whole) and of each reader, which bound the wall time on free cores
whatever the load here (the slowest stage sets the pace); and whether the verdicts' digest is
the in-process one.

    python benchmarks/screen.py --requests 2000
    python benchmarks/screen.py --requests 2000 --profile    # + the top of a cProfile
    python benchmarks/screen.py --requests 2000 --processes 1,2 --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import hashlib
import io
import json
import os
import pickle
import pstats
import statistics
import time
from pathlib import Path

from synthgen.config import FilterOptions, Settings
from synthgen.engine.recipe import Answer, Verdict
from synthgen.engine.screening import WorkerScreening
from synthgen.io.seeds import load_seeds
from synthgen.mock.teacher import mock_answer
from synthgen.recipes.prompts import load_template
from synthgen.recipes.self_instruct import SelfInstruct, SelfInstructOptions
from synthgen.resources import default_prompt_path, default_seeds_path


def recipe(settings: Settings) -> SelfInstruct:
    options = SelfInstructOptions(
        seed=settings.seed,
        examples_per_prompt=settings.examples_per_prompt,
        mix_generated=settings.mix_generated,
        tasks_per_request=settings.tasks_per_request,
        similarity_threshold=settings.similarity_threshold,
        filters=FilterOptions.model_validate(settings.model_dump(include=set(FilterOptions.model_fields))),
    )
    seeds = load_seeds(default_seeds_path())
    return SelfInstruct(options, seeds=seeds, template=load_template(default_prompt_path()), existing=[])


def answers(instruct: SelfInstruct, count: int, seed: int) -> list[bytes]:
    """The mock's answers to the first ``count`` requests, pickled as the engine sends them."""
    out = []
    for index in range(count):
        prompt = str(instruct.plan(index).messages[-1]["content"])
        text = mock_answer(prompt, seed=seed).content
        out.append(pickle.dumps(Answer(index, text), protocol=pickle.HIGHEST_PROTOCOL))
    return out


def replay(instruct: SelfInstruct, frames: list[bytes]) -> tuple[float, str, int]:
    """Screen every answer as the worker does; (seconds, digest of decisions, rows kept)."""
    screen = instruct.screen_factory()()
    digest = hashlib.sha256()
    kept = 0
    start = time.process_time()
    for frame in frames:
        verdict = screen.screen(pickle.loads(frame), 1 << 62)
        blob = pickle.dumps(verdict, protocol=pickle.HIGHEST_PROTOCOL)
        kept += len(verdict.kept)
        digest.update(blob)
    seconds = time.process_time() - start
    return seconds, digest.hexdigest()[:16], kept


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a running process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _through_workers(
    instruct: SelfInstruct, frames: list[bytes], workers: int
) -> tuple[float, list[float], str]:
    """Every answer through ``workers`` screening processes, as fast as they go: (wall seconds
    from the second submit to the last verdict, the CPU seconds of each process over that time,
    digest of the verdicts). The first answer warms them up (start-up and pools aside)."""
    verdicts: list[Verdict] = []
    errors: list[BaseException] = []
    wanted, arrived = 1, asyncio.Event()

    def on_result(verdict: Verdict) -> None:
        verdicts.append(verdict)
        if len(verdicts) == wanted:
            arrived.set()

    def on_error(exc: BaseException) -> None:
        errors.append(exc)
        arrived.set()

    screening = WorkerScreening(instruct.screen_factory(), None, on_result, on_error, workers=workers)
    answers = [pickle.loads(frame) for frame in frames]
    await screening.start()
    try:
        screening.submit(answers[0])
        await arrived.wait()
        pids = [process.pid for process in screening._processes]  # (a benchmark may look inside)
        before = [_cpu_seconds(pid) for pid in pids]
        wanted = len(answers)
        arrived.clear()
        start = time.perf_counter()
        for answer in answers[1:]:
            screening.submit(answer)
        await arrived.wait()
        wall = time.perf_counter() - start
        cpu = [_cpu_seconds(pid) - b for pid, b in zip(pids, before, strict=True)]
    finally:
        await screening.aclose()
    if errors:
        raise errors[0]
    digest = hashlib.sha256()
    for verdict in verdicts:
        digest.update(pickle.dumps(verdict, protocol=pickle.HIGHEST_PROTOCOL))
    return wall, cpu, digest.hexdigest()[:16]


def compare_processes(
    instruct: SelfInstruct, frames: list[bytes], counts: list[int], rounds: int, digest: str
) -> None:
    """Wall per answer for each number of screening processes, interleaved ``rounds`` times, and
    the CPU per answer of the process that decides (or screens whole) and of the readers."""
    runs: dict[int, list[tuple[float, list[float]]]] = {n: [] for n in counts}
    measured = len(frames) - 1
    for _ in range(rounds):
        for n in counts:
            wall, cpu, decided = asyncio.run(_through_workers(instruct, frames, n))
            assert decided == digest, f"{n} processes decided differently ({decided} != {digest})"
            runs[n].append((1000 * wall / measured, [1000 * c / measured for c in cpu]))
    base = statistics.median(wall for wall, _ in runs[counts[0]])
    for n in counts:
        median = statistics.median(wall for wall, _ in runs[n])
        result = {"processes": n, "wall_ms_per_answer_median": round(median, 3)}
        result |= {"runs": [round(w, 3) for w, _ in runs[n]], "speedup_vs_first": round(base / median, 2)}
        result |= {"decider_cpu_ms": round(statistics.median(c[0] for _, c in runs[n]), 3)}
        if n > 1:
            result |= {
                "reader_cpu_ms_each": round(statistics.median(sum(c[1:]) / (n - 1) for _, c in runs[n]), 3)
            }
        result |= {"same_decisions": True}
        print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0, help="the mock teacher's seed")
    parser.add_argument("--repeat", type=int, default=3, help="replays; the fastest is printed")
    parser.add_argument("--profile", action="store_true", help="print the top of a cProfile")
    parser.add_argument("--processes", help="e.g. 1,2: also through that many screening processes")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of --processes")
    args = parser.parse_args()
    instruct = recipe(Settings())
    frames = answers(instruct, args.requests, args.seed)
    runs = [replay(instruct, frames) for _ in range(args.repeat)]
    seconds, digest, kept = min(runs)
    pool = len(instruct.seeds) + kept
    result = {"answers": len(frames), "ms_per_answer": round(1000 * seconds / len(frames), 3)}
    result |= {"pool_reached": pool, "kept": kept, "decisions_digest": digest}
    print(json.dumps(result))
    if args.processes:
        counts = [int(n) for n in args.processes.split(",")]
        compare_processes(instruct, frames, counts, args.rounds, digest)
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(replay, instruct, frames)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
        print(out.getvalue())


if __name__ == "__main__":
    main()
