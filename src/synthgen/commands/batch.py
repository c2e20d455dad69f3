"""``--batch``: a command's requests go through the Batch API; the next run collects them.

One pass (each run; ``--batch-wait`` repeats it until nothing is pending)::

    OUT.batch.json -> checks (configuration, --force, --overwrite) -> poll the batches
        -> collect the finished ones into the response cache (teacher/batch_collect.py)
        -> the engine runs the recipe as a live run would, against a BatchTeacher
           (teacher/batch_teacher.py: answers from the cache, records what is missing)
        -> the recorded requests are uploaded and their batches created (batch_submit.py)
        -> exit 75 while anything is pending, else the run's own exit code

The engine is not told about batches; the seam is the teacher (see batch_teacher.py).
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from synthgen.commands.batch_submit import BatchLink, cancel_pending, submit_pending
from synthgen.config import TeacherOptions
from synthgen.engine.report import Counts
from synthgen.engine.run import RunResult
from synthgen.engine.session import Job, SessionResult
from synthgen.engine.stages import Stages
from synthgen.engine.stop import StopReason
from synthgen.errors import UsageError
from synthgen.exit_codes import PENDING, SIGNAL_EXIT
from synthgen.teacher.batch_collect import collect, poll
from synthgen.teacher.batch_state import BatchState, load_state, state_path
from synthgen.teacher.batch_teacher import BatchPlanner, BatchTeacher
from synthgen.teacher.budget import Budgets, ModelUsage, UsageMeter
from synthgen.teacher.cache import ResponseCache

log = logging.getLogger("synthgen")

# The engine answers from the cache in a --batch run: many requests "in flight" cost nothing.
BATCH_CONCURRENCY = 512


def run_batched(
    job: Job, settings: Any, link: BatchLink, stages: Stages, sleep: Callable[[float], None] = time.sleep
) -> SessionResult:
    """Run ``job`` in ``--batch`` mode (see the module docstring), each pass a stage of
    ``stages`` (which holds the output's lock)."""
    try:
        while True:
            outcome = _one_pass(job, settings, link, stages)
            if not settings.batch_wait or outcome.exit_code != PENDING:
                return outcome
            sleep(settings.batch_poll_seconds)
    except KeyboardInterrupt:  # while polling or waiting (a run's engine handles its own)
        log.info(
            "interrupted: the batches keep running at the provider; rerun the same command to collect them"
        )
        return _pending(job, SIGNAL_EXIT[signal.SIGINT])


def _one_pass(job: Job, settings: Any, link: BatchLink, stages: Stages) -> SessionResult:
    path = state_path(job.output)
    state = _starting_state(load_state(path), job, link, path)
    meter = _batch_meter(settings)
    collected = asyncio.run(_collect_finished(state, path, settings, link, meter, job.output.parent))
    in_flight = [
        b for b in state.pending() if b.status not in ("completed", "failed", "expired", "cancelled")
    ]
    stages.carried[path] = _carried(state, settings)
    if in_flight and not collected:
        for record in in_flight:
            log.info(
                "batch %s is %s (%d of %d requests done); rerun the same command to collect it",
                record.batch_id or record.file_id, record.status, record.completed, record.total or record.requests,
            )  # fmt: skip
        return _pending(job, PENDING)
    run_info: dict[str, Any] = {}
    # Each pass counts, beside its own usage, what the series used or holds so far (every
    # stage's OUT.batch.json, which already has the earlier passes): its own budgets rather
    # than the command's.
    budgets = Budgets(settings.max_requests, settings.max_total_tokens, settings.max_cost)
    for carried in stages.carried.values():
        budgets.include(carried)

    async def make_teacher(_: UsageMeter, budgets: Budgets) -> BatchTeacher:
        return _batch_teacher(state, path, settings, link, meter, budgets, run_info)

    batch_job = replace(
        job, make_teacher=make_teacher, meter=meter, concurrency=max(job.concurrency, BATCH_CONCURRENCY),
        run_info={**job.run_info, "batch": run_info},
    )  # fmt: skip
    outcome = stages.run(batch_job, budgets)
    state.spent.prompt_tokens += sum(u.prompt_tokens for u in meter.by_model.values())
    state.spent.completion_tokens += sum(u.completion_tokens for u in meter.by_model.values())
    state.spent.cost += meter.cost() or 0.0
    if not state.pending() and state.completed_at is None and state.first_submitted_at is not None:
        state.completed_at = time.time()
    state.save(path)
    stages.carried[path] = _carried(state, settings)
    if state.pending() and outcome.exit_code not in SIGNAL_EXIT.values():
        return replace(outcome, exit_code=PENDING)
    return outcome


def _starting_state(state: BatchState | None, job: Job, link: BatchLink, path: Path) -> BatchState:
    """The state to go on with: checked against the configuration, --force and --overwrite."""
    fresh = BatchState.new(job.config_hash, link.endpoint, job.overwrite)
    if state is None:
        return fresh
    state.drop_planned()
    pending = state.pending()
    same = state.fingerprint == job.config_hash
    if job.overwrite and not (same and state.overwrite and pending):
        asyncio.run(cancel_pending(state, link, path, why="--overwrite"))
        return fresh
    if pending and not same:
        if not job.force:
            raise UsageError(
                f"{job.output}: {len(pending)} batch(es) of another configuration are pending "
                f"({', '.join(b.batch_id or b.part for b in pending)}): rerun with the options that "
                "submitted them to collect them, or pass --force to cancel them"
            )
        asyncio.run(cancel_pending(state, link, path, why="--force"))
        return fresh
    if not pending and not same:
        return fresh
    return state


async def _collect_finished(
    state: BatchState, path: Path, settings: Any, link: BatchLink, meter: UsageMeter, folder: Path
) -> int:
    """Poll, create batches a killed run uploaded but never created, collect the finished ones."""
    if not state.pending():
        return 0
    api = link.open()
    try:
        await submit_pending(api, state, lambda: state.save(path))
        await poll(api, state, lambda: state.save(path))
        done = [b for b in state.pending() if b.status in ("completed", "failed", "expired", "cancelled")]
        if not done:
            return 0
        cache = ResponseCache(settings.cache_path or link.cache_path())
        try:
            for record in done:
                await collect(api, record, state, cache, meter, folder=folder, model=link.model, endpoint=link.endpoint_name)  # fmt: skip
                state.save(path)
                if record.status == "failed":
                    log.warning(
                        "batch %s failed: %s", record.batch_id, "; ".join(record.errors) or "no reason given"
                    )
        finally:
            cache.close()
        return len(done)
    finally:
        await api.aclose()


def _batch_teacher(
    state: BatchState, path: Path, settings: Any, link: BatchLink, meter: UsageMeter, budgets: Budgets,
    run_info: dict[str, Any],
) -> BatchTeacher:  # fmt: skip
    room = settings.max_batches_in_flight - len(state.pending())
    planner = BatchPlanner(
        path.with_name(path.name.removesuffix(".batch.json")), state,
        max_requests=settings.batch_max_requests, max_bytes=settings.batch_max_bytes, max_parts=max(0, room),
    )  # fmt: skip
    meter.requested_model = settings.priced_model()
    return BatchTeacher(
        state=state,
        planner=planner,
        cache=ResponseCache(settings.cache_path or link.cache_path()),
        key=link.key,
        body=link.body,
        meter=meter,
        budgets=budgets,
        max_tokens=settings.max_tokens,
        max_retries=settings.max_retries,
        submit=lambda planned: link.submit(planned, state, path, run_info),
    )


def batch_prices(settings: TeacherOptions) -> dict[str, tuple[float, float]]:
    """Each model's batch price: ``batch_input``/``batch_output``, else half the live price."""
    return {
        model: (
            price.input / 2 if price.batch_input is None else price.batch_input,
            price.output / 2 if price.batch_output is None else price.batch_output,
        )
        for model, price in settings.prices.items()
    }


def _batch_meter(settings: TeacherOptions) -> UsageMeter:
    return UsageMeter(prices=batch_prices(settings), requested_model=settings.priced_model())


def _carried(state: BatchState, settings: TeacherOptions) -> UsageMeter:
    """What earlier runs of this series used or still hold, counted against this run's budgets."""
    carried = _batch_meter(settings)
    model = settings.priced_model()
    spent = state.spent
    carried.by_model[model] = ModelUsage(spent.requests, spent.prompt_tokens, spent.completion_tokens)
    carried.requests_sent = sum(b.requests for b in state.batches)
    for record in state.pending():
        carried.unsettled_attempts += record.requests
        carried.unsettled_tokens += record.reserved_tokens
        carried.unsettled_cost += record.reserved_cost
    return carried


def _pending(job: Job, code: int) -> SessionResult:
    return SessionResult(RunResult(StopReason.BATCH_PENDING, Counts()), None, code)
