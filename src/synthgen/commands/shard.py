"""``--shard I/N``: a command's engine job run as one shard of N (see :mod:`synthgen.engine.shard`).

The shard writes ``OUT.shards/shard-I-of-N.jsonl`` (with its meta, report and lock beside it),
a run of its own: crash-safe, resumable by running the same command again, refused while
another process writes it. ``synthgen merge OUT`` joins the shards.

**Request budget.** Shards do not talk to each other, so each one stops on its own: shard I
stops once ``ceil(num * (1 + margin) / N)`` of its rows count, a row counting when the shard's
own pass would keep it (``generate``: not ROUGE-L-similar to the seeds or the shard's earlier
new tasks; other recipes: every row it keeps). The engine launches requests by the observed
yield of counted rows per answer, as any run does towards its target. The merged file keeps
fewer rows than the shards counted (tasks similar across shards, and shards whose yields
differ: the merge stops at the first request some shard did not cover), hence the margin
(:func:`shard_margin`; ``--shard-margin`` sets it); when the shards still fall short,
``synthgen merge`` says by how many and prints the command that tops the merged file up
(``--add``).
"""

from __future__ import annotations

import math
import shlex
import sys
from dataclasses import replace
from typing import Any

from synthgen.config.shard import ShardNumber
from synthgen.engine.recipe import Recipe
from synthgen.engine.session import Job
from synthgen.engine.shard import ShardLayout, ShardRecipe, counted_flags
from synthgen.errors import UsageError
from synthgen.io.beside import shard_path
from synthgen.io.writer import ExistingOutput

__all__ = ["check_shardable", "shard_job", "shard_margin", "shard_target"]

# The margin for recipes whose merge keeps every row (it covers shards' uneven yields).
ROWS_MARGIN = 0.1
# generate's margin grows with N: the more shards, the more of a shard's new tasks another shard
# also found. Measured on the mock teacher at --num 50,000 (benchmarks/shards.py --margin; see
# benchmarks/RESULTS.md): 4 shards needed 10.3%, 16 shards 14.8%; this rule gives 15% and 20%.
SIMILAR_MARGIN, SIMILAR_MARGIN_PER_DOUBLING = 0.1, 0.025


def shard_margin(count: int, merge: str, chosen: float | None = None) -> float:
    """The fraction of its share a shard of ``count`` counts beyond it: ``chosen`` if given, else
    none for a single shard (it is the whole run), else by the merge rule (see the constants)."""
    if chosen is not None:
        return chosen
    if count == 1:
        return 0.0
    if merge != "self-instruct":
        return ROWS_MARGIN
    return SIMILAR_MARGIN + SIMILAR_MARGIN_PER_DOUBLING * math.log2(count)


def shard_target(num: int, count: int, margin: float) -> int:
    """Rows that shard of ``count`` counts before it stops (the module docstring's rule)."""
    return math.ceil(num * (1 + margin) / count)


def check_shardable(settings: Any) -> None:
    """Refuse (exit 2, one line) the options a shard cannot honour on its own."""
    conflicts = {
        "add": "grow the merged file with the same command and --add N, without --shard",
        "batch": "run each shard live, or the whole run with --batch in one process",
        "judge_model": "judge the merged file with `synthgen judge`",
        "logprobs": "the soft targets' Parquet file is not merged yet: run --logprobs in one process",
        "mix_generated": "it shows kept tasks as examples, and only the merged run knows them",
    }
    for name, why in conflicts.items():
        if getattr(settings, name, None):
            flag = "--" + name.replace("_", "-")
            raise UsageError(f"--shard with {flag} is not supported: {why}")


def shard_job(job: Job, number: ShardNumber, group: int, merge: str, margin: float | None = None) -> Job:
    """``job`` as shard ``number``: its file, its share of the requests, its target.

    ``merge``: the rule ``synthgen merge`` applies ("self-instruct", or "rows": order and target).
    ``margin``: ``--shard-margin`` (None: by the rule, see :func:`shard_margin`).
    """
    layout = ShardLayout(number.index, number.count, group)
    margin = shard_margin(number.count, merge, margin)

    def make_recipe(existing: ExistingOutput) -> Recipe:
        return ShardRecipe(job.make_recipe(existing), layout, counted_flags(existing.meta))

    shard = {
        "index": number.index,
        "count": number.count,
        "group": group,
        "num": job.num,
        "margin": margin,
        "merge": merge,
        "command": shlex.join(["synthgen", *sys.argv[1:]]),  # for the top-up merge prints
    }
    return replace(
        job,
        output=shard_path(job.output, number.index, number.count),
        num=None if job.num is None else shard_target(job.num, number.count, margin),
        make_recipe=make_recipe,
        counted_rows=lambda existing: sum(counted_flags(existing.meta)),
        run_info={**job.run_info, "shard": shard},
    )
