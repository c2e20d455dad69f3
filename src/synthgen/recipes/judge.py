"""LLM-as-a-judge: the teacher grades every answer of a dataset (``synthgen judge``).

Plan: each row with an answer is a request, in order: the judge prompt showing the row's prompt
and answer (a leading reasoning trace is not shown), with ``response_format`` asking for a JSON
grade when structured output is on. A row whose answer is empty gets no request: it is counted
as ``empty_answer`` and written to ``OUT.rejected.jsonl`` (:mod:`synthgen.recipes.skipped`). Every request is sample 0, so the same answer under the same judge
prompt is one cache entry wherever it sits in a file (``pairs`` reuses a ``judge`` run's grades).
Validate: a reply with no score is asked again once (:class:`UnusableAnswer`), then screened
anyway and counted as ``unjudged``. The grade read is the last one in the format the prompt asks
for (:mod:`synthgen.recipes.verdict`).
Screen: keep the row when its score reaches ``--min-score`` (score and reason in the meta
file, and a ``score`` field in the messages format); write the others to
``OUT.rejected.jsonl`` with the reason (``low_score`` or ``unjudged``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from synthgen.engine.recipe import Answer, Request, Row, StopHints, Tally, Verdict
from synthgen.errors import UnusableAnswer
from synthgen.io.answer_rows import AnswerRow
from synthgen.io.beside import REJECTED
from synthgen.io.traces import TRACE_KEY
from synthgen.recipes.judgement import (
    RESPONSE_FORMAT,
    Judgement,
    JudgeTemplate,
    judged_text,
    parse_judgement,
)
from synthgen.recipes.skipped import carry_skipped, count_empty
from synthgen.recipes.verdict import DEFAULT_ASKED
from synthgen.records import Completion
from synthgen.teacher.base import Message

RowFormat = Literal["alpaca", "messages"]


@dataclass(frozen=True)
class JudgeOptions:
    min_score: int
    format: RowFormat
    structured: bool  # send RESPONSE_FORMAT with every request
    asked: tuple[str, ...] = DEFAULT_ASKED  # the verdict formats the judge prompt asks for


def judge_request(
    index: int,
    template: JudgeTemplate,
    prompt: list[Message],
    answer: str,
    *,
    structured: bool,
    payload: Any,
    meta: dict[str, Any],
) -> Request:
    """The request that grades ``answer`` to ``prompt`` (shared with ``pairs``)."""
    return Request(
        index,
        template.messages(prompt, judged_text(answer)),
        payload=payload,
        meta=meta,
        sample=0,
        extra_body={"response_format": RESPONSE_FORMAT} if structured else None,
    )


def validate_judgement(completion: Completion, asked: tuple[str, ...] = DEFAULT_ASKED) -> None:
    """Have a reply without a valid score asked again (see the module docstring)."""
    if parse_judgement(completion.text, asked) is None:
        raise UnusableAnswer("the judge's reply holds no score from 1 to 10", completion)


NOTE_CHARS = 200  # how much of an unusable reply or error a rejected row keeps


def unjudged_note(reply: str) -> dict[str, Any]:
    """What a rejected row says about a reply that held no score (its start, for a look)."""
    return {"reason": "unjudged", "judge_reply": " ".join(reply.split())[:NOTE_CHARS]}


def low_score_note(judgement: Judgement) -> dict[str, Any]:
    """What a rejected row says about a grade below ``--min-score``."""
    return {"reason": "low_score", "score": judgement.score, "judge_reason": judgement.reason}


def judge_metrics(verdict: Verdict, judgement: Judgement | None) -> None:
    """Sum a grade into the report: how many were judged, their total, and the histogram."""
    if judgement is None:
        verdict.metrics["unjudged"] += 1
        return
    verdict.metrics["judged"] += 1
    verdict.metrics["score_sum"] += judgement.score
    verdict.metrics[f"score_{judgement.score}"] += 1


def output_row(row: AnswerRow, row_format: RowFormat, score: int) -> Row:
    """The row as written: an Alpaca record (a trace inline), or the conversation with a
    ``score`` field (a trace in ``reasoning_content``)."""
    if row_format == "alpaca":
        instruction, input_text = row.alpaca or ("", "")
        return {
            "instruction": instruction,
            "input": input_text,
            "output": row.with_trace if row.chat else row.answer,
        }
    if row.chat:
        return {**row.source, "score": score}
    answer: dict[str, Any] = {"role": "assistant", "content": row.reply}
    if row.trace is None:
        return {"messages": [*row.prompt, answer], "score": score}
    prompt = [{**turn, TRACE_KEY: None} for turn in row.prompt]  # one key set for datasets
    return {"messages": [*prompt, {**answer, TRACE_KEY: row.trace}], "score": score}


@dataclass(frozen=True)
class JudgePayload:
    """A row to grade, and the rows with an empty answer just before it (not sent)."""

    row: AnswerRow
    empty: tuple[AnswerRow, ...] = ()


def has_answer(row: AnswerRow) -> bool:
    """Whether a row holds an answer to grade (a reasoning trace alone is none)."""
    return bool(row.reply.strip())


@dataclass
class JudgeScreen:
    options: JudgeOptions

    def screen(self, answer: Answer, limit: int) -> Verdict:
        payload: JudgePayload = answer.payload
        row = payload.row
        verdict = Verdict(candidates=1)
        count_empty(verdict, [r.source for r in payload.empty])
        judgement = parse_judgement(answer.text, self.options.asked)
        judge_metrics(verdict, judgement)
        if judgement is None:
            verdict.rejected["unjudged"] += 1
            verdict.side.append((REJECTED, {**row.source, "_rejected": unjudged_note(answer.text)}))
            return verdict
        verdict.useful = True  # graded: a low score is the data's verdict, not a failing teacher
        if judgement.score < self.options.min_score:
            verdict.rejected["low_score"] += 1
            verdict.side.append((REJECTED, {**row.source, "_rejected": low_score_note(judgement)}))
        else:  # (past the target the engine counts it as unused)
            verdict.kept.append(output_row(row, self.options.format, judgement.score))
            verdict.meta = {"score": judgement.score, "reason": judgement.reason}
        return verdict


@dataclass(frozen=True)
class JudgeScreenFactory:
    options: JudgeOptions

    def __call__(self) -> JudgeScreen:
        return JudgeScreen(self.options)


# What a run says when the judge's replies stop giving grades (see engine.recipe.StopHints).
STOP_HINTS = StopHints(
    unreadable="{n} replies held no grade (a sample: {sample}); check the judge model and the "
    "--prompt template, or try --structured",
    by_reason={
        "unjudged": "the judge's replies held no score (top reasons: {top}); check the judge model "
        "and the --prompt template, or try --structured",
    },
)


class Judge:
    """The ``judge`` recipe; see the module docstring."""

    expected_rows_per_request = 1.0
    stop_hints = STOP_HINTS
    tally = Tally()  # no counts of its own: rows turned away are counted by reason

    def __init__(self, options: JudgeOptions, template: JudgeTemplate, rows: list[AnswerRow]) -> None:
        """``rows`` with an empty answer get no request: each is counted (``empty_answer``)
        with the request of the next row that has one (or of the last)."""
        self.options = options
        self.template = template
        self.planned = [JudgePayload(row, tuple(empty)) for row, empty in carry_skipped(rows, has_answer)]

    def plan(self, index: int) -> Request | None:
        if index >= len(self.planned):
            return None
        payload = self.planned[index]
        return judge_request(
            index,
            self.template,
            payload.row.prompt,
            payload.row.answer,
            structured=self.options.structured,
            payload=payload,
            meta={"line": payload.row.line},
        )

    def screen_factory(self) -> JudgeScreenFactory:
        return JudgeScreenFactory(self.options)

    shard_group = 1

    def shard_screen_factory(self, counted: list[bool]) -> JudgeScreenFactory:
        """Every grade is the row's own: a shard screens as a single run does."""
        return self.screen_factory()

    def validate(self, completion: Completion) -> None:
        validate_judgement(completion, self.options.asked)

    def observe(self, rows: list[Row]) -> None:
        return None
