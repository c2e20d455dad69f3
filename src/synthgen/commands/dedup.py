"""``synthgen dedup``: the self-instruct near-duplicate rule over an existing Alpaca file.

Records are read in file order. The pool starts with every record of the ``--against``
files (in the order given; they are never dropped), then each input record is checked:

1. **exact**: its :func:`~synthgen.dedup.normalize_key` (instruction + input, case,
   punctuation and whitespace ignored) equals that of a pool member;
2. **similar**: the ROUGE-L F of its instruction against some pool member's instruction
   is above the threshold (see :mod:`synthgen.dedup`);

otherwise it is kept and joins the pool. Kept records are written unchanged, in order.

Pool indices count the ``--against`` records first (file by file, in file order), then the
kept input records, from 0. With ``--dropped FILE`` each dropped record is written as read,
plus one key::

    "_dropped": {
        "reason": "exact" | "similar",
        "line": 12,                         # where the dropped record starts in the input
        "score": 0.8125,                    # ROUGE-L F vs the matched member; null for exact
        "matched_index": 3,                 # pool index of the matched member
        "matched_file": "data/eval.jsonl",  # the member's file and line
        "matched_line": 4,
        "matched_instruction": "..."        # the member's instruction, for review
    }

For "similar" the matched member is the highest-scoring one (the earliest on ties); for
"exact", the first record with that key. Both output files are written atomically: an
error (bad input, a full disk) leaves any existing file as it was.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from synthgen.config import DedupSettings
from synthgen.dedup import ExactIndex, RougeIndex, normalize_key
from synthgen.io.files import output_errors, write_jsonl_atomic
from synthgen.io.guards import refuse_overwriting
from synthgen.io.readers import Located, load_alpaca_records

__all__ = ["DedupReport", "run_dedup"]


@dataclass
class DedupReport:
    """What ``run_dedup`` did, for the summary printed by the CLI."""

    input: Path
    output: Path
    threshold: float
    read: int = 0
    kept: int = 0
    dropped_exact: int = 0
    dropped_similar: int = 0
    against_pool: int = 0
    dropped_file: Path | None = None
    seconds: float = 0.0

    def summary(self) -> str:
        """A few human-readable lines."""
        against = f" (pool started with {self.against_pool:,} --against records)" if self.against_pool else ""
        lines = [
            f"read {self.read:,} records from {self.input}{against}",
            f"kept {self.kept:,}; dropped {self.dropped_exact:,} exact duplicates and "
            f"{self.dropped_similar:,} near-duplicates (ROUGE-L > {self.threshold:g})",
            f"wrote {self.output}"
            + (f" and {self.dropped_file}" if self.dropped_file else "")
            + f" in {self.seconds:.1f} s",
        ]
        return "\n".join(lines)


@dataclass
class _Pool:
    """Both indices plus, per pool index, where the member came from."""

    rouge: RougeIndex
    exact: ExactIndex = field(default_factory=ExactIndex)
    sources: list[tuple[Path, Located]] = field(default_factory=list)

    def add(self, path: Path, item: Located, key: str, index: int) -> None:
        self.exact.add(key, index)
        self.sources.append((path, item))

    def describe(self, reason: str, line: int, index: int, score: float | None) -> dict[str, Any]:
        path, item = self.sources[index]
        return {
            "reason": reason,
            "line": line,
            "score": score,
            "matched_index": index,
            "matched_file": str(path),
            "matched_line": item.line,
            "matched_instruction": item.value["instruction"],
        }


def _key(record: dict[str, Any]) -> str:
    return normalize_key(record["instruction"], record.get("input", ""))


def run_dedup(settings: DedupSettings) -> DedupReport:
    """Apply the rule to ``settings.input``; write kept (and dropped) records; report counts.

    Raises InputError (file:line: field) for unreadable or invalid records, before any
    output is written.
    """
    started = time.perf_counter()
    reads = {"INPUT": settings.input, "--against": settings.against}
    refuse_overwriting(reads, {"--output": settings.output, "--dropped": settings.dropped})
    against = [(path, load_alpaca_records(path)) for path in settings.against]
    records = load_alpaca_records(settings.input)
    report = DedupReport(settings.input, settings.output, settings.similarity_threshold, read=len(records))

    pool = _Pool(RougeIndex(settings.similarity_threshold))
    # Ranking tokens by their frequency over everything up front keeps lookups fast.
    everything = itertools.chain(*(items for _, items in against), records)
    pool.rouge.prime(item.value["instruction"] for item in everything)
    for path, items in against:
        for item in items:
            pool.add(path, item, _key(item.value), pool.rouge.add(item.value["instruction"]))
    report.against_pool = len(pool.rouge)

    kept: list[dict[str, Any]] = []
    dropped: list[dict[str, Any]] = []
    for item in records:
        key = _key(item.value)
        earlier = pool.exact.find(key)
        if earlier is not None:
            report.dropped_exact += 1
            dropped.append({**item.value, "_dropped": pool.describe("exact", item.line, earlier, None)})
            continue
        match = pool.rouge.check_and_add(item.value["instruction"])
        if match is not None:
            report.dropped_similar += 1
            details = pool.describe("similar", item.line, match.index, match.score)
            dropped.append({**item.value, "_dropped": details})
            continue
        pool.add(settings.input, item, key, len(pool.rouge) - 1)
        kept.append(item.value)
    report.kept = len(kept)

    if settings.dropped is not None:
        _write(settings.dropped, dropped)
        report.dropped_file = settings.dropped
    _write(settings.output, kept)
    report.seconds = time.perf_counter() - started
    return report


def _write(path: Path, records: list[dict[str, Any]]) -> None:
    """Write atomically; an OS failure becomes one user-facing line (the old file stays)."""
    with output_errors(path):
        write_jsonl_atomic(path, records)
