"""Inline judging: a judge model grades every row ``generate`` or ``respond`` keeps.

A review in the engine's sense (:mod:`synthgen.engine.review`): each kept row is sent to
the judge teacher with the judge prompt (the same request ``synthgen judge`` sends, so one
cache entry serves both), and the row is written only when its score reaches
``--min-score`` (no ``--min-score``: every graded row is written). A kept row's meta line
gets its ``score`` and the judge's ``score_reason``; a row turned away goes to
``OUT.rejected.jsonl`` with the reason: ``low_score``, ``unjudged`` (the judge's replies held
no score, after the retries) or ``judge_failed`` (the judge could not be reached, after the
retries). Scores are summed into the report as ``synthgen judge`` sums them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from synthgen.engine.recipe import Request, Row, Verdict
from synthgen.errors import TransientTeacherError
from synthgen.io.beside import REJECTED, SOFT_TARGETS
from synthgen.io.prompt_rows import alpaca_prompt, user_turn
from synthgen.recipes.judge import (
    NOTE_CHARS,
    judge_metrics,
    judge_request,
    low_score_note,
    unjudged_note,
    validate_judgement,
)
from synthgen.recipes.judgement import Judgement, JudgeTemplate, parse_judgement
from synthgen.records import Completion
from synthgen.teacher.base import Message


def prompt_and_answer(row: Row) -> tuple[list[Message], str]:
    """What a kept row asks and answers: an Alpaca row, or a conversation ending in the answer."""
    if "messages" in row:
        turns: list[Message] = row["messages"]
        return turns[:-1], turns[-1]["content"]
    return [user_turn(alpaca_prompt(row["instruction"], row.get("input", "")))], row["output"]


# What a run says when the judge turns away every row for a while (see engine.recipe.StopHints).
_TURNED_AWAY = (
    "the judge turned their rows away (top reasons: {top}); lower --min-score, or look at the "
    "grades in OUT.rejected.jsonl"
)
STOP_HINTS = {reason: _TURNED_AWAY for reason in ("low_score", "unjudged", "judge_failed")}


# A grade's own number (its Request.index): the request of the answer it grades and the row's
# place among that answer's kept rows (at most --tasks-per-request, 100). It names the grade in
# a --batch run's judge batches, in the order grades are handed on; a live run does not use it.
GRADES_PER_ANSWER = 128


def grade_index(request: int, row: int) -> int:
    if not 0 <= row < GRADES_PER_ANSWER:
        raise ValueError(f"an answer keeps at most {GRADES_PER_ANSWER} rows to grade, not {row + 1}")
    return request * GRADES_PER_ANSWER + row


@dataclass(frozen=True)
class InlineJudge:
    """The review; see the module docstring."""

    stop_hints: ClassVar[Mapping[str, str]] = STOP_HINTS

    template: JudgeTemplate
    min_score: int | None  # None: keep every graded row
    structured: bool  # send the JSON schema with every grade request

    def requests(self, verdict: Verdict, request: Request) -> list[Request]:
        grades = []
        for position, row in enumerate(verdict.kept):
            prompt, answer = prompt_and_answer(row)
            grades.append(
                judge_request(
                    grade_index(request.index, position),
                    self.template,
                    prompt,
                    answer,
                    structured=self.structured,
                    payload=None,
                    meta={},
                )
            )
        return grades

    def validate(self, completion: Completion) -> None:
        validate_judgement(completion, self.template.asked)

    def decide(
        self, verdict: Verdict, grades: list[Completion | TransientTeacherError], request: Request
    ) -> Verdict:
        rows, verdict.kept = verdict.kept, []
        own_meta = verdict.row_meta or [{} for _ in rows]
        verdict.row_meta = []
        for row, meta, grade in zip(rows, own_meta, grades, strict=True):
            judgement = (
                parse_judgement(grade.text, self.template.asked) if isinstance(grade, Completion) else None
            )
            if isinstance(grade, Completion):
                judge_metrics(verdict, judgement)
            reason = self._turned_away(judgement, grade)
            if reason is None and judgement is not None:
                verdict.kept.append(row)
                verdict.row_meta.append({**meta, "score": judgement.score, "score_reason": judgement.reason})
                continue
            note = _note(reason or "unjudged", judgement, grade)
            verdict.rejected[note["reason"]] += 1
            verdict.side.append((REJECTED, {**row, "_rejected": note}))
        if not verdict.kept:  # the soft targets of a kept answer go with it (respond: one row)
            verdict.side = [(name, side) for name, side in verdict.side if name != SOFT_TARGETS]
        return verdict

    def _turned_away(
        self, judgement: Judgement | None, grade: Completion | TransientTeacherError
    ) -> str | None:
        if isinstance(grade, TransientTeacherError):
            return "judge_failed"
        if judgement is None:
            return "unjudged"
        if self.min_score is not None and judgement.score < self.min_score:
            return "low_score"
        return None


def _note(reason: str, judgement: Judgement | None, grade: Completion | TransientTeacherError) -> dict:
    """Why a row was turned away, as its ``_rejected`` field says it."""
    if judgement is not None:
        return low_score_note(judgement)
    if isinstance(grade, Completion):
        return unjudged_note(grade.text)
    return {"reason": reason, "error": " ".join(str(grade).split())[:NOTE_CHARS]}
