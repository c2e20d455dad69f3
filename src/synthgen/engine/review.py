"""An optional second look at the rows a screen kept: a judge's grade from a second teacher,
or the result of running the row's code in the sandbox.

With a review, a verdict goes one step further before its rows are written::

    screen -> Verdict -> one grade request per kept row (to the grader, concurrently)
           -> Review.decide(verdict, grades) -> Verdict (rows turned away counted) -> target -> sink

A :class:`Grader` answers grade requests: :class:`TeacherGrader` asks a teacher (the inline
judge); the code review's grader runs programs (``recipes.respond_code``). Verdicts with no
kept row are handed to ``decide`` too (with no grade), in their turn, so that a review can
keep per-row figures (pass@k) over every answer.

Many answers are under review at once, but their verdicts are handed on strictly in request
order, like answers to the screen, so that a run's decisions do not depend on which grade
came back first. The target is counted here, after the review (the screen keeps everything
it would keep with no target), so that rows turned away leave room for later ones.

A grade that failed after its retries reaches :meth:`Review.decide` as the exception (the
recipe counts the row). A grade that cannot be had at all (a budget is spent, the second
teacher refuses the key) ends the run: that verdict and every later one are not written, so
that a resumed run asks their requests again.

A grade that comes later (``--batch``: :class:`~synthgen.teacher.base.AnswerPending`) leaves
a *hole*, as a pending answer does in the ordered stream: its verdict and every later one are
not handed on in this run (a later run screens their answers again, from the cache), but the
grades of later verdicts are still asked, so that they go into the same batch.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from synthgen.engine.countdown import TargetCountdown
from synthgen.engine.recipe import Request, Verdict
from synthgen.engine.snapshot import ReviewFigures
from synthgen.errors import TeacherError, TransientTeacherError
from synthgen.records import Completion
from synthgen.teacher.base import AnswerPending
from synthgen.teacher.dispatch import BudgetExhausted, Dispatcher

Grade = Any  # what a grader returns: a Completion (or the TransientTeacherError it failed with)
# Floor of the pass-rate estimate: at most 1 / MIN_PASS_RATE rows are graded per row wanted.
MIN_PASS_RATE = 0.2


class Review(Protocol):
    """What a recipe's review says: what to ask about each kept row, and what to keep."""

    # What to tell the user, by reason, when the rows it turns away stop a run (StopHints).
    stop_hints: Mapping[str, str]

    def requests(self, verdict: Verdict, request: Request) -> list[Any]:
        """One grade request per row of ``verdict.kept`` (``request`` is the answer's own)."""
        ...

    def decide(self, verdict: Verdict, grades: list[Grade], request: Request) -> Verdict:
        """``verdict`` with the rows its grades turn away moved to ``rejected`` (``request``
        is the answer's own)."""
        ...


class Grader(Protocol):
    """Answers a review's grade requests; the oldest answer's (lowest ``priority``) first."""

    def grade(self, request: Any, priority: int) -> Awaitable[Grade]: ...

    def figures(self, waiting: int) -> ReviewFigures:
        """What progress shows (``waiting``: answers whose rows await their grades)."""
        ...

    async def aclose(self) -> None: ...


class TeacherGrader:
    """Grades from a second teacher: each grade request is a :class:`Request` to it."""

    def __init__(self, teacher: Dispatcher, validate: Callable[[Completion], None]) -> None:
        self.teacher = teacher
        self._validate = validate  # raise TransientTeacherError to have a grade asked again

    def grade(self, request: Request, priority: int) -> Awaitable[Completion]:
        return self.teacher.complete(
            request.messages,
            sample_index=request.sample or 0,
            validate=self._validate,
            extra_body=request.extra_body,
            priority=priority,
        )

    def figures(self, waiting: int) -> ReviewFigures:
        asked = self.teacher.meter.requests_sent
        line = f"{asked} grades asked  {waiting} answers awaiting grades"
        return ReviewFigures("judge", line, {"judge_requests": asked, "under_review": waiting})

    async def aclose(self) -> None:
        await self.teacher.aclose()


