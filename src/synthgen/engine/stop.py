"""Why a run stopped, and the rules that stop it early.

The reason's value is what the run report stores (``stop_reason``); the CLI maps it to an
exit code (one table, :mod:`synthgen.exit_codes`) and to a message (:data:`STOP_MESSAGES`).
"""

from __future__ import annotations

import enum
import logging
from collections import Counter
from dataclasses import dataclass, field

from synthgen.engine.recipe import StopHints, Tally, Verdict
from synthgen.errors import TeacherError, TransientTeacherError
from synthgen.teacher.budget import BudgetExhausted

log = logging.getLogger("synthgen")


class StopReason(str, enum.Enum):
    TARGET = "target"
    PLAN_DONE = "plan_done"  # a finite recipe asked everything it had to ask
    NOTHING_TO_DO = "nothing_to_do"
    MAX_REQUESTS = "max_requests"
    MAX_TOTAL_TOKENS = "max_total_tokens"
    MAX_COST = "max_cost"
    FAILURE_LIMIT = "failure_limit"
    TEACHER_ERROR = "teacher_error"
    EXHAUSTED = "exhausted"
    INTERRUPTED = "interrupted"
    BATCH_PENDING = "batch_pending"  # --batch: answers are awaited from a batch

    @property
    def message(self) -> str:
        return STOP_MESSAGES[self.value]


STOP_MESSAGES = {
    "target": "target reached",
    "plan_done": "every request was answered",
    "nothing_to_do": "the output already had the target number of examples",
    "max_requests": "the --max-requests budget was reached",
    "max_total_tokens": "the --max-total-tokens budget was reached",
    "max_cost": "the --max-cost budget was reached",
    "failure_limit": "too many failed requests in a row (--max-consecutive-failures)",
    "teacher_error": "the teacher failed",
    "exhausted": "the teacher stopped producing new examples",
    "interrupted": "interrupted",
    "batch_pending": "waiting for a batch (rerun the same command to collect it)",
    "running": "still running",
    "killed": "killed before it could finish (the next run corrected this entry)",
}

# Reasons after which nothing in flight is worth waiting for: cancel it at once.
CANCEL_IN_FLIGHT = frozenset(
    {StopReason.TARGET, StopReason.TEACHER_ERROR, StopReason.EXHAUSTED, StopReason.FAILURE_LIMIT}
)


@dataclass
class BarrenStreak:
    """Answers in a row that brought no new row, and what became of their candidates.

    A teacher that keeps repeating itself (or whose answers cannot be parsed) would
    otherwise make a run spin forever; the streak's make-up names the real cause (which of
    the recipe's counts mean what: its :class:`Tally`), and the recipe's :class:`StopHints`
    what to do about it.
    """

    limit: int
    tally: Tally = field(default_factory=Tally)
    answers: int = 0
    unreadable: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    duplicates: int = 0
    sample: str = ""  # the last unreadable answer, for the hint
    last: str = ""  # the last answer of the streak

    def update(self, verdict: Verdict, text: str) -> bool:
        """Count one verdict; True once ``limit`` answers in a row kept nothing."""
        if verdict.kept or verdict.useful:
            self.answers, self.unreadable, self.duplicates = 0, 0, 0
            self.rejected.clear()
            return False
        self.answers += 1
        self.last = text
        if self.tally.unreadable is not None and verdict.counts.get(self.tally.unreadable):
            self.unreadable += 1
            self.sample = text
        self.rejected.update(verdict.rejected)
        self.duplicates += self.tally.duplicates_in(verdict.counts)
        return self.answers >= self.limit

    def explain(self, hints: StopHints) -> str:
        """Why the streak happened, in the words of the recipe's ``hints``."""
        head = f"the last {self.answers} answers brought no new example"
        rejected = sum(self.rejected.values())
        if self.unreadable >= self.answers / 2 or not (rejected or self.duplicates):
            # (answers of neither kind: the recipe made nothing of them, e.g. grades without a score)
            n, text = (self.unreadable, self.sample) if self.unreadable else (self.answers, self.last)
            sample = repr(" ".join(text.split())[:160] or "(empty)")
            return f"{head}: " + hints.unreadable.format(n=n, sample=sample)
        if rejected >= self.duplicates:
            top = ", ".join(f"{reason} {n}" for reason, n in self.rejected.most_common(3))
            hint = hints.by_reason.get(self.rejected.most_common(1)[0][0], hints.rejected)
            return f"{head}: " + hint.format(top=top)
        return f"{head}: " + hints.duplicates.format(n=self.duplicates)


NEUTRAL_HINTS = StopHints()
NEUTRAL_TALLY = Tally()


class StopRules:
    """Whether the run should stop, and why: the first reason found wins (except a fatal
    teacher error and a signal, which always take over), with its one-line explanation."""

    def __init__(
        self,
        *,
        target: int | None,
        barren_limit: int,
        max_consecutive_failures: int,
        hints: StopHints = NEUTRAL_HINTS,
        tally: Tally = NEUTRAL_TALLY,
    ) -> None:
        self.reason: StopReason | None = None
        self.error: str | None = None
        self.target = target
        self.barren = BarrenStreak(barren_limit, tally)
        self.hints = hints  # the recipe's (and its review's), for the "exhausted" stop
        self.max_failures = max_consecutive_failures
        self.failures_in_row = 0

    def _first(self, reason: StopReason, error: str | None = None) -> None:
        if self.reason is None:
            self.reason, self.error = reason, error

    def on_answer(self) -> None:
        """An answer came back: a run of failures is broken."""
        self.failures_in_row = 0

    def on_verdict(self, verdict: Verdict, text: str, kept_so_far: int) -> None:
        """A final verdict, in request order (``kept_so_far`` counts it)."""
        if self.barren.update(verdict, text):
            self._first(StopReason.EXHAUSTED, self.barren.explain(self.hints))
        if self.target is not None and kept_so_far >= self.target:
            self._first(StopReason.TARGET)

    def on_failure(self, exc: BaseException) -> bool:
        """A request (or a grade) that failed for good; True when it counts as a failed request.
        Anything but a teacher's failure is a bug, and is raised again."""
        if isinstance(exc, BudgetExhausted):
            self._first(StopReason(exc.which), str(exc))  # the first says how much of what was used
            return False
        if isinstance(exc, TransientTeacherError):
            self.failures_in_row += 1
            log.warning("request failed after retries: %s", exc)
            if self.failures_in_row >= self.max_failures:
                self._first(
                    StopReason.FAILURE_LIMIT,
                    f"{self.failures_in_row} requests in a row failed; last error: {exc}",
                )
            return True
        if isinstance(exc, TeacherError):
            self.reason, self.error = StopReason.TEACHER_ERROR, str(exc)
            return False
        raise exc  # a bug: let it surface

    def interrupted(self) -> None:
        self.reason = StopReason.INTERRUPTED

    def batch_pending(self) -> None:
        """Answers are awaited from a batch (``--batch``): the run ends here for now."""
        self._first(StopReason.BATCH_PENDING)

    def plan_done(self) -> None:
        self._first(StopReason.PLAN_DONE)
