"""The figures of a running run that progress shows (:mod:`synthgen.engine.progress`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


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
    # with an inline judge: grade requests sent, and answers whose rows await their grades
    judge_requests: int | None = None
    under_review: int = 0

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
        if self.judge_requests is not None:
            figures["judge_requests"] = self.judge_requests
            figures["under_review"] = self.under_review
        return figures
