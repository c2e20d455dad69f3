"""The figures of a running run that progress shows (:mod:`synthgen.engine.progress`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from synthgen.engine.report import Counts
    from synthgen.teacher.budget import UsageMeter


@dataclass(frozen=True)
class ReviewFigures:
    """A review's row in the progress panel (``label``, ``line``) and its log fields (``plain``)."""

    label: str
    line: str
    plain: dict[str, object]


@dataclass
class Snapshot:
    """The figures of a running run, as shown."""

    kept: int
    requests: int = 0
    in_flight: int = 0
    oldest_seconds: float = 0.0
    retries: int = 0
    failed: int = 0
    cached: int = 0
    tokens: int = 0
    cost: float | None = None
    concurrency_limit: float = 0.0
    rejected: Counter[str] = field(default_factory=Counter)
    duplicates_exact: int = 0
    duplicates_similar: int = 0
    # with a review of kept rows (an inline judge, code execution): what it is doing
    review: ReviewFigures | None = None

    @classmethod
    def of(
        cls,
        counts: Counts,
        meter: UsageMeter,
        *,
        in_flight: int,
        oldest_seconds: float,
        concurrency: int,
        review: ReviewFigures | None,
    ) -> Snapshot:
        """The figures of a run from its counts and its teacher's meter (and its review's)."""
        return cls(
            kept=counts.kept,
            requests=meter.requests_sent,
            in_flight=in_flight,
            oldest_seconds=oldest_seconds,
            retries=meter.retries,
            failed=counts.failed_requests,
            cached=counts.cached_responses,
            tokens=meter.total_tokens,
            cost=meter.cost(),
            concurrency_limit=meter.in_flight_limit or concurrency,
            rejected=counts.rejected,
            duplicates_exact=counts.duplicates_exact,
            duplicates_similar=counts.duplicates_similar,
            review=review,
        )

    def plain_figures(self) -> dict[str, object]:
        figures: dict[str, object] = {
            "requests": self.requests,
            "cached": self.cached,
            "tokens": self.tokens,
            "in_flight": self.in_flight,
            "oldest": f"{self.oldest_seconds:.0f}s",
        }
        if self.cost is not None:
            figures["cost"] = f"${self.cost:.4f}"
        if self.review is not None:
            figures.update(self.review.plain)
        return figures
