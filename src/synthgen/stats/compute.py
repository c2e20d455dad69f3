"""All of ``synthgen stats``'s figures for one dataset file, as JSON-ready data.

Keys of the result: ``file``, ``shape``, ``rows``, ``torn`` (the torn last line, or None),
``lengths`` (per field: words and estimated tokens), ``with_input``, ``verbs``,
``similarity`` (``nearest_seed``, ``nearest_row``), ``duplicates``, ``run`` (totals from
the run report, or None), ``soft_targets`` (the teacher's per-row confidence and entropy
from ``FILE.logprobs.parquet``, or None) and ``preference`` (the judge's scores of chosen and
rejected answers from a pairs file's meta file, or None). Every figure is documented where it is computed.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from synthgen.config import StatsSettings
from synthgen.dedup.nearest import TokenCodes
from synthgen.errors import UsageError
from synthgen.io.dataset_files import load_rows
from synthgen.io.seeds import load_seeds
from synthgen.io.shapes import Triple, triple_of
from synthgen.reports import RunReport
from synthgen.resources import default_seeds_path
from synthgen.stats.preference import preference_figures
from synthgen.stats.run_report import load_meta, load_report, summarize_runs
from synthgen.stats.similarity import nearest_row, nearest_seed, start_duplicates
from synthgen.stats.soft_targets import soft_target_figures
from synthgen.stats.verbs import verb_objects
from synthgen.stats.words import text_fields
from synthgen.tokens import count_tokens

TOP_VERBS = 20  # Alpaca's chart: the 20 most common root verbs ...
OBJECTS_PER_VERB = 4  # ... and each one's 4 most common direct objects
LENGTH_BINS = 30


def compute_stats(settings: StatsSettings) -> dict[str, Any]:
    """Read ``settings.input`` (a torn last line is left out and reported) and measure it."""
    loaded = load_rows(settings.input, allow_torn=True)
    triples = [triple_of(loaded.shape, value) for value in loaded.values]
    instructions = [t.instruction for t in triples]
    pending_duplicates = start_duplicates(
        [(t.instruction, t.input) for t in triples], settings.similarity_threshold
    )
    report = load_report(settings.input)
    seeds_file, seeds = _seed_instructions(settings.seeds, report)
    codes = TokenCodes()
    coded = codes.encode(instructions)
    nearest_seed_figures = nearest_seed(coded, seeds, codes, settings.similarity_threshold)
    nearest_seed_figures["seeds_file"] = str(seeds_file)
    return {
        "file": str(settings.input),
        "shape": loaded.shape,
        "rows": len(triples),
        "torn": loaded.torn,
        "lengths": length_figures(triples),
        "with_input": _share(sum(1 for t in triples if t.input.strip()), len(triples)),
        "verbs": verb_figures(instructions, settings.parser),
        "similarity": {
            "threshold": settings.similarity_threshold,
            "nearest_seed": nearest_seed_figures,
            "nearest_row": nearest_row(coded, settings.sample, settings.seed, settings.similarity_threshold),
        },
        "duplicates": pending_duplicates.result(),
        "run": summarize_runs(report) if report else None,
        "soft_targets": soft_target_figures(settings.input, len(triples)),
        "preference": preference_figures(load_meta(settings.input, len(triples))),
    }


def _seed_instructions(given: Path | None, report: RunReport | None) -> tuple[Path, list[str]]:
    """Seeds from --seeds, else the run's seed file (if still there), else the bundled ones."""
    path = given
    if path is None and report:
        recorded = report.config.get("seeds")
        if recorded and Path(recorded).is_file():
            path = Path(recorded)
    path = path or default_seeds_path()
    return path, [seed.instruction for seed in load_seeds(path)]


def _share(count: int, total: int) -> dict[str, Any]:
    return {"rows": count, "share": round(count / total, 4) if total else 0.0}


def length_figures(triples: list[Triple]) -> dict[str, Any]:
    """Words (whitespace-separated) and estimated tokens (synthgen's ~4 characters a token)
    per field (:func:`~synthgen.stats.words.text_fields`)."""
    return {
        name: {
            "rows": len(texts),
            "words": _summary(np.array([len(text.split()) for text in texts], dtype=np.int64)),
            "tokens": _summary(
                np.array([count_tokens(text) if text else 0 for text in texts], dtype=np.int64)
            ),
        }
        for name, texts in text_fields(triples).items()
    }


def _summary(values: np.ndarray) -> dict[str, Any]:
    """min / median / mean / p90 / max and a histogram up to the 99th percentile (the last
    bin also holds the longer tail). Counts are whole numbers, so every bin spans the same whole
    number of them (at most LENGTH_BINS bins): no bin holds one more value than its neighbour."""
    if not values.size:
        return {"min": None, "median": None, "mean": None, "p90": None, "max": None, "histogram": None}
    top = max(1, int(np.percentile(values, 99)))
    width = -(-(top + 1) // LENGTH_BINS)  # ceil: bins of `width` whole values cover 0..top
    edges = np.arange(0, top + width + 1, width)
    counts, edges = np.histogram(np.minimum(values, top), bins=edges)
    return {
        "min": int(values.min()),
        "median": float(np.median(values)),
        "mean": round(float(values.mean()), 2),
        "p90": float(np.percentile(values, 90)),
        "max": int(values.max()),
        "histogram": {"edges": [round(float(e), 2) for e in edges], "counts": counts.tolist()},
    }


def verb_figures(instructions: list[str], parser: str) -> dict[str, Any]:
    """The most common leading verbs and, for each, its most common direct objects."""
    try:
        used, pairs = verb_objects(instructions, parser)
    except LookupError as exc:
        raise UsageError(str(exc)) from exc
    verbs = Counter(verb for verb, _ in pairs if verb)
    objects: dict[str, Counter[str]] = {}
    for verb, obj in pairs:
        if verb and obj:
            objects.setdefault(verb, Counter())[obj] += 1
    top = [
        {"verb": verb, "count": count, "objects": objects.get(verb, Counter()).most_common(OBJECTS_PER_VERB)}
        for verb, count in verbs.most_common(TOP_VERBS)
    ]
    return {
        "parser": used,
        "with_verb": _share(sum(verbs.values()), len(instructions)),
        "distinct_verbs": len(verbs),
        "distinct_pairs": sum(len(c) for c in objects.values()),
        "top": top,
    }
