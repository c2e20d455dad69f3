"""Where ``--batch`` meets a provider: which Batch API, and submitting or cancelling batches.

:class:`BatchLink` holds what a ``--batch`` run needs of its teacher (the Batch API, built
here so that the in-process mock is handed in from ``commands/``, the cache key and request
body of a live run, the names its answers carry). :func:`submit_pending` takes each recorded
part as far as it can, saving the state after every step that talks to the provider::

    planned -> upload (file_id saved) -> look up by metadata, else create (batch_id saved)

so a run killed anywhere never submits a part twice (see teacher/batch_state.py).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synthgen.commands.teachers import mock_teacher
from synthgen.config import TeacherOptions
from synthgen.errors import TeacherError, UsageError
from synthgen.records import Message
from synthgen.resources import default_cache_path
from synthgen.teacher.batch_api import BatchAPI, OpenAIBatchAPI
from synthgen.teacher.batch_collect import METADATA_KEY, metadata_value, update
from synthgen.teacher.batch_state import BatchState
from synthgen.teacher.build import read_api_key, request_key
from synthgen.teacher.openai_teacher import DEFAULT_BASE_URL, Sampling, chat_request_body
from synthgen.teacher.retry import RetryPolicy

log = logging.getLogger("synthgen")


@dataclass
class BatchLink:
    """A ``--batch`` run's teacher side: its Batch API and how its requests look."""

    endpoint: dict[str, Any]  # kind, base_url, api_key_env: saved with the state (no key)
    endpoint_name: str  # the ``endpoint`` of its answers, as a live run's answers have it
    model: str
    open: Callable[[], BatchAPI]
    key: Callable[[list[Message], int, dict[str, Any] | None], str]
    body: Callable[[list[Message], int, dict[str, Any] | None], dict[str, Any]]
    cache_path: Callable[[], Path]

    async def submit(
        self, planned: list[Any], state: BatchState, path: Path, figures: dict[str, Any]
    ) -> None:
        """Record the new parts, then upload and create them (the engine is done with them);
        add this series to ``figures``, the report's batch entry (a run and its judge share it)."""
        if planned:
            state.submissions += 1
            state.batches += planned
            state.first_submitted_at = state.first_submitted_at or time.time()
            state.save(path)
        api = self.open()
        try:
            await submit_pending(api, state, lambda: state.save(path))
        finally:
            await api.aclose()
        for record in planned:
            log.info(
                "submitted %d requests in batch %s; rerun the same command to collect them",
                record.requests, record.batch_id,
            )  # fmt: skip
        if not state.pending() and state.first_submitted_at and state.completed_at is None:
            state.completed_at = time.time()
            state.save(path)
        add_figures(figures, state, planned)


def add_figures(figures: dict[str, Any], state: BatchState, planned: list[Any]) -> None:
    """Add a series' batches to the report's batch entry (``reports.BatchFigures``)."""
    if state.completed_at and state.first_submitted_at:
        seconds = round(state.completed_at - state.first_submitted_at, 1)
        figures["seconds_from_first_submission"] = max(
            seconds, figures.get("seconds_from_first_submission", 0)
        )
    for key, ids in (
        ("batches", [r.batch_id for r in state.batches]),
        ("submitted", [r.batch_id for r in planned]),
        ("pending", [r.batch_id for r in state.pending()]),
    ):
        figures[key] = figures.get(key, []) + ids
    figures["submitted_requests"] = figures.get("submitted_requests", 0) + sum(r.requests for r in planned)
    figures["answered_by_batches"] = figures.get("answered_by_batches", 0) + state.answered


def batch_link(settings: TeacherOptions, kind: str) -> BatchLink:
    """The link for ``kind`` ("mock": the in-process mock's Batch API; "openai": the SDK's)."""
    model = settings.model or "mock"
    sampling = Sampling(settings.temperature, settings.top_p, settings.max_tokens, seed=settings.seed)
    urls = [url.rstrip("/") for url in settings.base_url] or [DEFAULT_BASE_URL]
    names = ["mock"] if kind == "mock" else urls

    def body(messages: list[Message], sample: int, extra: dict[str, Any] | None) -> dict[str, Any]:
        return chat_request_body(model, sampling, messages, sample, extra)

    def cache_path() -> Path:
        return settings.cache_path or default_cache_path()

    if kind == "mock":
        from synthgen.mock.batch_api import MockBatchAPI

        unsupported = mock_teacher(settings).batch_unsupported()
        if unsupported is not None:
            raise UsageError(
                f"--batch: this mock teacher has no Batch API ({unsupported}); run without --batch"
            )

        def open_mock() -> BatchAPI:
            return MockBatchAPI(
                cache_path().parent / "mock-batches", seed=settings.seed, max_tokens=settings.max_tokens
            )

        endpoint = {"kind": "mock", "seed": settings.seed, "max_tokens": settings.max_tokens}
        return BatchLink(endpoint, "", model, open_mock, request_key(settings, names), body, cache_path)
    key = read_api_key(settings)

    def open_api() -> BatchAPI:
        policy = RetryPolicy(max_retries=settings.max_retries, max_wait=settings.retry_max_wait)
        return OpenAIBatchAPI(
            base_url=urls[0], api_key=key, api_key_env=settings.api_key_env,
            timeout=settings.request_timeout, policy=policy,
        )  # fmt: skip

    endpoint = {"kind": "openai", "base_url": urls[0], "api_key_env": settings.api_key_env}
    return BatchLink(endpoint, urls[0], model, open_api, request_key(settings, names), body, cache_path)


async def submit_pending(api: BatchAPI, state: BatchState, save: Callable[[], None]) -> None:
    """Upload and create every part not yet created; a part a killed run may have created is
    looked up by its metadata first."""
    for record in [b for b in state.batches if not b.collected and b.batch_id is None]:
        if record.file_id is None:
            record.file_id = await api.upload(Path(record.input_path))
            record.status, record.submitted_at = "uploaded", time.time()
            save()
        value = metadata_value(state, record)
        found = await api.find(METADATA_KEY, value, int(record.submitted_at) - 3600)
        info = found or await api.create(record.file_id, {METADATA_KEY: value})
        update(record, info)
        save()
        Path(record.input_path).unlink(missing_ok=True)


async def cancel_pending(state: BatchState, link: BatchLink, path: Path, *, why: str) -> None:
    """Cancel the batches this output's state owns (``--force``, ``--overwrite``)."""
    api = link.open()
    try:
        for record in state.pending():
            if record.batch_id is None:
                continue
            try:
                await api.cancel(record.batch_id)
            except TeacherError as exc:  # finished meanwhile, or already gone
                log.warning("%s: batch %s not cancelled: %s", why, record.batch_id, exc)
                continue
            log.info("%s: cancelled batch %s", why, record.batch_id)
            record.collected, record.status = True, "cancelled"
    finally:
        await api.aclose()
    state.save(path)
