"""An optional second look at the rows a screen kept, by a second teacher (e.g. a judge's grade).

With a review, a verdict goes one step further before its rows are written::

    screen -> Verdict -> one request per kept row (second teacher, concurrently)
           -> Review.decide(verdict, grades) -> Verdict (rows turned away counted) -> target -> sink

Many answers are under review at once, but their verdicts are handed on strictly in request
order, like answers to the screen, so that a run's decisions do not depend on which grade
came back first. The target is counted here, after the review (the screen keeps everything
it would keep with no target), so that rows turned away leave room for later ones.

A grade that failed after its retries reaches :meth:`Review.decide` as the exception (the
recipe counts the row). A grade that cannot be had at all (a budget is spent, the second
teacher refuses the key) ends the run: that verdict and every later one are not written, so
that a resumed run asks their requests again.
"""

from __future__ import annotations

import asyncio
import collections
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from synthgen.engine.recipe import Request, Verdict
from synthgen.errors import TeacherError, TransientTeacherError
from synthgen.records import Completion
from synthgen.teacher.dispatch import BudgetExhausted, Dispatcher

Grade = Completion | TransientTeacherError
# Floor of the pass-rate estimate: at most 1 / MIN_PASS_RATE rows are graded per row wanted.
MIN_PASS_RATE = 0.2


class Review(Protocol):
    """What a recipe's review says: what to ask about each kept row, and what to keep."""

    def requests(self, verdict: Verdict, request: Request) -> list[Request]:
        """One request per row of ``verdict.kept`` (``request`` is the answer's own)."""
        ...

    def validate(self, completion: Completion) -> None:
        """Raise TransientTeacherError to have an unusable grade asked again."""
        ...

    def decide(self, verdict: Verdict, grades: list[Grade]) -> Verdict:
        """``verdict`` with the rows its grades turn away moved to ``rejected``."""
        ...


@dataclass
class _UnderReview:
    request: Request
    completion: Completion
    verdict: Verdict
    grades: list[asyncio.Future[Completion]] | None = None  # None: not asked yet
    dropped: bool = False  # rows that will not be graded: never written

    def ready(self) -> bool:
        return self.dropped or (self.grades is not None and all(g.done() for g in self.grades))


OnReviewed = Callable[[Request, Completion, Verdict], None]


