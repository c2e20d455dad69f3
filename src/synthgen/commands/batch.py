"""``--batch``: a command's requests go through the Batch API; the next run collects them.

One pass (each run; ``--batch-wait`` repeats it until nothing is pending)::

    OUT.batch.json -> checks (configuration, --force, --overwrite) -> poll the batches
        -> collect the finished ones into the response cache (teacher/batch_collect.py)
        -> the engine runs the recipe as a live run would, against a BatchTeacher
           (teacher/batch_teacher.py: answers from the cache, records what is missing)
        -> the recorded requests are uploaded and their batches created (batch_submit.py)
        -> exit 75 while anything is pending, else the run's own exit code

The engine is not told about batches; the seam is the teacher (see batch_teacher.py). With an
inline judge (``--judge-model``) the judge is a second :class:`~synthgen.commands.batch_series.Series`
with its own ``OUT.judge.batch.json``: its grades are asked of a BatchTeacher too, and the
review stage keeps a hole at the first pending grade as the ordered stream does at the first
pending answer (engine/review.py). A command of several stages (``pairs``, ``evolve``) runs a
pass per stage (commands/jobs.py ``run_stage``).
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from synthgen.commands.batch_series import Series
from synthgen.commands.batch_submit import BatchLink
from synthgen.commands.batch_watch import BatchWatch
from synthgen.engine.report import Counts
from synthgen.engine.review import Review, TeacherGrader
from synthgen.engine.run import RunResult
from synthgen.engine.session import Job, SessionResult
from synthgen.engine.stages import Stages
from synthgen.engine.stop import StopReason
from synthgen.exit_codes import PENDING, SIGNAL_EXIT
from synthgen.io.beside import batch_state_path
from synthgen.records import Completion
from synthgen.teacher.batch_teacher import BatchTeacher
from synthgen.teacher.budget import Budgets, UsageMeter

log = logging.getLogger("synthgen")

# The engine answers from the cache in a --batch run: many requests "in flight" cost nothing.
BATCH_CONCURRENCY = 512
JUDGE = "judge"  # the inline judge's series: OUT.judge.batch.json


@dataclass(frozen=True)
class BatchJudge:
    """An inline judge in a ``--batch`` run: its review, and its own teacher's options and link."""

    review: Review
    validate: Callable[[Completion], None]
    settings: Any
    link: BatchLink


class BatchGrader(TeacherGrader):
    """The inline judge's grader in a ``--batch`` run: each grade is asked under its own number
    (the grade request's index: its answer's request and its row's place), which names it in the
    judge's batches; a live grader asks under its answer's number (only a priority there)."""

    def grade(self, request: Any, priority: int) -> Any:
        return super().grade(request, request.index)


def run_batched(
    job: Job,
    settings: Any,
    link: BatchLink,
    stages: Stages,
    judge: BatchJudge | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> SessionResult:
    """Run ``job`` in ``--batch`` mode (see the module docstring), each pass a stage of
    ``stages`` (which holds the output's lock)."""
    series = [Series(settings, link, batch_state_path(job.output))]
    if judge is not None:
        series.append(Series(judge.settings, judge.link, batch_state_path(job.output, JUDGE)))
    watch = BatchWatch(wait=settings.batch_wait, quiet=job.quiet, log_format=job.log_format)
    try:
        while True:
            outcome = _one_pass(job, series, stages, judge, watch)
            if not settings.batch_wait or outcome.exit_code != PENDING:
                return outcome
            sleep(settings.batch_poll_seconds)
    except KeyboardInterrupt:  # while polling or waiting (a run's engine handles its own)
        watch.close()
        log.info(
            "interrupted: the batches keep running at the provider; rerun the same command to collect them"
        )
        return _pending(SIGNAL_EXIT[signal.SIGINT])
    finally:
        watch.close()


def _one_pass(
    job: Job, series: list[Series], stages: Stages, judge: BatchJudge | None, watch: BatchWatch
) -> SessionResult:
    for each in series:
        each.start(job)
    collected = asyncio.run(_collect_all(series, job))
    for each in series:
        stages.carried[each.path] = each.carried()
    in_flight = [record for each in series for record in each.in_flight()]
    if in_flight and not collected:
        watch.show(in_flight)
        return _pending(PENDING)
    watch.close()  # the engine draws its own panel
    outcome = stages.run(_batch_job(job, series, judge), _budgets(series[0].settings, stages))
    for each in series:
        each.finish()
        stages.carried[each.path] = each.carried()
    if any(each.state.pending() for each in series) and outcome.exit_code not in SIGNAL_EXIT.values():
        return replace(outcome, exit_code=PENDING)
    return outcome


async def _collect_all(series: list[Series], job: Job) -> int:
    return sum([await each.collect(job.output.parent) for each in series])


def _budgets(settings: Any, stages: Stages) -> Budgets:
    """Each pass counts, beside its own usage, what the series used or hold so far (every
    stage's state files, which already have the earlier passes): its own budgets rather than
    the command's."""
    budgets = Budgets(settings.max_requests, settings.max_total_tokens, settings.max_cost)
    for carried in stages.carried.values():
        budgets.include(carried)
    return budgets


def _batch_job(job: Job, series: list[Series], judge: BatchJudge | None) -> Job:
    """``job`` with its teachers (and its judge's) answering from batches."""
    figures: dict[str, Any] = {}  # the report's batch entry; each series' submission adds to it
    main = series[0]

    async def make_teacher(_: UsageMeter, budgets: Budgets) -> BatchTeacher:
        return main.teacher(budgets, figures)

    changes: dict[str, Any] = {
        "make_teacher": make_teacher, "meter": main.meter, "concurrency": max(job.concurrency, BATCH_CONCURRENCY),
        "run_info": {**job.run_info, "batch": figures},
        "waiting": lambda: any(each.state.pending() for each in series),
    }  # fmt: skip
    if judge is not None:
        review, grades = judge.review, series[1]

        async def make_reviewer(budgets: Budgets) -> tuple[Review, BatchGrader]:
            return review, BatchGrader(grades.teacher(budgets, figures), judge.validate)  # type: ignore[arg-type]

        changes.update(make_reviewer=make_reviewer, review_meter=grades.meter)
    return replace(job, **changes)


def _pending(code: int) -> SessionResult:
    return SessionResult(RunResult(StopReason.BATCH_PENDING, Counts()), None, code)
