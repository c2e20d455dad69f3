"""Preference pairs: for each prompt, its best and worst answer (``synthgen pairs``).

Design: a pairs run is a judge run over answers grouped by prompt, whose screen closes each
group when its last answer is graded. Answers are screened strictly in request order and a
group's answers are consecutive requests, so the screen sees a group whole: it ranks the graded
answers and writes one ``{"prompt", "chosen", "rejected"}`` row (TRL's preference format) or
counts why the prompt gave none:

* ``unjudged``: fewer than two answers got a score;
* ``tie``: the best and the worst answer have the same score;
* ``below_margin``: they differ by less than ``--min-margin``;
* ``identical``: the two texts are the same;
* ``empty_answer``: empty answers left it fewer than two (those get no request at all; the
  empty answers of a group that still pairs are counted as ``empty_answers`` in the metrics).

A pair is written at its group's last request, so a resumed run starts at the first answer of
the next group, and a group is never split across runs. Grades are requested exactly as
``judge`` requests them (same prompt, sample 0), so a ``judge`` run's cached grades are reused.

With answers verified by ``respond --verify ... --keep all``, :func:`choose_verified` ranks by
the ``verified`` flag instead, with no teacher at all (``commands/pairs.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from synthgen.engine.recipe import Answer, Request, Row, StopHints, Tally, Verdict
from synthgen.io.answer_rows import AnswerRow
from synthgen.io.beside import REJECTED
from synthgen.recipes.judge import has_answer, judge_metrics, judge_request, validate_judgement
from synthgen.recipes.judgement import Judgement, JudgeTemplate, parse_judgement
from synthgen.recipes.pair_rows import PairFormat, PromptField, pair_prompt, preference_row
from synthgen.recipes.skipped import carry_skipped, count_empty
from synthgen.recipes.verdict import DEFAULT_ASKED
from synthgen.records import Completion
from synthgen.teacher.base import Message

SKIP_REASONS = ("unjudged", "tie", "below_margin", "identical")


@dataclass(frozen=True)
class GroupAnswer:
    """One answer to a group's prompt, and where it came from."""

    row: AnswerRow
    origin: str | None = None  # which model wrote it, when pairs generated it
    verified: bool | None = None  # respond's verification flag, when the input had one


@dataclass(frozen=True)
class AnswerGroup:
    prompt: list[Message]
    answers: list[GroupAnswer]
    traces: tuple[str | None, ...] = ()  # the prompt turns' trace fields, as read (None: none)


@dataclass(frozen=True)
class PairsOptions:
    format: PairFormat
    min_margin: int
    structured: bool
    asked: tuple[str, ...] = DEFAULT_ASKED  # the verdict formats the judge prompt asks for
    traced: bool = False  # some answers carry a trace (see preference_row)
    prompt_traced: bool = False  # some prompt turns carry a trace field (see pair_prompt)


def has_traces(groups: list[AnswerGroup]) -> bool:
    """Whether any answer of ``groups`` carries a reasoning trace."""
    return any(answer.row.trace is not None for group in groups for answer in group.answers)


def has_prompt_traces(groups: list[AnswerGroup]) -> bool:
    """Whether any prompt of ``groups`` has a turn with a trace field."""
    return any(trace is not None for group in groups for trace in group.traces)


def group_prompt(prompt: list[Message], traces: tuple[str | None, ...], options: PairsOptions) -> PromptField:
    """The ``prompt`` field of a group's rows (its pair, or its line in the rejected file)."""
    return pair_prompt(prompt, options.format, traces if options.prompt_traced else None)


Graded = tuple[GroupAnswer, Judgement | None]


def choose_judged(graded: list[Graded], min_margin: int) -> tuple[Graded, Graded] | str:
    """``(best, worst)`` by score (the first of equals), or the reason there is no pair."""
    scored = [(a, j) for a, j in graded if j is not None]
    if len(scored) < 2:
        return "unjudged"
    best = max(scored, key=lambda item: item[1].score)  # type: ignore[union-attr]
    worst = min(scored, key=lambda item: item[1].score)  # type: ignore[union-attr]
    margin = best[1].score - worst[1].score  # type: ignore[union-attr]
    if margin == 0:
        return "tie"
    if margin < min_margin:
        return "below_margin"
    if best[0].row.reply == worst[0].row.reply:
        return "identical"
    return best, worst


def choose_verified(group: AnswerGroup) -> tuple[GroupAnswer, GroupAnswer] | str:
    """The first verified-correct and the first wrong answer, or the reason there is no pair."""
    right = [a for a in group.answers if a.verified]
    wrong = [a for a in group.answers if a.verified is False]
    if not right:
        return "all_wrong"
    if not wrong:
        return "all_correct"
    if right[0].row.reply == wrong[0].row.reply:
        return "identical"
    return right[0], wrong[0]


def answer_note(answer: GroupAnswer, judgement: Judgement | None = None) -> dict[str, Any]:
    """What the meta and rejected files say about one answer."""
    note: dict[str, Any] = {"line": answer.row.line}
    if answer.origin is not None:
        note["origin"] = answer.origin
    if answer.verified is not None:
        note["verified"] = answer.verified
    if judgement is not None:
        note.update(score=judgement.score, reason=judgement.reason)
    return note


