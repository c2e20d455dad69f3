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
    in_flight: int = 0  # on the wire: sent to the teacher and not answered yet
    queued: int = 0  # launched, waiting for a concurrency slot, a rate limit or a budget
    oldest_seconds: float = 0.0
    retries: int = 0
    failed: int = 0
    cached: int = 0
    tokens: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    cost: float | None = None
    max_cost: float | None = None  # the --max-cost budget, when set
    concurrency_limit: float = 0.0
    rejected: Counter[str] = field(default_factory=Counter)
    tallied: list[tuple[str, str]] = field(default_factory=list)  # the recipe's rows (Tally.panel)
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
        max_cost: float | None = None,
    ) -> Snapshot:
        """The figures of a run from its counts and its teacher's meter (and its review's).

        ``in_flight``: the requests the engine launched; those the meter counts on the wire are
        in flight, the rest are queued (waiting for a slot, a rate limit or a budget)."""
        on_wire = min(meter.on_wire, in_flight)
        return cls(
            kept=counts.kept,
            requests=meter.requests_sent,
            in_flight=on_wire,
            queued=in_flight - on_wire,
            oldest_seconds=oldest_seconds,
            retries=meter.retries,
            failed=counts.failed_requests,
            cached=counts.cached_responses,
            tokens=meter.total_tokens,
            tokens_in=sum(u.prompt_tokens for u in meter.by_model.values()),
            tokens_out=sum(u.completion_tokens for u in meter.by_model.values()),
            cost=meter.cost(),
            max_cost=max_cost,
            concurrency_limit=meter.in_flight_limit or concurrency,
            rejected=counts.rejected,
            tallied=counts.tally.panel_rows(counts.tallied),
            review=review,
        )

    def plain_figures(self) -> dict[str, object]:
        figures: dict[str, object] = {
            "requests": self.requests,
            "cached": self.cached,
            "tokens": self.tokens,
            "in_flight": self.in_flight,
            "queued": self.queued,
            "oldest": f"{self.oldest_seconds:.0f}s",
        }
        if self.cost is not None:
            figures["cost"] = f"${self.cost:.4f}"
        if self.review is not None:
            figures.update(self.review.plain)
        return figures
