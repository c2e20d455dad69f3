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

import contextlib
import time
from array import array
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from synthgen.config import DedupSettings
from synthgen.dedup import normalize_key
from synthgen.dedup.greedy import Decision, GreedyPool
from synthgen.errors import InputError
from synthgen.io.files import atomic_writer, dumps_line, output_errors
from synthgen.io.guards import refuse_overwriting
from synthgen.io.record_stream import RecordReader, Streamed, stream_alpaca_records

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


class _Sources:
    """Where each pool member came from (file, line, offset), to describe a match without
    keeping the member: it is read back from its file (``--dropped`` only)."""

    def __init__(self, files: list[Path]) -> None:
        self.files = files
        self.file = array("H")
        self.line = array("Q")
        self.offset = array("q")
        self.kept_here: dict[int, str] = {}  # instructions of members from a JSON array (no offset)
        self.reader = RecordReader()

    def add(self, number: int, item: Streamed) -> None:
        if item.offset is None:
            self.kept_here[len(self.file)] = item.value["instruction"]
        self.file.append(number)
        self.line.append(item.line)
        self.offset.append(-1 if item.offset is None else item.offset)

    def describe(self, decision: Decision, line: int) -> dict[str, Any]:
        index = decision.index
        path = self.files[self.file[index]]
        instruction = self.kept_here.get(index)
        if instruction is None:
            instruction = self.reader.read(path, self.offset[index])["instruction"]
        return {
            "reason": decision.reason,
            "line": line,
            "score": decision.score if decision.reason == "similar" else None,
            "matched_index": index,
            "matched_file": str(path),
            "matched_line": self.line[index],
            "matched_instruction": instruction,
        }


def _key(record: dict[str, Any]) -> str:
    return normalize_key(record["instruction"], record.get("input", ""))


def run_dedup(settings: DedupSettings) -> DedupReport:
    """Apply the rule to ``settings.input``; write kept (and dropped) records; report counts.

    Each file is read twice and never held whole: once to check every record and count its
    tokens (an InputError, file:line: field, stops the command before anything is written),
    once to decide, writing as it goes (to temporary twins renamed into place at the end).
    """
    started = time.perf_counter()
    reads = {"INPUT": settings.input, "--against": settings.against}
    refuse_overwriting(reads, {"--output": settings.output, "--dropped": settings.dropped})
    files = [*settings.against, settings.input]
    problems: list[str] = []
    counted = _Counted()
    pool = GreedyPool(
        settings.similarity_threshold,
        workers=settings.workers,
        prime=(
            item.value["instruction"]
            for path in files
            for item in counted(stream_alpaca_records(path, problems))
        ),
        best_match=settings.dropped is not None,
    )
    if problems:
        raise InputError(problems)
    report = DedupReport(settings.input, settings.output, settings.similarity_threshold)
    report.read = counted.last
    sources = _Sources(files)
    for number, path in enumerate(settings.against):
        for item in stream_alpaca_records(path, problems):
            pool.add(item.value["instruction"], _key(item.value))
            sources.add(number, item)
    report.against_pool = len(pool)
    try:
        _decide(settings, pool, sources, report)
    finally:
        sources.reader.close()
    report.seconds = time.perf_counter() - started
    return report


class _Counted:
    """Counts the records of the last file passed through it (the input is the last)."""

    def __init__(self) -> None:
        self.last = 0

    def __call__(self, items: Iterator[Streamed]) -> Iterator[Streamed]:
        self.last = 0
        for item in items:
            self.last += 1
            yield item


def _decide(settings: DedupSettings, pool: GreedyPool, sources: _Sources, report: DedupReport) -> None:
    """The second pass: each record's decision, written as it comes."""
    held: deque[Streamed] = deque()  # records read ahead of their decisions (a batch or two)

    def records() -> Iterator[tuple[str, str]]:
        for item in stream_alpaca_records(settings.input, []):
            held.append(item)
            yield item.value["instruction"], _key(item.value)

    number = len(settings.against)
    with contextlib.ExitStack() as stack:
        kept = stack.enter_context(_atomic(settings.output))
        dropped = None if settings.dropped is None else stack.enter_context(_atomic(settings.dropped))
        for decision in pool.decide(records()):
            item = held.popleft()
            if decision.reason is None:
                report.kept += 1
                sources.add(number, item)
                kept.write(dumps_line(item.value))
            else:
                report.dropped_exact += decision.reason == "exact"
                report.dropped_similar += decision.reason == "similar"
                if dropped is not None:
                    dropped.write(
                        dumps_line({**item.value, "_dropped": sources.describe(decision, item.line)})
                    )
    report.dropped_file = settings.dropped


@contextlib.contextmanager
def _atomic(path: Path) -> Iterator[IO[str]]:
    """``path`` written whole or not at all; an OS failure is one user-facing line."""
    with output_errors(path), atomic_writer(path) as handle:
        yield handle
