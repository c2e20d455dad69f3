"""Similarity figures of a dataset's instructions: ROUGE-L to the nearest seed and to the
nearest other row (histograms), and exact / near-duplicate counts.

* nearest seed: exact for every row (every row against every seed);
* nearest other row: exact scores for a random sample of rows (``sample``; all rows when
  the file is no larger, or with ``sample=0``), each against every other row. All pairs of
  a 52K file would take minutes; 2,000 rows give each histogram bar within about one
  percentage point (standard error sqrt(p(1-p)/n) <= 1.1 %);
* duplicates, counted per distinct prompt (:func:`~synthgen.dedup.normalize_key` of instruction
  and input): the rows that repeat an earlier row's prompt, then the distinct prompts that are
  near-duplicates of an earlier one (ROUGE-L F above the threshold, :class:`~synthgen.dedup.RougeIndex`,
  in file order). Together, what ``synthgen dedup`` would drop. A file with several answers per
  prompt (``respond --samples K``) is recognized: ``samples_per_prompt`` is the number of rows
  most prompts have, when that is more than one.
"""

from __future__ import annotations

import multiprocessing
import random
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import numpy as np

from synthgen.dedup import RougeIndex, normalize_key
from synthgen.dedup.nearest import TokenCodes, best_scores

BINS = 20  # histogram bars of 0.05 over [0, 1]
# From this many rows the duplicate pass runs in a worker process, beside the other figures
# (measured on the 52K benchmark file: the pass alone takes ~5.5 s, the rest ~4 s; a worker
# costs ~0.5 s to start, which small files would notice more than they gain).
BACKGROUND_FROM = 10_000


def histogram(scores: np.ndarray) -> dict[str, Any]:
    """Counts per bin of width 1/BINS over [0, 1] (1.0 in the last), with mean and median."""
    counts, edges = np.histogram(scores, bins=BINS, range=(0.0, 1.0))
    return {
        "edges": [round(float(e), 4) for e in edges],
        "counts": counts.tolist(),
        "mean": round(float(scores.mean()), 4) if scores.size else None,
        "median": round(float(np.median(scores)), 4) if scores.size else None,
        "above_threshold": None,
    }


def nearest_seed(
    coded: Sequence[str], seeds: Sequence[str], codes: TokenCodes, threshold: float
) -> dict[str, Any]:
    """Histogram of each instruction's best ROUGE-L F against the seed instructions.

    ``coded``: the instructions encoded by ``codes`` (see :class:`TokenCodes`)."""
    scores = best_scores(coded, codes.encode(seeds), workers=1)
    result = histogram(scores)
    result["above_threshold"] = int((scores > threshold).sum())
    result["seeds"] = len(seeds)
    return result


def nearest_row(coded: Sequence[str], sample: int, seed: int, threshold: float) -> dict[str, Any]:
    """Histogram of the best ROUGE-L F of (a sample of) rows against every other row.

    ``coded``: the instructions encoded by one :class:`TokenCodes`."""
    everyone = len(coded)
    if sample == 0 or everyone <= sample:
        chosen = list(range(everyone))
    else:
        chosen = sorted(random.Random(seed).sample(range(everyone), sample))
    scores = best_scores([coded[i] for i in chosen], coded, skip=chosen, workers=1)
    if everyone < 2:
        scores = scores[:0]
    result = histogram(scores)
    result["above_threshold"] = int((scores > threshold).sum())
    result["rows_scored"] = len(scores)
    result["sampled"] = len(chosen) < everyone
    return result


def duplicates(pairs: Sequence[tuple[str, str]], threshold: float) -> dict[str, Any]:
    """Rows repeating an earlier prompt, near-duplicate distinct prompts, and samples per prompt."""
    first: dict[str, int] = {}
    for position, (instruction, input_text) in enumerate(pairs):
        first.setdefault(normalize_key(instruction, input_text), position)
    distinct = [pairs[position][0] for position in first.values()]  # in order of first appearance
    index = RougeIndex(threshold)
    index.prime(distinct)
    near = sum(1 for instruction in distinct if index.check_and_add(instruction) is not None)
    per_prompt = Counter(normalize_key(i, x) for i, x in pairs)
    rows_per_prompt = Counter(per_prompt.values())
    common, prompts = rows_per_prompt.most_common(1)[0] if rows_per_prompt else (1, 0)
    samples = common if common > 1 and 2 * prompts >= len(first) else 1
    return {
        "exact": len(pairs) - len(first),
        "near": near,
        "threshold": threshold,
        "distinct_prompts": len(first),
        "samples_per_prompt": samples,
    }


class PendingDuplicates:
    """:func:`duplicates` under way: in a worker process, or already done in this one."""

    def __init__(self, pairs: Sequence[tuple[str, str]], threshold: float, *, background: bool) -> None:
        self._pairs, self._threshold = pairs, threshold
        self._value: dict[str, Any] | None = None
        self._future: Future[dict[str, Any]] | None = None
        if not background:
            self._value = duplicates(pairs, threshold)
            return
        executor = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        self._future = executor.submit(duplicates, list(pairs), threshold)
        executor.shutdown(wait=False)  # the worker exits once the job is done

    def result(self) -> dict[str, Any]:
        """The counts; computed here after all if the worker died (e.g. killed for memory)."""
        if self._value is None:
            assert self._future is not None
            try:
                self._value = self._future.result()
            except BrokenProcessPool:
                self._value = duplicates(self._pairs, self._threshold)
        return self._value


def start_duplicates(
    pairs: Sequence[tuple[str, str]], threshold: float, *, background_from: int = BACKGROUND_FROM
) -> PendingDuplicates:
    """:func:`duplicates`, in a worker process from ``background_from`` rows; ``.result()`` for it."""
    return PendingDuplicates(pairs, threshold, background=len(pairs) >= background_from)
