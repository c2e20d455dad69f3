"""``synthgen pairs``: answers grouped by prompt -> TRL preference pairs.

Stages of one runner (engine/stages.py: one lock on ``OUT``, one set of budgets for the whole
command), each a resumable engine session with its own file and report (a rerun skips the
finished ones: they have nothing left to ask):

1. with ``--samples K``: ``respond`` answers each prompt K times with ``--model`` into
   ``OUT-stem.answers.jsonl`` (and K times with ``--rejected-model`` into
   ``OUT-stem.weak-answers.jsonl``);
2. the ``pairs`` recipe (``recipes/pairs.py``): the judge grades every answer and each prompt's
   best and worst answers become a pair, in ``OUT``.

Answers belong to one prompt when their prompts are the same (so ``respond --samples``
output, two models' outputs concatenated, or any file with repeated prompts all work). With
``--rank verified`` (or ``auto`` and respond's ``verified`` flags in ``IN.meta.jsonl``) no
teacher is asked: :func:`write_verified_pairs` pairs a correct answer with a wrong one.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from synthgen.commands.card import write_run_card
from synthgen.commands.jobs import command_stages, refuse_overwriting_inputs, run_stage, teacher_job
from synthgen.commands.respond import respond_job
from synthgen.commands.teachers import resolve_teacher
from synthgen.commands.verified_pairs import write_verified_pairs
from synthgen.config import BatchOptions, PairsSettings, RespondSettings, RunOutputOptions, TeacherOptions
from synthgen.engine.session import SessionResult
from synthgen.engine.stages import Stages
from synthgen.errors import InputError, UsageError
from synthgen.exit_codes import OK, PENDING
from synthgen.io.answer_rows import load_answer_meta, load_answer_rows
from synthgen.io.beside import meta_path
from synthgen.io.files import file_digest, text_digest
from synthgen.io.guards import refuse_overwriting
from synthgen.io.writer import ExistingOutput
from synthgen.recipes.judge import has_answer
from synthgen.recipes.judgement import JudgeTemplate, load_judge_template
from synthgen.recipes.pairs import (
    AnswerGroup,
    GroupAnswer,
    Pairs,
    PairsOptions,
    has_prompt_traces,
    has_traces,
    without_empty,
)
from synthgen.recipes.skipped import EMPTY_ANSWER, EMPTY_HINT
from synthgen.records import PreferenceRecord

log = logging.getLogger("synthgen")

StageDone = Callable[[SessionResult, Path], None]


def stage_path(output: Path, name: str) -> Path:
    """``data/pairs.jsonl`` -> ``data/pairs.<name>.jsonl`` (not ``OUT.*.jsonl``: those are
    the side files of OUT, which a resumed run prunes)."""
    return output.with_name(f"{output.stem}.{name}{output.suffix or '.jsonl'}")


def run_pairs(settings: PairsSettings, on_stage: StageDone) -> SessionResult:
    """Run every stage; ``on_stage`` hears of each answering stage that finished well.

    Returns the last run (an answering stage's when it did not finish: its report names its
    output), or the verified ranking's. Raises SynthgenError for bad input before any request.
    """
    if settings.samples is None and settings.rejected_model:
        raise UsageError("--rejected-model needs --samples K (the answers are generated here)")
    if settings.samples is not None and settings.rank == "verified":
        raise UsageError(
            "--rank verified needs answers that respond verified; --samples makes unverified ones"
        )
    _refuse_overwriting_inputs(settings)
    template = load_judge_template(settings.judge_prompt)  # a bad --judge-prompt fails before any stage
    settings.check_batch()
    with command_stages(settings, settings.output) as stages:
        if settings.samples is None:
            answers = _input_answers(settings)
        else:
            answered = _answer(stages, settings, on_stage)
            if isinstance(answered, SessionResult):
                return answered
            answers = answered
        groups = _groups(answers, settings)
        if settings.samples is None and _rank(settings, answers) == "verified":
            return write_verified_pairs(groups, settings)
        outcome = _run_judged(stages, settings, template, groups)
    if outcome.exit_code == OK and outcome.report is not None:
        write_run_card(settings.output, settings.card)
    return outcome


def _answer(
    stages: Stages, settings: PairsSettings, on_stage: StageDone
) -> list[GroupAnswer] | SessionResult:
    """Run the answering stages; their answers, or the outcome of the stage that did not finish.

    With ``--batch`` the stages do not wait on each other (they are independent): every one
    submits its batches in the same run, and the judged stage starts once none is pending.
    """
    kind = resolve_teacher(settings).kind
    answers: list[GroupAnswer] = []
    pending: SessionResult | None = None
    for origin, model, name in _generators(settings):
        out = stage_path(settings.output, name)
        stage_settings = _respond_settings(settings, kind, model, out)
        outcome = run_stage(stages, respond_job(stage_settings), stage_settings)
        if outcome.exit_code == PENDING:
            pending = pending or outcome
            continue
        if outcome.exit_code != OK:
            return outcome
        on_stage(outcome, out)
        answers += [GroupAnswer(row, origin) for row in load_answer_rows(out)]
    return answers if pending is None else pending


def _refuse_overwriting_inputs(settings: PairsSettings) -> None:
    """Neither OUT nor an answering stage's file (nor what is written beside them) is an input."""
    reads = {"INPUT": [settings.input, meta_path(settings.input)], "--judge-prompt": settings.judge_prompt}
    refuse_overwriting_inputs(settings, reads)
    for _, _, name in _generators(settings) if settings.samples is not None else []:
        flag = f"--output (its {name} stage file)"
        refuse_overwriting(reads, {flag: stage_path(settings.output, name)}, beside=[flag])


