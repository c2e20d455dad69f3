"""Polling submitted batches, and collecting the finished ones into the response cache.

A finished batch's output and error files are downloaded to disk beside the output and read
line by line (never whole): each answer goes into the response cache under the cache key its
``custom_id`` carries (``<run>:<request index>:<cache key>``), each failed line is recorded
against its request (resubmitted later, up to ``--max-retries``), and a request of the batch
that appears in neither file (an expired or cancelled batch) counts as failed too.

A file that is not what it should be (a line that is not JSON, a ``custom_id`` that is not one
of this batch's requests: the output of another batch) stops the run with one line naming the
file and line, before any answer of it is cached (one transaction) and before anything is
written to the dataset.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from synthgen.errors import TeacherError, TransientTeacherError
from synthgen.records import Completion
from synthgen.teacher.batch_api import BatchAPI, BatchInfo
from synthgen.teacher.batch_state import BatchRecord, BatchState
from synthgen.teacher.budget import ModelUsage, UsageMeter
from synthgen.teacher.cache import ResponseCache
from synthgen.teacher.openai_teacher import completion_from_body
from synthgen.teacher.wire import error_detail

log = logging.getLogger("synthgen")

METADATA_KEY = "synthgen_run"
# An answer the provider refused for good: retrying the same line cannot help (a live run stops
# on these too).
FATAL_STATUSES = frozenset({400, 401, 403, 404, 422})


def metadata_value(state: BatchState, record: BatchRecord) -> str:
    return f"{state.run}:{record.part}"


def update(record: BatchRecord, info: BatchInfo) -> None:
    record.batch_id, record.status = info.id, info.status
    record.total, record.completed, record.failed = info.total, info.completed, info.failed
    record.output_file_id, record.error_file_id = info.output_file_id, info.error_file_id
    record.errors = info.errors[:5]


async def poll(api: BatchAPI, state: BatchState, save: Callable[[], None]) -> None:
    """Bring every pending batch's status up to date (looking up those whose id was lost)."""
    for record in state.pending():
        if record.batch_id is None:
            found = await api.find(
                METADATA_KEY, metadata_value(state, record), int(record.submitted_at) - 3600
            )
            if found is None:
                continue  # uploaded, never created: the submission creates it
            update(record, found)
            save()
        update(record, await api.retrieve(record.batch_id))  # type: ignore[arg-type]
        save()


@dataclass
class _Tally:
    answered: set[int] = field(default_factory=set)
    failed: list[tuple[int, str, bool]] = field(default_factory=list)
    usage: dict[str, ModelUsage] = field(default_factory=dict)  # of the answers, by model


async def collect(
    api: BatchAPI,
    record: BatchRecord,
    state: BatchState,
    cache: ResponseCache,
    meter: UsageMeter,
    *,
    folder: Path,
    model: str,
    endpoint: str,
) -> None:
    """Download a finished batch's files and take in every line (see the module docstring)."""
    paths = []
    try:
        for file_id in (f for f in (record.output_file_id, record.error_file_id) if f):
            target = folder / f".{file_id}.batch-download"
            paths.append((file_id, target))
            await api.download(file_id, target)
        tally = _Tally()
        cache.put_many(_answers(paths, record, state, tally, model=model, endpoint=endpoint))
    finally:
        for _, path in paths:
            path.unlink(missing_ok=True)
    _settle(record, state, tally, meter)


def _answers(
    paths: list[tuple[str, Path]],
    record: BatchRecord,
    state: BatchState,
    tally: _Tally,
    *,
    model: str,
    endpoint: str,
) -> Iterator[tuple[str, Completion]]:
    for file_id, path in paths:
        with path.open("rb") as lines:
            for number, raw in enumerate(lines, 1):
                where = f"batch {record.batch_id} file {file_id}:{number}"
                index, key, response = _read_line(raw, where, record, state)
                status = response.get("status_code") if isinstance(response, dict) else None
                if status == 200:
                    try:
                        completion = completion_from_body(
                            response.get("body"), model=model, endpoint=endpoint
                        )
                    except TransientTeacherError:
                        tally.failed.append((index, "malformed answer (no choices)", False))
                        continue
                    tally.answered.add(index)
                    used = tally.usage.setdefault(completion.model or model, ModelUsage())
                    used.requests += 1
                    used.prompt_tokens += completion.usage.prompt_tokens
                    used.completion_tokens += completion.usage.completion_tokens
                    yield key, completion
                else:
                    tally.failed.append((index, *_failure(raw, status, response)))


def _read_line(raw: bytes, where: str, record: BatchRecord, state: BatchState) -> tuple[int, str, Any]:
    try:
        line = json.loads(raw)
        run, index_text, key = str(line["custom_id"]).split(":")
        index = int(index_text)
    except (ValueError, KeyError, TypeError) as exc:
        raise TeacherError(f"{where}: not a batch output line of synthgen ({type(exc).__name__})") from exc
    if run != state.run or not record.holds(index):
        raise TeacherError(
            f"{where}: custom_id {line['custom_id']!r} is not a request of this batch "
            "(the output of another batch?); nothing was written"
        )
    return index, key, line.get("response")


def _failure(raw: bytes, status: Any, response: Any) -> tuple[str, bool]:
    line = json.loads(raw)
    error = line.get("error") or {}
    if status is None:
        return str(error.get("code") or error.get("message") or "no response"), False
    detail = error_detail(response.get("body") or {}, f"HTTP {status}")
    return f"HTTP {status}: {detail}", int(status) in FATAL_STATUSES


def _settle(record: BatchRecord, state: BatchState, tally: _Tally, meter: UsageMeter) -> None:
    """The batch's lines are in: count usage, failures, and requests the batch never answered."""
    for name, used in tally.usage.items():
        counted = meter.by_model.setdefault(name, ModelUsage())
        counted.requests += used.requests
        counted.prompt_tokens += used.prompt_tokens
        counted.completion_tokens += used.completion_tokens
    failed = {index for index, _, _ in tally.failed}
    for index, reason, fatal in tally.failed:
        state.fail(index, reason, fatal)
    for index in tally.answered:
        state.answered_now(index)
    for index in record.indices():
        if index not in tally.answered and index not in failed:
            state.fail(index, f"no answer (batch {record.status})")
    record.collected = True
    state.answered += len(tally.answered)
    state.spent.requests += len(tally.answered)
    if record.status == "failed":
        log.warning("batch %s failed; its requests are asked again in the next batch", record.batch_id)
