"""The engine's review stage (a second teacher grading kept rows) with small readable fakes:
order, the target counted after the review, no grades past the target, a fatal grade."""

from __future__ import annotations

import asyncio
from typing import Any

from synthgen.engine.recipe import Request, Verdict
from synthgen.engine.review import TeacherGrader
from synthgen.engine.run import Engine
from synthgen.engine.stop import StopReason
from synthgen.errors import TransientTeacherError
from synthgen.recipes.inline_judge import STOP_HINTS as JUDGE_HINTS
from synthgen.records import Completion
from synthgen.teacher.dispatch import BudgetExhausted
from test_engine import EchoRecipe, GatedTeacher, ListSink, Silent, _options


class EvenReview:
    """Grades each kept row by asking the judge about its index; keeps the "keep" ones."""

    stop_hints = JUDGE_HINTS  # the inline judge's: what a stop says when it turns every row away

    def requests(self, verdict: Verdict, request: Request) -> list[Request]:
        return [Request(request.index, [{"role": "user", "content": "grade"}], sample=row["index"])
                for row in verdict.kept]  # fmt: skip

    def validate(self, completion: Completion) -> None:
        return None

    def decide(
        self, verdict: Verdict, grades: list[Completion | TransientTeacherError], request: Request
    ) -> Verdict:
        rows, verdict.kept = verdict.kept, []
        for row, grade in zip(rows, grades, strict=True):
            if isinstance(grade, Completion) and grade.text == "keep":
                verdict.kept.append(row)
                verdict.row_meta.append({"graded": row["index"]})
            else:
                verdict.rejected["low_score"] += 1
        return verdict


def _even(index: int) -> str:
    return "keep" if index % 2 == 0 else "drop"


def _engine(recipe: EchoRecipe, teacher: Any, judge: Any, sink: ListSink, target: int | None) -> Engine:
    async def make_teacher() -> Any:
        return teacher

    async def make_reviewer() -> Any:
        review = EvenReview()
        return review, TeacherGrader(judge, review.validate)

    return Engine(recipe, make_teacher, sink, _options(target), Silent(), make_reviewer)


def test_rows_are_written_in_request_order_whatever_order_grades_come_back() -> None:
    async def scenario() -> tuple[int, ListSink, Any]:
        recipe, sink = EchoRecipe(size=40), ListSink()
        judge = GatedTeacher(held={0}, answers=_even)
        engine = _engine(recipe, GatedTeacher(), judge, sink, None)
        run = asyncio.create_task(engine.run())
        for _ in range(500):
            await asyncio.sleep(0)
        written_while_held = len(sink.rows)
        judge.gate(0).set()
        return written_while_held, sink, await run

    written, sink, result = asyncio.run(scenario())
    assert written == 0  # row 0's grade is out: nothing after it may be written
    assert [row["index"] for row, _ in sink.rows] == list(range(0, 40, 2))
    assert [meta["graded"] for _, meta in sink.rows] == list(range(0, 40, 2))
    assert result.stop_reason is StopReason.PLAN_DONE
    assert result.counts.rejected["low_score"] == 20


def test_the_target_counts_graded_rows_and_nothing_is_graded_past_it() -> None:
    recipe, teacher, sink = EchoRecipe(size=1000), GatedTeacher(), ListSink()
    judge = GatedTeacher(answers=_even)
    result = asyncio.run(_engine(recipe, teacher, judge, sink, target=15).run())
    assert result.stop_reason is StopReason.TARGET
    assert [row["index"] for row, _ in sink.rows] == list(range(0, 30, 2))
    counts = result.counts
    assert counts.candidates == counts.kept + counts.unused_after_target + sum(counts.rejected.values())
    # Rows graded: the 29 the target needed, and at most a round ahead of the rows wanted.
    assert 29 <= judge.meter.requests_sent <= 29 + 4


class BudgetJudge(GatedTeacher):
    """Grades like _even until request ``limit``, then the budget is spent."""

    def __init__(self, limit: int) -> None:
        super().__init__(answers=_even)
        self.limit = limit

    async def complete(self, messages: list[Any], *, sample_index: int, **kwargs: Any) -> Completion:
        if sample_index >= self.limit:
            raise BudgetExhausted("max_requests", used=self.limit, limit=self.limit, needed=1)
        return await super().complete(messages, sample_index=sample_index, **kwargs)


def test_a_grade_that_cannot_be_had_stops_the_run_and_writes_nothing_after_it() -> None:
    recipe, teacher, sink = EchoRecipe(size=100), GatedTeacher(), ListSink()
    result = asyncio.run(_engine(recipe, teacher, BudgetJudge(limit=9), sink, target=None).run())
    assert result.stop_reason is StopReason.MAX_REQUESTS
    assert [row["index"] for row, _ in sink.rows] == [0, 2, 4, 6, 8]
    assert result.counts.answers_unscreened > 0  # answers behind the failed grade: asked again on resume


def test_a_judge_that_turns_every_row_away_ends_the_run_naming_the_judge() -> None:
    recipe, teacher, sink = EchoRecipe(size=10_000), GatedTeacher(), ListSink()
    judge = GatedTeacher(answers=lambda i: "drop")
    result = asyncio.run(_engine(recipe, teacher, judge, sink, target=10).run())
    assert result.stop_reason is StopReason.EXHAUSTED
    assert result.error is not None and "judge" in result.error and "--min-score" in result.error
    assert sink.rows == []
