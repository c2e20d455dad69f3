"""``synthgen filter``: the generate pipeline's heuristic filters applied to an existing dataset.

In: an Alpaca JSON/JSONL file. Out: the kept records, unchanged and in order (extra keys
included), written atomically; optionally the rejected ones, each with
``"_rejected": {"reason": ..., "line": n}``; and a :class:`FilterReport` of the counts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from synthgen.config import FilterSettings
from synthgen.io.files import output_errors, write_jsonl_atomic
from synthgen.io.guards import refuse_overwriting
from synthgen.io.readers import Located, load_alpaca_records
from synthgen.recipes.filters import REASONS, Filter, default_filters, first_rejection
from synthgen.records import Candidate

__all__ = ["FilterReport", "run_filter"]


@dataclass
class FilterReport:
    """Counts of one ``filter`` run: records read, kept, and rejected per reason."""

    input: Path
    output: Path
    rejected_path: Path | None = None
    read: int = 0
    kept: int = 0
    rejected: Counter[str] = field(default_factory=Counter)

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())

    def summary(self) -> str:
        """One line for stderr, reasons in filter order, e.g.
        ``filter: read 10 from a.jsonl, kept 8 -> b.jsonl, rejected 2 (too_short 2)``."""
        line = f"filter: read {self.read} from {self.input}, kept {self.kept} -> {self.output}, "
        line += f"rejected {self.rejected_total}"
        if self.rejected:
            order = {reason: i for i, reason in enumerate(REASONS)}
            reasons = sorted(
                self.rejected.items(), key=lambda item: (order.get(item[0], len(order)), item[0])
            )
            line += " (" + ", ".join(f"{reason} {count}" for reason, count in reasons) + ")"
        if self.rejected_path is not None:
            line += f"; rejects in {self.rejected_path}"
        return line


def run_filter(settings: FilterSettings) -> FilterReport:
    """Read ``settings.input``, write kept (and rejected) records, return the counts.

    Raises InputError for an unreadable or invalid input (nothing is written then) and
    UsageError when an output cannot be written.
    """
    refuse_overwriting(
        {"INPUT": settings.input}, {"--output": settings.output, "--rejected": settings.rejected}
    )
    records = load_alpaca_records(settings.input)
    filters = default_filters(settings)
    report = FilterReport(input=settings.input, output=settings.output, rejected_path=settings.rejected)
    kept, rejected = _split(records, filters, report)
    _write(settings.output, kept)
    if settings.rejected is not None:
        _write(settings.rejected, rejected)
    return report


def _split(
    records: list[Located], filters: list[Filter], report: FilterReport
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Kept records as they were, and rejected ones annotated with their reason and line."""
    kept, rejected = [], []
    for item in records:
        report.read += 1
        reason = first_rejection(_candidate(item.value), filters)
        if reason is None:
            kept.append(item.value)
        else:
            report.rejected[reason] += 1
            rejected.append({**item.value, "_rejected": {"reason": reason, "line": item.line}})
    report.kept = len(kept)
    return kept, rejected


def _candidate(record: dict[str, Any]) -> Candidate:
    # the reader validated these as strings; missing input/output count as empty
    return Candidate(
        instruction=record["instruction"], input=record.get("input", ""), output=record.get("output", "")
    )


def _write(path: Path, records: list[dict[str, Any]]) -> None:
    """Write atomically; an OS failure becomes one user-facing line (the old file stays)."""
    with output_errors(path):
        write_jsonl_atomic(path, records)