class ReviewStage:
    """Verdicts under review, handed on in request order as their grades complete.

    Grades are asked only while the rows being graded ahead are expected (at the pass rate
    seen so far) to keep fewer rows than are still wanted: once they are expected to meet the
    target, later verdicts wait, and are graded only if too many rows ahead are turned away.
    Past the target they are never graded: nothing is paid for rows that cannot be used.

    ``on_reviewed`` gets each reviewed verdict (the target already applied); ``on_failure``
    gets every failed grade (to count it, or to stop the run); ``on_dropped`` is called once
    per verdict that will never be written (after a grade that could not be had).
    """

    def __init__(
        self,
        review: Review,
        teacher: Dispatcher,
        target: int | None,
        *,
        wake: Callable[[], None],
        on_reviewed: OnReviewed,
        on_failure: Callable[[BaseException], None],
        on_dropped: Callable[[], None],
    ) -> None:
        self.review = review
        self.teacher = teacher
        self.countdown = TargetCountdown(target)
        self._wake = wake
        self._on_reviewed = on_reviewed
        self._on_failure = on_failure
        self._on_dropped = on_dropped
        self._queue: collections.deque[_UnderReview] = collections.deque()
        self._rows_in_grading = 0  # kept rows of the queued verdicts whose grades were asked
        self._graded = 0  # rows whose grades came back, and how many of them the review kept
        self._passed = 0
        self.broken = False  # a grade could not be had: nothing later is written

    def __len__(self) -> int:
        return len(self._queue)

    def submit(self, request: Request, completion: Completion, verdict: Verdict, *, grade: bool) -> None:
        """Queue ``verdict`` for grading (one with no kept row passes through in its turn).

        ``grade`` False (the run is stopping): its rows are not graded, hence not written.
        """
        dropped = bool(verdict.kept) and (self.broken or not grade)
        self._queue.append(_UnderReview(request, completion, verdict, dropped=dropped))
        self.pump()

    def pump(self) -> None:
        """Hand on every verdict at the head of the line whose grades are all in; ask the
        grades the target still calls for."""
        while self._queue:
            head = self._queue[0]
            if head.grades is None and not head.dropped and self.countdown.wanted <= 0:
                head.grades = []  # past the target: handed on unused, never graded
            self._ask_needed()
            if not head.ready():
                return
            self._queue.popleft()
            self._hand_on(head)

    def _ask_needed(self) -> None:
        for item in self._queue:
            if item.grades is not None or item.dropped:
                continue
            if self._rows_in_grading * self._pass_rate() >= self.countdown.wanted:
                return  # the rows ahead are expected to meet the target: wait for their grades
            item.grades = self._ask(item.verdict, item.request)
            self._rows_in_grading += len(item.grades)

    def _hand_on(self, item: _UnderReview) -> None:
        grades = item.grades or []
        self._rows_in_grading -= len(grades)
        if self.broken or item.dropped:
            self._on_dropped()
            return
        outcomes = [self._outcome(grade) for grade in grades]
        if self.broken:
            self._on_dropped()
            return
        verdict = item.verdict
        if grades:
            verdict = self.review.decide(verdict, [g for g in outcomes if g is not None])
            self._graded += len(grades)
            self._passed += len(verdict.kept)
        self._on_reviewed(item.request, item.completion, self.countdown.apply(verdict))

    def _pass_rate(self) -> float:
        """Share of graded rows kept so far; optimistic (1) before any grade, and never below
        MIN_PASS_RATE, so that a bad start does not grade far ahead of the target."""
        if not self._graded:
            return 1.0
        return max(MIN_PASS_RATE, self._passed / self._graded)

    def _ask(self, verdict: Verdict, request: Request) -> list[asyncio.Future[Completion]]:
        grades = []
        for grade_request in self.review.requests(verdict, request):
            coro = self.teacher.complete(
                grade_request.messages,
                sample_index=grade_request.sample or 0,
                validate=self.review.validate,
                extra_body=grade_request.extra_body,
                priority=request.index,  # the oldest answer's grades go first
            )
            future = asyncio.ensure_future(coro)
            future.add_done_callback(lambda _: self._wake())
            grades.append(future)
        return grades

    def _outcome(self, grade: asyncio.Future[Completion]) -> Grade | None:
        """The grade, or the error it failed with after its retries; None breaks the line."""
        if grade.cancelled():
            self.broken = True
            return None
        exc = grade.exception()
        if exc is None:
            return grade.result()
        self._on_failure(exc)
        if isinstance(exc, TransientTeacherError):
            return exc
        if not isinstance(exc, BudgetExhausted | TeacherError):
            raise exc  # a bug: let it surface
        self.broken = True
        return None

    def cancel(self) -> None:
        for item in self._queue:
            for grade in item.grades or ():
                grade.cancel()

    async def aclose(self) -> None:
        """Cancel what is still being graded, count it as never written, close the teacher."""
        self.cancel()
        grades = [grade for item in self._queue for grade in item.grades or ()]
        if grades:
            await asyncio.gather(*grades, return_exceptions=True)
        for _ in self._queue:
            self._on_dropped()
        self._queue.clear()
        await self.teacher.aclose()


class TargetCountdown:
    """The rows still wanted, counted on reviewed verdicts (see the module docstring)."""

    def __init__(self, wanted: int | None) -> None:
        self.wanted = sys.maxsize if wanted is None else wanted

    def apply(self, verdict: Verdict) -> Verdict:
        """Past the target the verdict's rows are counted as unused instead of kept."""
        verdict.after_target = self.wanted <= 0
        extra = len(verdict.kept) - max(0, self.wanted)
        if extra > 0:
            verdict.unused_after_target += extra
            del verdict.kept[len(verdict.kept) - extra :]
            if verdict.row_meta:
                del verdict.row_meta[len(verdict.kept) :]
        self.wanted -= len(verdict.kept)
        return verdict
