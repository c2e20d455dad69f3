"""The requests a teacher is answering: launched as tasks, each put in request order as it ends.

A done-callback collects each task (O(1) per answer, unlike ``asyncio.wait`` over every task)
into the reorder buffer (:mod:`synthgen.engine.ordered`): its answer, or the error it failed
with after its retries. A cancelled request's answer was never paid for in full: it is
dropped, and a resumed run asks again.

A teacher answering later (``--batch``, see teacher/batch_teacher.py) leaves a *hole* in the
ordered stream at its first pending request: nothing from there on is screened in this run,
answers behind it are let go (the next run reads them from the cache again), and launches go
on, counting the requests from the hole on as in hand (``deferred``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from synthgen.engine.ordered import InOrder
from synthgen.engine.recipe import Request
from synthgen.errors import TeacherError, TransientTeacherError
from synthgen.records import Completion
from synthgen.teacher.base import AnswerPending
from synthgen.teacher.dispatch import BudgetExhausted, Dispatcher

Outcome = tuple[Request, Completion | BaseException]


class InFlight:
    """Requests in flight; ``wake`` is called whenever one ends, ``on_fatal`` with a failure
    behind the hole that stops the run (a budget, a fatal teacher error)."""

    def __init__(
        self, in_order: InOrder[Outcome], wake: Callable[[], None], on_fatal: Callable[[BaseException], None]
    ) -> None:
        self._tasks: dict[asyncio.Future[Completion], tuple[Request, float]] = {}
        self._in_order = in_order
        self._wake, self._on_fatal = wake, on_fatal
        self.hole: int | None = None  # the first request whose answer is pending
        self.deferred = 0  # outcomes at or behind the hole, not screened in this run

    def __len__(self) -> int:
        return len(self._tasks)

    def launch(self, teacher: Dispatcher, request: Request, validate: Callable[[Completion], None]) -> None:
        sample = request.index if request.sample is None else request.sample
        coro = teacher.complete(
            request.messages,
            sample_index=sample,
            validate=validate,
            extra_body=request.extra_body,
            priority=request.index,  # the oldest request gets a freed slot first
        )
        task = asyncio.ensure_future(coro)
        self._tasks[task] = (request, time.monotonic())
        task.add_done_callback(self._collect)

    def _collect(self, task: asyncio.Future[Completion]) -> None:
        request, _ = self._tasks.pop(task)
        self._wake()
        if task.cancelled():
            return
        outcome = task.exception() or task.result()
        if isinstance(outcome, AnswerPending) or (self.hole is not None and request.index > self.hole):
            self._behind_hole(request.index, outcome)
            return
        size = len(outcome.text) if isinstance(outcome, Completion) else 0
        self._in_order.put(request.index, (request, outcome), size)

    def _behind_hole(self, index: int, outcome: Completion | BaseException) -> None:
        """An outcome at or after the first pending answer: not screened in this run.

        A failure that stops the run stops it at once: its place in the order no longer
        matters, since nothing after the hole is screened.
        """
        fatal = isinstance(outcome, BudgetExhausted) or (
            isinstance(outcome, TeacherError) and not isinstance(outcome, TransientTeacherError)
        )
        if fatal:
            self._on_fatal(outcome)
            return
        self.deferred += 1
        if isinstance(outcome, AnswerPending):
            self.hole = index if self.hole is None else min(self.hole, index)

    def oldest_seconds(self) -> float:
        """How long the oldest request in flight has been (0 when none is)."""
        now = time.monotonic()
        return now - min((started for _, started in self._tasks.values()), default=now)

    def cancel(self) -> None:
        for task in self._tasks:
            task.cancel()

    async def settle(self) -> None:
        """Wait until every task has ended (after :meth:`cancel`: at once)."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
