"""The engine: runs one recipe against one teacher into one sink, and says how it ended.

A request's life, one container per stage::

    recipe.plan(i) -> in_flight (the teacher is answering) -> in_order (waits for earlier
    answers) -> screening (the screen is judging it) [-> review (a second teacher grades the
    kept rows, or their code runs; see engine.review)] -> sink (kept rows) + counts

Answers are screened strictly in request order, so a run's decisions do not depend on which
answer happened to arrive first: the same ``--seed`` gives the same file, and a resumed run
continues exactly where an uninterrupted one would have gone. The engine prints nothing
final and picks no exit code: it returns a :class:`RunResult` (the CLI does the rest).
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from synthgen.engine.in_flight import InFlight, Outcome
from synthgen.engine.launch import LaunchPolicy
from synthgen.engine.ordered import InOrder
from synthgen.engine.recipe import Answer, Recipe, Request, Verdict
from synthgen.engine.report import Counts
from synthgen.engine.review import Grader, Review, ReviewStage
from synthgen.engine.screening import LocalScreening, WorkerScreening
from synthgen.engine.signals import GracefulStop
from synthgen.engine.snapshot import Snapshot
from synthgen.engine.stop import CANCEL_IN_FLIGHT, StopReason, StopRules
from synthgen.engine.written import Sink, Written
from synthgen.records import Completion
from synthgen.teacher.dispatch import Dispatcher

TICK_SECONDS = 1.0  # the loop wakes at least this often, so progress shows while nothing completes


@dataclass(frozen=True)
class EngineOptions:
    concurrency: int
    target: int | None  # rows to add in this run; None: everything the recipe plans
    first_index: int  # the first request to plan (a resumed run starts later)
    max_consecutive_failures: int
    screen_in_worker: bool  # screen in a child process (the second core) while requests fly
    screen_workers: int = 1  # processes screening (see WorkerScreening); 1 with screen_in_worker off
    grace_seconds: float = 10.0  # in-flight requests get this long after a first Ctrl-C / SIGTERM

    @property
    def barren_limit(self) -> int:
        return max(50, 2 * self.concurrency)


@dataclass
class RunResult:
    stop_reason: StopReason
    counts: Counts
    signal: int | None = None  # the signal that stopped the run, if one did
    error: str | None = None  # what went wrong, for the CLI's one-line message


class Progress(Protocol):
    def offer(self, snapshot: Callable[[], Snapshot]) -> None: ...


MakeReviewer = Callable[[], Awaitable[tuple[Review, Grader]]]


class Engine:
    """One run; see the module docstring. Use :meth:`run` once. ``make_reviewer``: the review of
    kept rows and its grader, when the run has one."""

    def __init__(
        self,
        recipe: Recipe,
        make_teacher: Callable[[], Awaitable[Dispatcher]],
        sink: Sink,
        options: EngineOptions,
        progress: Progress,
        make_reviewer: MakeReviewer | None = None,
    ) -> None:
        self.recipe = recipe
        self.make_teacher = make_teacher
        self.make_reviewer = make_reviewer
        self.review: ReviewStage | None = None
        self.options = options
        self.progress = progress
        self.policy = LaunchPolicy(options.concurrency, recipe.expected_rows_per_request)
        self.rules = StopRules(
            target=options.target,
            barren_limit=options.barren_limit,
            max_consecutive_failures=options.max_consecutive_failures,
            hints=recipe.stop_hints,
            tally=recipe.tally,
        )
        self.written = Written(recipe, sink, self.rules)
        self.counts = self.written.counts
        self.signals = GracefulStop(self._on_signal, self._cancel_in_flight, options.grace_seconds)
        self.fatal: BaseException | None = None
        self.next_index = options.first_index
        self.plan_done = False
        self.in_order: InOrder[Outcome] = InOrder(options.first_index)
        self.in_flight = InFlight(self.in_order, self.wake_up, self.written.failure)
        self.screening: collections.deque[tuple[Request, Completion]] = collections.deque()

    async def run(self) -> RunResult:
        # The screening worker starts first: it builds its pools on the other core while this
        # process builds the teacher (importing an HTTP stack takes a while).
        screen_class = WorkerScreening if self.options.screen_in_worker else LocalScreening
        # With a review the target is counted after it (rows it turns away leave room).
        wanted = None if self.make_reviewer else self.options.target
        self.screen = screen_class(
            self.recipe.screen_factory(),
            wanted,
            self._on_screened,
            self._on_screen_error,
            workers=self.options.screen_workers,
        )
        try:
            self.teacher = await self.make_teacher()
            if self.make_reviewer is not None:
                review, grader = await self.make_reviewer()
                self.rules.hints = self.rules.hints.with_reasons(review.stop_hints)
                self.review = ReviewStage(
                    review, grader, self.options.target, wake=self.wake_up, on_reviewed=self.written.verdict,
                    on_failure=self.written.failure, on_dropped=self.written.dropped,
                )  # fmt: skip
            await self.screen.start()
        except BaseException:
            await self.screen.aclose()
            if self.review is not None:
                await self.review.aclose()
            raise
        self.wake = asyncio.Event()
        self.signals.install()
        self._ticker = asyncio.get_running_loop().call_later(TICK_SECONDS, self._tick)
        try:
            await self._loop()
        finally:
            self._ticker.cancel()
            await self._shutdown()
        stop = self.stop or StopReason.PLAN_DONE
        return RunResult(stop, self.counts, self.signals.received, self.rules.error)

    @property
    def stop(self) -> StopReason | None:
        """Why the run is stopping (None: it goes on); see :class:`StopRules`."""
        return self.rules.reason

    # ---- the loop ---------------------------------------------------------------------

    async def _loop(self) -> None:
        while True:
            if self.fatal is not None:
                raise self.fatal
            if self.stop is None:
                self._launch_more()
            waiting = bool(self.screening) or (self.review is not None and self.review.busy)
            if not self.in_flight and not (waiting and self.signals.count < 2):
                break  # nothing in flight, and the answers already paid for are screened
            await self.wake.wait()
            self.wake.clear()
            self._submit_in_order()
            if self.review is not None:
                self.review.pump()
            self.progress.offer(self._snapshot)
            if self.stop in CANCEL_IN_FLIGHT:
                self._cancel_in_flight()
        # a pending answer or grade (--batch): see engine.in_flight and engine.review
        if self.in_flight.hole is not None or (self.review is not None and self.review.hole is not None):
            self.rules.batch_pending()
        if self.plan_done:
            self.rules.plan_done()
        self.counts.answers_unscreened += len(self.in_order)  # behind a cancelled request

    def _launch_more(self) -> None:
        count = self.policy.how_many(
            remaining_rows=None if self.options.target is None else self.options.target - self.counts.kept,
            judged=self.counts.requests,
            kept=self.counts.kept,
            in_hand=len(self.in_order)
            + len(self.screening)
            + len(self.review or ())
            + self.in_flight.deferred,
            in_flight=len(self.in_flight),
        )
        if self.in_order.full:
            count = 0  # a very slow head of the line: wait for it before buying more answers
        for _ in range(count):
            request = None if self.plan_done else self.recipe.plan(self.next_index)
            if request is None:
                self.plan_done = True
                return
            self.in_flight.launch(self.teacher, request, self.recipe.validate)
            self.next_index += 1

    def _submit_in_order(self) -> None:
        """Hand the answers that are next in request order to the screen (never waits).

        Answers that arrive once the target is met are screened too (with nothing left to
        keep), so that every candidate paid for is counted in the report.
        """
        if self.stop is StopReason.TEACHER_ERROR:
            return
        for _, (request, outcome) in self.in_order.pop_ready():
            if isinstance(outcome, BaseException):
                self.written.failure(outcome)
                continue
            self.rules.on_answer()
            self.screening.append((request, outcome))
            self.screen.submit(Answer.of(request, outcome))

    # ---- verdicts, failures ---------------------------------------------------------------

    def wake_up(self) -> None:
        self.wake.set()

    def _on_screened(self, verdict: Verdict) -> None:
        """The screen's verdict on the oldest answer handed over: on to the review, or written."""
        request, completion = self.screening.popleft()
        self.wake.set()
        if self.review is not None:
            self.review.submit(request, completion, verdict, grade=self.stop is None)
        else:
            self.written.verdict(request, completion, verdict)

    def _on_screen_error(self, exc: BaseException) -> None:
        self.fatal = exc
        self.wake.set()

    def _snapshot(self) -> Snapshot:
        review = self.review
        return Snapshot.of(
            self.counts,
            self.teacher.meter,
            in_flight=len(self.in_flight),
            oldest_seconds=self.in_flight.oldest_seconds(),
            concurrency=self.options.concurrency,
            review=None if review is None else review.grader.figures(len(review)),
            max_cost=getattr(getattr(self.teacher, "budgets", None), "max_cost", None),
        )

    def _tick(self) -> None:
        self.wake.set()
        self._ticker = asyncio.get_running_loop().call_later(TICK_SECONDS, self._tick)

    # ---- stopping ---------------------------------------------------------------------

    def _on_signal(self) -> None:
        self.rules.interrupted()
        self.wake.set()

    def _cancel_in_flight(self) -> None:
        self.in_flight.cancel()
        if self.review is not None:
            self.review.cancel()

    async def _shutdown(self) -> None:
        self._cancel_in_flight()
        await self.in_flight.settle()
        self.signals.remove()
        await self.teacher.aclose()
        await self.screen.aclose()
        if self.review is not None:
            await self.review.aclose()