@dataclass(frozen=True)
class Slot:
    """The payload of one request: an answer, its group, and whether it closes the group;
    the first slot of a group carries the groups before it that empty answers left without a
    pair (no request), the last one how many of its own answers were empty."""

    group: int
    answer: GroupAnswer
    last: bool
    prompt: list[Message]
    unpaired: tuple[AnswerGroup, ...] = ()
    empty_answers: int = 0
    traces: tuple[str | None, ...] = ()  # the prompt turns' trace fields (AnswerGroup.traces)


def without_empty(group: AnswerGroup) -> AnswerGroup:
    return AnswerGroup(group.prompt, [a for a in group.answers if has_answer(a.row)], group.traces)


def _slots(groups: list[AnswerGroup]) -> list[Slot]:
    """One slot per answer that has text, in groups that keep two such answers."""
    slots = []
    pairable = carry_skipped(groups, lambda g: len(without_empty(g).answers) >= 2)
    for number, (group, unpaired) in enumerate(pairable):
        answers = without_empty(group).answers
        for position, answer in enumerate(answers):
            last = position == len(answers) - 1
            slots.append(
                Slot(
                    number, answer, last, group.prompt,
                    unpaired=tuple(unpaired) if position == 0 else (),
                    empty_answers=len(group.answers) - len(answers) if last else 0,
                    traces=group.traces,
                )
            )  # fmt: skip
    return slots


@dataclass
class PairsScreen:
    options: PairsOptions
    graded: list[Graded] = field(default_factory=list)  # the current group's answers so far

    def screen(self, answer: Answer, limit: int) -> Verdict:
        slot: Slot = answer.payload
        judgement = parse_judgement(answer.text, self.options.asked)
        verdict = Verdict(useful=judgement is not None)
        self._count_empty(slot, verdict)
        judge_metrics(verdict, judgement)
        self.graded.append((slot.answer, judgement))
        if slot.last:
            self._close_group(slot, verdict)
            self.graded = []
        return verdict

    def _count_empty(self, slot: Slot, verdict: Verdict) -> None:
        """Groups that empty answers left without a pair are candidates turned away (no
        request was sent for them); empty answers of a group that still pairs are counted."""
        skipped = [
            {
                "prompt": group_prompt(g.prompt, g.traces, self.options),
                "answers": [answer_note(a) for a in g.answers],
            }
            for g in slot.unpaired
        ]
        count_empty(verdict, skipped)
        empty = slot.empty_answers + sum(
            len(g.answers) - len(without_empty(g).answers) for g in slot.unpaired
        )
        if empty:
            verdict.metrics["empty_answers"] += empty

    def _close_group(self, slot: Slot, verdict: Verdict) -> None:
        verdict.candidates += 1
        choice = choose_judged(self.graded, self.options.min_margin)
        if isinstance(choice, str):
            verdict.rejected[choice] += 1
            skipped = {
                "prompt": group_prompt(slot.prompt, slot.traces, self.options),
                "answers": [{**answer_note(a, j), "answer": a.row.answer} for a, j in self.graded],
                "_rejected": {"reason": choice},
            }
            verdict.side.append((REJECTED, skipped))
            return
        (chosen, chosen_grade), (rejected, rejected_grade) = choice
        prompt = group_prompt(slot.prompt, slot.traces, self.options)
        row = preference_row(
            prompt, chosen.row, rejected.row, self.options.format, traced=self.options.traced
        )
        verdict.kept.append(row)
        verdict.meta = {
            "group": slot.group,
            "chosen": answer_note(chosen, chosen_grade),
            "rejected": answer_note(rejected, rejected_grade),
            "scores": [None if j is None else j.score for _, j in self.graded],
        }


@dataclass(frozen=True)
class PairsScreenFactory:
    options: PairsOptions

    def __call__(self) -> PairsScreen:
        return PairsScreen(self.options)


# What a run says when the judge's grades stop making pairs (see engine.recipe.StopHints).
STOP_HINTS = StopHints(
    unreadable="{n} grades held no score (a sample: {sample}); check the judge model and the "
    "--judge-prompt template, or try --judge-structured",
    rejected="no pair came from their groups (top reasons: {top}); lower --min-margin, or give "
    "more answers per prompt (--samples)",
)


class Pairs:
    """The ``pairs`` recipe (judge ranking); see the module docstring."""

    stop_hints = STOP_HINTS
    tally = Tally()  # no counts of its own: rows turned away are counted by reason

    def __init__(self, options: PairsOptions, template: JudgeTemplate, groups: list[AnswerGroup]) -> None:
        self.options = options
        self.template = template
        self.slots = _slots(groups)
        # a pair per group, at best; one request per answer
        self.expected_rows_per_request = len(groups) / max(1, len(self.slots))

    def plan(self, index: int) -> Request | None:
        if index >= len(self.slots):
            return None
        slot = self.slots[index]
        row = slot.answer.row
        return judge_request(
            index,
            self.template,
            row.prompt,
            row.answer,
            structured=self.options.structured,
            payload=slot,
            meta={},  # a pair's meta names the lines of both of its answers
        )

    def screen_factory(self) -> PairsScreenFactory:
        return PairsScreenFactory(self.options)

    def validate(self, completion: Completion) -> None:
        validate_judgement(completion, self.options.asked)

    def observe(self, rows: list[Row]) -> None:
        return None
