"""``synthgen batches OUT``: the batches of a ``--batch`` run, with their status and counts.

Read from ``OUT.batch.json`` and, for a run with an inline judge, ``OUT.judge.batch.json`` (as
last seen by a run); ``--poll`` asks the provider first, with the endpoint each recorded (its
key from the environment variable it named).
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from synthgen.config import BatchesSettings
from synthgen.errors import UsageError
from synthgen.io.beside import batch_state_path
from synthgen.resources import default_cache_path
from synthgen.teacher.batch_api import BatchAPI, OpenAIBatchAPI
from synthgen.teacher.batch_collect import poll
from synthgen.teacher.batch_state import BatchState, load_state
from synthgen.teacher.retry import RetryPolicy


def run_batches(settings: BatchesSettings) -> list[dict[str, Any]]:
    """One entry per batch of the run (its teacher's, then its judge's): id, part, status,
    requests and counts."""
    path = batch_state_path(settings.output)
    listed = []
    for series, where in (("teacher", path), ("judge", batch_state_path(settings.output, "judge"))):
        state = load_state(where)
        if state is None:
            continue
        if settings.poll and state.pending():
            asyncio.run(_poll(state, where))
        listed += [
            {
                "batch": record.batch_id, "part": record.part, "series": series, "status": record.status,
                "requests": record.requests, "completed": record.completed, "failed": record.failed,
                "collected": record.collected, "errors": record.errors,
            }
            for record in state.batches
        ]  # fmt: skip
    if not listed and not path.exists():
        raise UsageError(f"{settings.output}: no batches ({path} does not exist): was it made with --batch?")
    return listed


def render(batches: list[dict[str, Any]]) -> str:
    judged = any(b["series"] == "judge" for b in batches)
    lines = [f"{'batch':<32} {'status':<12} {'requests':>9} {'completed':>9} {'failed':>7}  collected"]
    for b in batches:
        lines.append(
            f"{b['batch'] or '(not created)':<32} {b['status']:<12} {b['requests']:>9,} {b['completed']:>9,} "
            f"{b['failed']:>7,}  {'yes' if b['collected'] else 'no'}"
            + (f"  ({b['series']})" if judged else "")
        )
    return "\n".join(lines)


async def _poll(state: BatchState, path: Any) -> None:
    api = _api(state)
    try:
        await poll(api, state, lambda: state.save(path))
    finally:
        await api.aclose()


def _api(state: BatchState) -> BatchAPI:
    endpoint = state.endpoint
    if endpoint.get("kind") == "mock":
        from synthgen.mock.batch_api import MockBatchAPI

        root = default_cache_path().parent / "mock-batches"
        return MockBatchAPI(root, seed=endpoint.get("seed", 0), max_tokens=endpoint.get("max_tokens"))
    key = os.environ.get(endpoint.get("api_key_env") or "OPENAI_API_KEY", "").strip() or "no-key"
    return OpenAIBatchAPI(
        base_url=endpoint["base_url"], api_key=key, api_key_env=endpoint.get("api_key_env") or "",
        timeout=60.0, policy=RetryPolicy(max_retries=3, max_wait=30.0),
    )  # fmt: skip
