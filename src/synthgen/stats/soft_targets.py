"""``synthgen stats`` figures of the teacher's soft targets (``FILE.logprobs.parquet``), if any.

Per row: the mean logprob of the sampled tokens (what ``--min-confidence`` filters on) and the
mean per-token entropy of the teacher over its top-K alternatives, in nats:
``H = -sum(p_i log p_i) - r log r`` with ``r = 1 - sum(p_i)`` the mass outside the top K taken
as one outcome, a lower bound on the full distribution's entropy. Vectorised over the flat
columns (no Python loop per token): ~0.1 s for 10,000 answers.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np

from synthgen.io.beside import SOFT_TARGETS, table_path

log = logging.getLogger("synthgen")

BINS = 20


def soft_target_figures(dataset: Path, rows: int) -> dict[str, Any] | None:
    """Figures of ``dataset``'s soft-target file, or None when there is none (or no pyarrow)."""
    path = table_path(dataset, SOFT_TARGETS)
    if not path.exists():
        return None
    try:
        import pyarrow.parquet as pq
    except ImportError:
        log.warning("%s: not read (pip install 'synthgen[parquet]')", path)
        return None
    table = pq.read_table(path, columns=["logprobs", "top_logprobs"])
    token_offsets = table.column("logprobs").combine_chunks().offsets.to_numpy()
    sampled = table.column("logprobs").combine_chunks().flatten().to_numpy(zero_copy_only=False)
    nested = table.column("top_logprobs").combine_chunks().flatten()
    alternatives = nested.flatten().to_numpy(zero_copy_only=False).astype(np.float64)
    entropy = _token_entropy(alternatives, nested.offsets.to_numpy())
    return {
        "file": str(path),
        "rows": table.num_rows,
        "matches_dataset": table.num_rows == rows,
        "tokens": int(sampled.size),
        "mean_logprob": _summary(_row_means(sampled.astype(np.float64), token_offsets)),
        "entropy": _summary(_row_means(entropy, token_offsets)),
    }


def _token_entropy(logprobs: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Entropy (nats) of each token's top-K alternatives plus the rest as one outcome."""
    p = np.exp(logprobs)
    terms = -p * np.where(p > 0, logprobs, 0.0)
    per_token = _segment_sums(terms, offsets)
    rest = np.clip(1.0 - _segment_sums(p, offsets), 0.0, 1.0)
    return per_token - rest * np.log(np.where(rest > 0, rest, 1.0))


def _segment_sums(values: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Sums of ``values[offsets[i]:offsets[i+1]]`` (0 for an empty segment)."""
    totals = np.concatenate(([0.0], np.cumsum(values)))
    return totals[offsets[1:]] - totals[offsets[:-1]]


def _row_means(values: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    counts = np.diff(offsets)
    sums = _segment_sums(values, offsets)
    return sums[counts > 0] / counts[counts > 0]


def _summary(values: np.ndarray) -> dict[str, Any]:
    if not values.size:
        return {"mean": None, "median": None, "p10": None, "p90": None, "histogram": None}
    counts, edges = np.histogram(values, bins=BINS)
    return {
        "mean": round(float(values.mean()), 4),
        "median": round(float(np.median(values)), 4),
        "p10": round(float(np.percentile(values, 10)), 4),
        "p90": round(float(np.percentile(values, 90)), 4),
        "histogram": {"edges": [round(float(e), 4) for e in edges], "counts": counts.tolist()},
    }
