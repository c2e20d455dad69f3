"""One teacher's batches in a ``--batch`` run: the command's teacher, or its inline judge.

A :class:`Series` is a teacher's ``OUT.batch.json`` (its state: what was submitted, collected,
spent), its link to the provider (:class:`~synthgen.commands.batch_submit.BatchLink`), and the
meter of the pass at the batch price. Each pass (commands/batch.py) takes every series of its
run through the same steps::

    start (checks: configuration, --force, --overwrite) -> collect what finished
        -> teacher() for the engine -> finish (spent usage saved)

A run with an inline judge has two series, each with its own state file, batches and endpoint
(``OUT.batch.json`` and ``OUT.judge.batch.json``): grades are other requests, to another model.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from synthgen.commands.batch_submit import BatchLink, cancel_pending, submit_pending
from synthgen.config import TeacherOptions
from synthgen.engine.session import Job
from synthgen.errors import UsageError
from synthgen.teacher.batch_api import FINAL_STATUSES
from synthgen.teacher.batch_collect import collect, poll
from synthgen.teacher.batch_state import BatchRecord, BatchState, load_state
from synthgen.teacher.batch_teacher import BatchPlanner, BatchTeacher
from synthgen.teacher.budget import Budgets, ModelUsage, UsageMeter
from synthgen.teacher.cache import ResponseCache

log = logging.getLogger("synthgen")


@dataclass
class Series:
    """A teacher's batches (see the module docstring). ``settings``: its options (model, prices,
    sampling) and the run's batch options."""

    settings: Any
    link: BatchLink
    path: Path  # its OUT.batch.json
    state: BatchState = field(init=False)
    meter: UsageMeter = field(init=False)

    def start(self, job: Job) -> None:
        """Load the state (checked against the run's configuration) and a fresh meter."""
        self.state = _starting_state(load_state(self.path), job, self.link, self.path)
        self.meter = batch_meter(self.settings)

    def save(self) -> None:
        self.state.save(self.path)

    async def collect(self, folder: Path) -> int:
        """Poll, create the batches a killed run uploaded but never created, collect the
        finished ones into the response cache; how many were collected."""
        state, settings, link = self.state, self.settings, self.link
        if not state.pending():
            return 0
        api = link.open()
        try:
            await submit_pending(api, state, self.save)
            await poll(api, state, self.save)
            done = [b for b in state.pending() if b.status in FINAL_STATUSES]
            if not done:
                return 0
            cache = ResponseCache(settings.cache_path or link.cache_path())
            try:
                for record in done:
                    await collect(api, record, state, cache, self.meter, folder=folder, model=link.model, endpoint=link.endpoint_name)  # fmt: skip
                    self.save()
                    if record.status == "failed":
                        log.warning(
                            "batch %s failed: %s", record.batch_id, "; ".join(record.errors) or "no reason given"
                        )  # fmt: skip
            finally:
                cache.close()
            return len(done)
        finally:
            await api.aclose()

    def in_flight(self) -> list[BatchRecord]:
        """Its batches the provider is still working on."""
        return [b for b in self.state.pending() if b.status not in FINAL_STATUSES]

    def teacher(self, budgets: Budgets, figures: dict[str, Any]) -> BatchTeacher:
        """The engine's teacher for this pass; ``figures``: the report's ``batch`` entry, which
        its submission adds to."""
        settings, state = self.settings, self.state
        room = settings.max_batches_in_flight - len(state.pending())
        planner = BatchPlanner(
            self.path.with_name(self.path.name.removesuffix(".batch.json")), state,
            max_requests=settings.batch_max_requests, max_bytes=settings.batch_max_bytes, max_parts=max(0, room),
        )  # fmt: skip
        return BatchTeacher(
            state=state,
            planner=planner,
            cache=ResponseCache(settings.cache_path or self.link.cache_path()),
            key=self.link.key,
            body=self.link.body,
            meter=self.meter,
            budgets=budgets,
            max_tokens=settings.max_tokens,
            max_retries=settings.max_retries,
            submit=lambda planned: self.link.submit(planned, state, self.path, figures),
        )

    def finish(self) -> None:
        """The pass is over: what it collected is spent, and saved."""
        state, meter = self.state, self.meter
        state.spent.prompt_tokens += sum(u.prompt_tokens for u in meter.by_model.values())
        state.spent.completion_tokens += sum(u.completion_tokens for u in meter.by_model.values())
        state.spent.cost += meter.cost() or 0.0
        if not state.pending() and state.completed_at is None and state.first_submitted_at is not None:
            state.completed_at = time.time()
        if state.batches or self.path.exists():  # a series that never submitted leaves no file
            self.save()

    def carried(self) -> UsageMeter:
        """What earlier runs of this series used or still hold, counted against the budgets."""
        carried = batch_meter(self.settings)
        spent = self.state.spent
        carried.by_model[self.settings.priced_model()] = ModelUsage(
            spent.requests, spent.prompt_tokens, spent.completion_tokens
        )
        carried.requests_sent = sum(b.requests for b in self.state.batches)
        for record in self.state.pending():
            carried.unsettled_attempts += record.requests
            carried.unsettled_tokens += record.reserved_tokens
            carried.unsettled_cost += record.reserved_cost
        return carried


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


def batch_prices(settings: TeacherOptions) -> dict[str, tuple[float, float]]:
    """Each model's batch price: ``batch_input``/``batch_output``, else half the live price."""
    return {
        model: (
            price.input / 2 if price.batch_input is None else price.batch_input,
            price.output / 2 if price.batch_output is None else price.batch_output,
        )
        for model, price in settings.prices.items()
    }


def batch_meter(settings: TeacherOptions) -> UsageMeter:
    return UsageMeter(prices=batch_prices(settings), requested_model=settings.priced_model())
