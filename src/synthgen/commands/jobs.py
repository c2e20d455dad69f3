"""What every recipe command's engine job shares: built once from the settings here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from synthgen.commands.card import write_run_card
from synthgen.commands.shard import check_shardable, shard_job
from synthgen.commands.teachers import TeacherSpec, build_teacher, new_meter
from synthgen.config import RunOutputOptions, TeacherOptions, TeacherRunOptions
from synthgen.config.markers import digest
from synthgen.config.shard import ShardOptions
from synthgen.engine.recipe import Recipe
from synthgen.engine.session import Job, SessionResult
from synthgen.engine.stages import Stages
from synthgen.exit_codes import PENDING
from synthgen.io.guards import Files, refuse_overwriting
from synthgen.io.writer import ExistingOutput
from synthgen.teacher.dispatch import Budgets, Dispatcher, UsageMeter

if TYPE_CHECKING:
    from synthgen.commands.inline_judging import InlineJudging


def command_stages(settings: TeacherOptions, output: Path) -> Stages:
    """The runner of a command writing ``output``: its budgets, for all its stages together."""
    return Stages(output, Budgets(settings.max_requests, settings.max_total_tokens, settings.max_cost))


def teacher_job(
    settings: TeacherRunOptions,
    teacher: TeacherSpec,
    *,
    resolved: dict[str, Any],
    make_recipe: Callable[[ExistingOutput], Recipe],
    row_model: type[BaseModel],
    rerun_last_request: bool,
    num: int | None = None,
    add: int | None = None,
    screen_in_worker: bool = False,
    screen_workers: int = 1,
    planned_rows: int | None = None,
    judging: InlineJudging | None = None,
    shard_group: int = 1,
    shard_merge: str = "rows",
    **overrides: Any,
) -> Job:
    """The engine job of a command: its settings, and the teacher it asks.

    ``resolved``: the fingerprint's values the command resolved (file digests...), beside the
    teacher kind. ``judging``: the inline judge (a second teacher of the stage, on the same budgets).
    ``overrides`` replace fields computed here (e.g. ``meter``, ``overwrite``, ``config``).
    With ``--shard`` the job is the shard's (:mod:`synthgen.commands.shard`), whose requests
    go in groups of ``shard_group`` (those one screen must see together) and ``synthgen merge``
    applies ``shard_merge``.
    """

    async def make_teacher(meter: UsageMeter, budgets: Budgets) -> Dispatcher:
        return build_teacher(teacher, meter, budgets)

    content = settings.fingerprint(teacher=teacher.kind, **resolved, **(judging.resolved if judging else {}))
    model, urls = teacher.options.model or "mock", teacher.options.base_url

    fields: dict[str, Any] = {
        "output": settings.output,
        "overwrite": settings.overwrite,
        "force": settings.force,
        "num": num,
        "add": add,
        "concurrency": settings.concurrency,
        "max_consecutive_failures": settings.max_consecutive_failures,
        "screen_in_worker": screen_in_worker,
        "screen_workers": screen_workers,
        "quiet": settings.quiet,
        "log_format": settings.log_format,
        "progress_interval": settings.progress_interval,
        "teacher_info": {"kind": teacher.kind, "model": model, "base_urls": urls},
        "config": settings.public_dict(),
        "content_config": content,
        "config_hash": digest(content),
        "make_recipe": make_recipe,
        "row_model": row_model,
        "rerun_last_request": rerun_last_request,
        "make_teacher": make_teacher,
        "meter": new_meter(teacher.options),
        "planned_rows": planned_rows,
        "make_reviewer": judging and judging.make_reviewer,
        "review_meter": judging and judging.meter,
    }
    job = Job(**{**fields, **overrides})
    number = settings.shard_number() if isinstance(settings, ShardOptions) else None
    if number is None:
        return job
    check_shardable(settings)
    return shard_job(job, number, shard_group, shard_merge, settings.shard_margin)


def refuse_overwriting_inputs(settings: RunOutputOptions, reads: Files) -> None:
    """The output guard of an engine run: ``--output`` and the files beside it, the response
    cache and a README card are none of ``reads`` (``--judge-prompt`` is added here)."""
    writes: dict[str, Path | None] = {"--output": settings.output}
    if settings.card == "readme":
        writes["--card readme"] = settings.output.parent / "README.md"
    if isinstance(settings, TeacherOptions):
        writes["--cache-path"] = settings.cache_path
    reads = {**reads, "--judge-prompt": getattr(settings, "judge_prompt", None)}
    refuse_overwriting(reads, writes, beside=["--output"])


def run_stage(
    stages: Stages, job: Job, settings: TeacherRunOptions, judging: InlineJudging | None = None
) -> SessionResult:
    """Run one stage of a command: live, or through the Batch API with ``--batch`` (a pass that
    collects what finished and submits what is missing; see commands/batch.py). ``judging``:
    the stage's inline judge (its grades go through batches of their own)."""
    if not getattr(settings, "batch", False):
        return stages.run(job)
    from synthgen.commands.batch import BatchJudge, run_batched
    from synthgen.commands.batch_submit import batch_link

    judge = None
    if judging is not None:
        options = judging.judge.options
        link = batch_link(options, judging.judge.kind)
        judge = BatchJudge(judging.review, judging.review.validate, options, link)
    return run_batched(job, settings, batch_link(settings, job.teacher_info["kind"]), stages, judge)


def run_with_card(
    job: Job, settings: TeacherRunOptions, judging: InlineJudging | None = None
) -> SessionResult:
    """Run ``job``, the command's one stage (through the Batch API with ``--batch``; ``judging``:
    its inline judge); a run that wrote its report gets its dataset card (``settings.card``),
    even one that stopped early: the card describes the file as it now is (an older card would
    not). A batch still waiting on the provider gets none yet."""
    with command_stages(settings, job.output) as stages:
        outcome = run_stage(stages, job, settings, judging)
    if outcome.report is not None and outcome.exit_code != PENDING and "shard" not in job.run_info:
        write_run_card(settings.output, settings.card)
    return outcome
