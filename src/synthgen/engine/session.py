"""One run over one output file: resume point, writer, report, progress, the engine.

Every recipe that writes a dataset runs through :func:`run_session`, called by the runner of
:mod:`synthgen.engine.stages` (which holds the lock and the budgets); the recipe's command only
says how to build the recipe and the teacher (see :class:`Job`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from synthgen.engine.progress import ProgressReporter, setup_logging
from synthgen.engine.recipe import Recipe
from synthgen.engine.report import Counts, build_report, correct_killed_run
from synthgen.engine.review import Grader, Review
from synthgen.engine.run import Engine, EngineOptions, RunResult
from synthgen.engine.stop import StopReason
from synthgen.exit_codes import FAILURE, OK, PARTIAL, PENDING, SIGNAL_EXIT
from synthgen.io.resume import find_start
from synthgen.io.side_files import prune_side_files
from synthgen.io.writer import DatasetWriter, ExistingOutput
from synthgen.reports import RunReport
from synthgen.teacher.dispatch import Budgets, Dispatcher, UsageMeter

log = logging.getLogger("synthgen")


# A teacher (or a reviewer and its teacher) from the run's meter and the command's budgets.
MakeTeacher = Callable[[UsageMeter, Budgets], Awaitable[Dispatcher]]
MakeReviewer = Callable[[Budgets], Awaitable[tuple[Review, Grader]]]


@dataclass(frozen=True)
class Job:
    """What a command hands to :func:`run_session` (built from its settings model)."""

    output: Path
    overwrite: bool
    force: bool
    num: int | None  # total rows wanted in the output; None: everything the recipe plans
    add: int | None  # or: grow the existing output by this many rows
    concurrency: int
    max_consecutive_failures: int
    screen_in_worker: bool
    quiet: bool
    log_format: str
    teacher_info: dict[str, Any]  # kind, model, base URLs (no secret)
    config: dict[str, Any]  # the resolved settings (no secret)
    content_config: dict[str, Any]  # what decides the content: a resumed run must match it
    config_hash: str
    make_recipe: Callable[[ExistingOutput], Recipe]
    row_model: type[BaseModel]  # validates the rows of an existing output on resume
    rerun_last_request: bool  # see io.resume.find_start
    make_teacher: MakeTeacher
    meter: UsageMeter
    planned_rows: int | None = None  # shown as the progress total when there is no target
    screen_workers: int = 1  # processes screening, when screen_in_worker (engine.screening)
    progress_interval: float = 5.0  # seconds between plain progress lines
    # A recipe run in stages on one output (evolve's rounds) starts each stage at its own
    # first request, even when the last row kept so far came from an earlier request.
    min_first_request: int = 0
    run_info: dict[str, Any] = field(default_factory=dict)  # added to this run's report entry
    make_reviewer: MakeReviewer | None = None  # a review of kept rows and its grader (engine.review)
    review_meter: UsageMeter | None = None  # its usage, reported apart
    # The rows of an existing output that count towards the target (None: all of them); a
    # shard's file holds candidates, of which only some count (engine.recipe.Verdict.counted).
    counted_rows: Callable[[ExistingOutput], int] | None = None
    # A --batch pass: whether requests of the run still wait at the provider once it ends (the
    # run is then paused, not ended: an --overwrite run's old files stay until it ends).
    waiting: Callable[[], bool] | None = None


@dataclass(frozen=True)
class SessionResult:
    result: RunResult
    report: RunReport | None  # None: there was nothing to do
    exit_code: int


def exit_code_for(result: RunResult, *, target_reached: bool) -> int:
    """The exit code of a finished run."""
    if result.signal is not None:
        return SIGNAL_EXIT.get(result.signal, 128 + result.signal)
    if result.stop_reason is StopReason.BATCH_PENDING:
        return PENDING
    if target_reached:
        return OK
    if result.stop_reason is StopReason.TEACHER_ERROR:
        return FAILURE
    return PARTIAL


def run_session(job: Job, budgets: Budgets) -> SessionResult:
    """Run ``job`` to its end, its teachers reserving against ``budgets``; the caller holds the
    output's lock (see :class:`synthgen.engine.stages.Stages`). Raises SynthgenError for bad
    input before any request."""
    setup_logging(job.log_format)
    return asyncio.run(_run(job, budgets))


async def _run(job: Job, budgets: Budgets) -> SessionResult:
    started = time.time()
    start = find_start(
        job.output,
        overwrite=job.overwrite,
        force=job.force,
        config_hash=job.config_hash,
        content_config=job.content_config,
        rerun_last_request=job.rerun_last_request,
        row_model=job.row_model,
        at_least=job.min_first_request,
    )
    existing = start.existing
    have = len(existing.records) if job.counted_rows is None else job.counted_rows(existing)
    target = have + job.add if job.add else job.num
    if target is not None and have >= target:
        log.info("%s already has %d examples (target %d); nothing to do", job.output, have, target)
        result = RunResult(StopReason.NOTHING_TO_DO, Counts())
        return SessionResult(result, None, exit_code_for(result, target_reached=True))
    if not job.overwrite:  # the lines of the requests this run asks again
        prune_side_files(job.output, start.first_request)
    previous = correct_killed_run(existing.report, len(existing.records))
    if previous is not existing.report:
        log.info(
            "%s: the previous run was killed before it finished; its history entry is corrected", job.output
        )
    recipe = job.make_recipe(existing)
    writer = DatasetWriter(job.output, overwrite=job.overwrite, first_index=len(existing.records))

    def report(stop: str, exit_code: int | None) -> RunReport:
        data = build_report(
            output=str(job.output),
            teacher=job.teacher_info,
            config=job.config,
            counts=engine.counts,
            meter=job.meter,
            config_hash=job.config_hash,
            content_config=job.content_config,
            started=started,
            stop_reason=stop,
            exit_code=exit_code,
            total_examples=writer.count,
            previous=previous,
            run_info=job.run_info,
            review_meter=job.review_meter,
        )
        writer.write_report(data)
        return data

    options = EngineOptions(
        concurrency=job.concurrency,
        target=None if target is None else target - have,
        first_index=start.first_request,
        max_consecutive_failures=job.max_consecutive_failures,
        screen_in_worker=job.screen_in_worker,
        screen_workers=job.screen_workers,
    )
    total = target if target is not None else job.planned_rows
    progress = ProgressReporter(
        total=total, quiet=job.quiet, log_format=job.log_format, interval=job.progress_interval
    )
    make_reviewer = job.make_reviewer
    engine = Engine(
        recipe,
        lambda: job.make_teacher(job.meter, budgets),
        writer,
        options,
        progress,
        None if make_reviewer is None else lambda: make_reviewer(budgets),
    )
    report("running", None)
    try:
        result = await engine.run()
    except BaseException:
        writer.discard_if_unused()  # e.g. the cache cannot open: leave no empty dataset behind
        raise
    finally:
        progress.close(writer.count)
    reached = target is None and result.stop_reason is StopReason.PLAN_DONE
    reached = reached or (target is not None and have + result.counts.kept >= target)
    code = exit_code_for(result, target_reached=reached)
    final = report(result.stop_reason.value, code)
    paused = code == PENDING or (job.waiting is not None and job.waiting())
    if writer.close(complete=reached, paused=paused):
        return SessionResult(result, final, code)
    if paused:
        log.info("%s: the old files stay until this --overwrite run's batches are collected", job.output)
        return SessionResult(result, final, code)
    # an --overwrite run that wrote nothing: the old files (and their report) stay
    log.warning("%s: this --overwrite run wrote no row; the old files are kept as they were", job.output)
    return SessionResult(result, None, code)
