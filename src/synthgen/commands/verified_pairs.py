"""``synthgen pairs`` ranked by respond's ``verified`` flags: no teacher, no engine.

Each prompt's first verified-correct answer is chosen over its first wrong one
(:func:`~synthgen.recipes.pairs.choose_verified`). The pass is deterministic and cheap, so a rerun
rewrites its files whole (atomically) rather than resuming: OUT, its meta file, the skipped
prompts in ``OUT.rejected.jsonl``, and a run report of the same form as an engine run's (so the
summary, ``--json`` and the dataset card read it alike).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from synthgen.commands.card import write_run_card
from synthgen.config import PairsSettings
from synthgen.config.markers import digest
from synthgen.engine.report import Counts, build_report
from synthgen.engine.run import RunResult
from synthgen.engine.session import SessionResult
from synthgen.engine.stop import StopReason
from synthgen.exit_codes import OK
from synthgen.io.beside import REJECTED, meta_path, report_path, side_path
from synthgen.io.files import atomic_writer, file_digest, output_errors, write_jsonl_atomic
from synthgen.recipes.pair_rows import pair_prompt, preference_row
from synthgen.recipes.pairs import (
    AnswerGroup,
    answer_note,
    choose_verified,
    has_prompt_traces,
    has_traces,
)
from synthgen.reports import RunReport
from synthgen.teacher.dispatch import UsageMeter


def write_verified_pairs(groups: list[AnswerGroup], settings: PairsSettings) -> SessionResult:
    """Write the pairs of ``groups``; the result reads like a finished engine run's."""
    started = time.time()
    counts = Counts(candidates=len(groups))
    rows: list[Any] = []
    meta: list[Any] = []
    skipped: list[Any] = []
    traced = has_traces(groups)
    prompt_traced = has_prompt_traces(groups)  # every prompt turn gets the key (pair_prompt)
    for number, group in enumerate(groups):
        choice = choose_verified(group)
        prompt = pair_prompt(group.prompt, settings.format, group.traces if prompt_traced else None)
        if isinstance(choice, str):
            counts.rejected[choice] += 1
            notes = [{**answer_note(a), "answer": a.row.answer} for a in group.answers]
            # "_request" as the engine's side files have it, so that a later judged run on
            # this output drops these lines rather than mixing them with its own
            skipped.append(
                {"prompt": prompt, "answers": notes, "_rejected": {"reason": choice}, "_request": number}
            )
            continue
        chosen, rejected = choice
        rows.append(preference_row(prompt, chosen.row, rejected.row, settings.format, traced=traced))
        meta.append(
            {
                "index": len(meta),
                "group": number,
                "chosen": answer_note(chosen),
                "rejected": answer_note(rejected),
            }
        )
    counts.kept = len(rows)
    content = {"rank": "verified", "format": settings.format, "input": file_digest(settings.input)}
    report = build_report(
        output=str(settings.output),
        teacher={"kind": None, "model": None, "base_urls": []},  # the answers' teacher is in IN's report
        config=settings.public_dict(),
        counts=counts,
        meter=UsageMeter(),
        config_hash=digest(content),
        content_config=content,
        started=started,
        stop_reason=StopReason.PLAN_DONE.value,
        exit_code=OK,
        total_examples=len(rows),
        previous=None,
    )
    _write_all(settings.output, rows, meta, skipped, report)
    if rows:
        write_run_card(settings.output, settings.card)
    return SessionResult(RunResult(StopReason.PLAN_DONE, counts), report, 0)


def _write_all(output: Path, rows: list[Any], meta: list[Any], skipped: list[Any], report: RunReport) -> None:
    with output_errors(output, flag="--output"):
        output.parent.mkdir(parents=True, exist_ok=True)
        write_jsonl_atomic(side_path(output, REJECTED), skipped)
        write_jsonl_atomic(meta_path(output), meta)
        with atomic_writer(report_path(output)) as handle:
            handle.write(report.to_json())
        write_jsonl_atomic(output, rows)