@dataclass
class _UnderReview:
    request: Request
    completion: Completion
    verdict: Verdict
    grades: list[asyncio.Future[Grade]] | None = None  # None: not asked yet
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
        grader: Grader,
        target: int | None,
        *,
        wake: Callable[[], None],
        on_reviewed: OnReviewed,
        on_failure: Callable[[BaseException], None],
        on_dropped: Callable[[], None],
    ) -> None:
        self.review = review
        self.grader = grader
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
        self.hole: int | None = None  # the request of the first verdict awaiting a pending grade
        self._asking = 0  # grades asked and not yet in
        self._spent: BaseException | None = None  # a grade refused by a spent budget

    def __len__(self) -> int:
        return len(self._queue)

    @property
    def busy(self) -> bool:
        """Something may still be handed on, or graded, in this run (not when every verdict
        left waits behind a pending grade and every grade asked is in)."""
        return bool(self._queue) if self.hole is None else self._asking > 0

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
            if not head.ready() or self._pending(head):
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
            for grade in grades:  # read, or asyncio logs a failed one with a traceback
                if grade.done() and not grade.cancelled():
                    grade.exception()
            self._on_dropped()
            return
        outcomes = [self._outcome(grade) for grade in grades]
        if self.broken:
            self._on_dropped()
            return
        verdict = item.verdict
        if grades:
            verdict = self.review.decide(verdict, [g for g in outcomes if g is not None], item.request)
            self._graded += len(grades)
            self._passed += len(verdict.kept)
        elif not verdict.kept:  # nothing to grade: the review still sees it, in its turn
            verdict = self.review.decide(verdict, [], item.request)
        self._on_reviewed(item.request, item.completion, self.countdown.apply(verdict))

    def _pending(self, head: _UnderReview) -> bool:
        """Whether the head waits on a grade that comes later (``--batch``): the hole. A grade
        behind it that cannot be had at all (a spent budget) stops the run now, as it would
        once handed on."""
        if not any(_failed_with(g, AnswerPending) for g in head.grades or ()):
            return False
        if self.hole is None:
            self.hole = head.request.index
        if self._spent is not None and not self.broken:
            self.broken = True
            self._on_failure(self._spent)
        return True

    def _pass_rate(self) -> float:
        """Share of graded rows kept so far; optimistic (1) before any grade, and never below
        MIN_PASS_RATE, so that a bad start does not grade far ahead of the target."""
        if not self._graded:
            return 1.0
        return max(MIN_PASS_RATE, self._passed / self._graded)

    def _ask(self, verdict: Verdict, request: Request) -> list[asyncio.Future[Grade]]:
        grades = []
        for grade_request in self.review.requests(verdict, request):
            # the oldest answer's grades go first
            future = asyncio.ensure_future(self.grader.grade(grade_request, request.index))
            future.add_done_callback(self._grade_done)
            grades.append(future)
        self._asking += len(grades)
        return grades

    def _grade_done(self, grade: asyncio.Future[Grade]) -> None:
        self._asking -= 1
        if self._spent is None and _failed_with(grade, BudgetExhausted):
            self._spent = grade.exception()
        self._wake()

    def _outcome(self, grade: asyncio.Future[Grade]) -> Grade | None:
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
        """Cancel what is still being graded, count it as never written, close the grader."""
        self.cancel()
        grades = [grade for item in self._queue for grade in item.grades or ()]
        if grades:
            await asyncio.gather(*grades, return_exceptions=True)
        for _ in self._queue:
            self._on_dropped()
        self._queue.clear()
        await self.grader.aclose()


def _failed_with(grade: asyncio.Future[Grade], kind: type[BaseException]) -> bool:
    return grade.done() and not grade.cancelled() and isinstance(grade.exception(), kind)
