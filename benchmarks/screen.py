"""The screening worker's CPU per answer, in-process: generate's screen over mock answers.

Replays what the screening worker does during ``benchmarks/throughput.py``: for each of
``--requests`` answers of the mock teacher (to the prompts ``synthgen generate`` builds with
its defaults), unpickle the answer, screen it (parse, filters, exact key, ROUGE-L against the
growing pool) and pickle the verdict. Prints the milliseconds per answer, the pool size
reached and a digest of every decision (so that a speed change can show it decides the same).

    python benchmarks/screen.py --requests 2000
    python benchmarks/screen.py --requests 2000 --profile    # + the top of a cProfile
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import json
import pickle
import pstats
import time

from synthgen.config import FilterOptions, Settings
from synthgen.engine.recipe import Answer
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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0, help="the mock teacher's seed")
    parser.add_argument("--repeat", type=int, default=3, help="replays; the fastest is printed")
    parser.add_argument("--profile", action="store_true", help="print the top of a cProfile")
    args = parser.parse_args()
    instruct = recipe(Settings())
    frames = answers(instruct, args.requests, args.seed)
    runs = [replay(instruct, frames) for _ in range(args.repeat)]
    seconds, digest, kept = min(runs)
    pool = len(instruct.seeds) + kept
    result = {"answers": len(frames), "ms_per_answer": round(1000 * seconds / len(frames), 3)}
    result |= {"pool_reached": pool, "kept": kept, "decisions_digest": digest}
    print(json.dumps(result))
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(replay, instruct, frames)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
        print(out.getvalue())


if __name__ == "__main__":
    main()
