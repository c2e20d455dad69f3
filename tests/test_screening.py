"""The candidate stages give the same results in-process and in a worker process."""

from __future__ import annotations

import asyncio
from typing import Any

from synthgen.config import FilterOptions
from synthgen.screening import LocalScreener, Screened, WorkerScreener
from synthgen.teacher.mock import mock_reply

SEEDS = ["Explain why the sky looks blue during the day.", "Name three uses of baking soda at home."]
PROMPT = "Write 20 new tasks, numbered 1 to 20."
COPIES = (
    "1. Instruction: Explain why the sky looks blue during the day.\n1. Input: <noinput>\n1. Output: Light.\n\n"
    "2. Instruction: EXPLAIN why the sky looks blue during the daytime!\n2. Input: <noinput>\n2. Output: Light."
)


def _kwargs() -> dict[str, Any]:
    return {"threshold": 0.7, "filters": FilterOptions(), "pool": SEEDS, "keys": []}


async def _screen_all(screener: LocalScreener | WorkerScreener) -> list[Screened]:
    try:
        results = [
            await screener.screen(mock_reply(PROMPT, seed=4, sample_index=i), truncated=False, limit=100)
            for i in range(12)
        ]
        results.append(await screener.screen(COPIES, truncated=False, limit=100))
        results.append(
            await screener.screen(mock_reply(PROMPT, seed=4, sample_index=99), truncated=True, limit=3)
        )
        return results
    finally:
        screener.close()


def test_worker_and_local_screen_alike() -> None:
    local = asyncio.run(_screen_all(LocalScreener(**_kwargs())))
    worker = asyncio.run(_screen_all(WorkerScreener(**_kwargs())))
    assert local == worker
    assert sum(r.rejected.total() for r in local) > 0  # the mock's flawed items are caught
    copies = local[-2]
    assert copies.kept == [] and copies.duplicates_similar == 2
    capped = local[-1]
    assert len(capped.kept) == 3 and capped.truncated_dropped == 1