def _generators(settings: PairsSettings) -> list[tuple[str, str | None, str]]:
    """(origin, model, stage name) of each answering stage."""
    stages: list[tuple[str, str | None, str]] = [("model", settings.model, "answers")]
    if settings.rejected_model:
        stages.append(("rejected_model", settings.rejected_model, "weak-answers"))
    return stages


def _respond_settings(settings: PairsSettings, kind: str, model: str | None, out: Path) -> RespondSettings:
    shared = (
        set(TeacherOptions.model_fields) | set(RunOutputOptions.model_fields) | set(BatchOptions.model_fields)
    )
    values: dict[str, Any] = settings.model_dump(include=shared)
    values.update(
        teacher=kind,
        model=model,
        input=settings.input,
        output=out,
        samples=settings.samples,
        format="alpaca" if settings.format == "standard" else "messages",
        json_report=False,
        card="none",  # an intermediate file; the pairs get the card
    )
    return RespondSettings.model_validate(values)


def _input_answers(settings: PairsSettings) -> list[GroupAnswer]:
    rows = load_answer_rows(settings.input)
    meta = load_answer_meta(settings.input, len(rows)) or [{} for _ in rows]
    return [GroupAnswer(row, None, _flag(line.get("verified"))) for row, line in zip(rows, meta, strict=True)]


def _flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _rank(settings: PairsSettings, answers: list[GroupAnswer]) -> str:
    flagged = all(a.verified is not None for a in answers)
    if settings.rank == "verified" and not flagged:
        raise InputError(
            f"{meta_path(settings.input)}: --rank verified needs a 'verified' flag for every answer "
            "(the meta file of respond --verify ... --keep all)"
        )
    if settings.rank == "auto":
        return "verified" if flagged else "judge"
    return settings.rank


