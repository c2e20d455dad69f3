"""The near-duplicate stage gives the same decisions in-process and in a worker process."""

from __future__ import annotations

import asyncio

from synthgen.similarity import LocalSimilarity, WorkerSimilarity
from synthgen.teacher.mock import mock_reply

SEEDS = ["Explain why the sky looks blue during the day.", "Name three uses of baking soda at home."]


def _batches() -> list[list[str]]:
    prompt = "Write 20 new tasks, numbered 1 to 20."
    batches = []
    for i in range(15):
        lines = [ln for ln in mock_reply(prompt, seed=4, sample_index=i).splitlines() if "Instruction" in ln]
        batches.append([ln.split(":", 1)[1].strip().strip("*").strip() for ln in lines])
    batches.append([SEEDS[0], SEEDS[0].upper(), "Explain why the sky looks blue during the daytime."])
    return batches


async def _decide(similarity: LocalSimilarity | WorkerSimilarity) -> list[list[bool]]:
    try:
        return [await similarity.drop_similar(batch) for batch in _batches()]
    finally:
        similarity.close()


def test_worker_and_local_make_identical_greedy_decisions() -> None:
    local = asyncio.run(_decide(LocalSimilarity(0.7, SEEDS)))
    worker = asyncio.run(_decide(WorkerSimilarity(0.7, SEEDS)))
    assert local == worker
    assert local[-1] == [True, True, True]  # a seed, its upper-case copy, a near copy
    assert not all(local[0])  # fresh tasks join the pool
