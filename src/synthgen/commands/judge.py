"""``synthgen judge``: the judge recipe, from its settings to an engine job."""

from __future__ import annotations

import logging
from pathlib import Path

from pydantic import BaseModel

from synthgen.commands.jobs import refuse_overwriting_inputs, run_with_card, teacher_job
from synthgen.commands.teachers import resolve_teacher
from synthgen.config import JudgeSettings
from synthgen.engine.session import SessionResult
from synthgen.errors import InputError
from synthgen.io.answer_rows import AnswerRow, load_answer_rows
from synthgen.io.files import file_digest, text_digest
from synthgen.io.writer import ExistingOutput
from synthgen.recipes.judge import Judge, JudgeOptions, RowFormat, has_answer
from synthgen.recipes.judgement import load_judge_template
from synthgen.recipes.skipped import EMPTY_ANSWER, EMPTY_HINT
from synthgen.records import AlpacaRecord, MessagesRecord

log = logging.getLogger("synthgen")


def run_judge(settings: JudgeSettings) -> SessionResult:
    """Run ``synthgen judge``. Raises SynthgenError for bad input, before any request."""
    teacher = resolve_teacher(settings)
    refuse_overwriting_inputs(settings, {"INPUT": settings.input, "--prompt": settings.prompt})
    settings.check_batch()
    template = load_judge_template(settings.prompt)
    rows = load_answer_rows(settings.input)
    row_format = resolve_format(settings.format, rows, settings.input)
    warn_empty_answers(rows, settings.input)
    options = JudgeOptions(
        min_score=settings.min_score, format=row_format, structured=settings.structured, asked=template.asked
    )
    resolved = {
        "format": row_format,
        "prompt": text_digest(template.text),
        "input": file_digest(settings.input),
    }

    def make_recipe(existing: ExistingOutput) -> Judge:
        return Judge(options, template, rows)

    row_model: type[BaseModel] = AlpacaRecord if row_format == "alpaca" else MessagesRecord
    job = teacher_job(
        settings,
        teacher,
        resolved=resolved,
        make_recipe=make_recipe,
        row_model=row_model,
        rerun_last_request=False,  # at most one row per request: continue after the last
        planned_rows=len(rows),
    )
    return run_with_card(job, settings)


def warn_empty_answers(rows: list[AnswerRow], path: Path) -> None:
    """Say how many rows get no request for want of an answer; refuse a file of nothing else."""
    empty = [row for row in rows if not has_answer(row)]
    if not empty:
        return
    hint = EMPTY_HINT.format(input=path)
    if len(empty) == len(rows):
        field = "messages" if empty[0].chat else "output"
        raise InputError(f"{path}:{empty[0].line}: {field}: every answer is empty ({len(rows)} rows): {hint}")
    log.warning(
        "%d of %d rows have an empty answer, skipped (%s): %s", len(empty), len(rows), EMPTY_ANSWER, hint
    )


def resolve_format(wanted: str, rows: list[AnswerRow], path: object) -> RowFormat:
    """``auto``: messages when any row is a conversation, else Alpaca. An explicit ``alpaca``
    with a conversation that is more than one user turn and its answer is an InputError."""
    if wanted == "auto":
        return "messages" if any(row.chat for row in rows) else "alpaca"
    if wanted == "messages":
        return "messages"
    misfits = [row for row in rows if row.alpaca is None]
    if misfits:
        raise InputError(
            [f"{path}:{row.line}: messages: {len(row.prompt)} turns before the answer cannot be "
             "written as an Alpaca row; use --format messages" for row in misfits]
        )  # fmt: skip
    return "alpaca"