def _groups(answers: list[GroupAnswer], settings: PairsSettings) -> list[AnswerGroup]:
    """Answers grouped by identical prompt, in order of first appearance; lone answers dropped."""
    if settings.format == "standard":
        _check_standard(answers, settings)
    by_prompt: dict[str, list[GroupAnswer]] = {}
    for answer in answers:
        by_prompt.setdefault(json.dumps(answer.row.prompt, sort_keys=True), []).append(answer)
    # Grouped by role and content only: a trace on a prompt turn does not split a group. Its
    # prompt's traces are the first answer's (should two answers of a group carry different
    # traces on the same prompt, the first's is written; the prompt is still the same).
    groups = [
        AnswerGroup(group[0].row.prompt, group, group[0].row.prompt_traces)
        for group in by_prompt.values()
        if len(group) > 1
    ]
    lone = len(by_prompt) - len(groups)
    _warn_empty(answers, groups, settings)
    if not groups:
        raise InputError(
            f"{settings.input}: no prompt has two answers to compare; pass --samples K to generate "
            "them, or give respond --samples K --keep all output"
        )
    if lone:
        log.warning("%d prompts have a single answer: no pair can come from them", lone)
    return groups


def _warn_empty(answers: list[GroupAnswer], groups: list[AnswerGroup], settings: PairsSettings) -> None:
    """Say how many answers are empty (no request is sent for them); refuse when no prompt
    keeps two answers with text."""
    empty = sum(not has_answer(a.row) for a in answers)
    if not empty:
        return
    hint = EMPTY_HINT.format(input=settings.input)
    if groups and not any(len(without_empty(g).answers) >= 2 for g in groups):
        raise InputError(
            f"{settings.input}: no prompt has two answers with text ({empty} answers are empty): {hint}"
        )
    log.warning("%d of %d answers are empty, skipped (%s): %s", empty, len(answers), EMPTY_ANSWER, hint)


def _check_standard(answers: list[GroupAnswer], settings: PairsSettings) -> None:
    """A standard (string) prompt holds a single user turn; longer ones need --format messages.

    So does a prompt turn with a trace field: inlined, the ``<think>`` block would become part
    of the question the model is trained on (a text format has it on answers only), and left
    out it would be lost, so it is refused as ``convert`` refuses it (io/layouts.py).
    """
    problems = [
        f"{settings.input}:{row.line}: messages: a prompt of {len(row.prompt)} turns needs "
        "--format messages (the standard format's prompt is one string)"
        for row in (a.row for a in answers)
        if row.alpaca is None
    ]
    problems += [
        f"{settings.input}:{row.line}: messages[0]: a reasoning trace on the prompt's "
        f"{row.prompt[0]['role']} turn needs --format messages (the standard prompt has no place for it)"
        for row in (a.row for a in answers)
        if row.alpaca is not None and any(row.prompt_traces)
    ]
    if problems:
        raise InputError(problems)


def _run_judged(
    stages: Stages, settings: PairsSettings, template: JudgeTemplate, groups: list[AnswerGroup]
) -> SessionResult:
    judge = settings.model_copy(
        update={
            "model": settings.judge_model or settings.model,
            "temperature": settings.judge_temperature,
            "max_tokens": settings.judge_max_tokens,
        }
    )
    teacher = resolve_teacher(judge)
    options = PairsOptions(
        format=settings.format, min_margin=settings.min_margin, structured=settings.judge_structured,
        asked=template.asked, traced=has_traces(groups), prompt_traced=has_prompt_traces(groups),
    )  # fmt: skip
    resolved = {"prompt": text_digest(template.text), "answers": _answers_digest(settings, groups)}

    def make_recipe(existing: ExistingOutput) -> Pairs:
        return Pairs(options, template, groups)

    job = teacher_job(
        judge,
        teacher,
        resolved=resolved,
        make_recipe=make_recipe,
        row_model=PreferenceRecord,
        rerun_last_request=False,  # a pair is written at its group's last request: go on after it
        planned_rows=len(groups),
        config=settings.public_dict(),  # as given, not the judge's copy
    )
    return run_stage(stages, job, judge)


def _answers_digest(settings: PairsSettings, groups: list[AnswerGroup]) -> str:
    if settings.samples is None:
        return file_digest(settings.input)
    texts = [a.row.with_trace for g in groups for a in g.answers]
    return text_digest(json.dumps(texts))
