"""The near-duplicate stage as the pipeline sees it: ordered batches in, decisions out.

Two ways to run the same :class:`~synthgen.dedup.RougeIndex`:

* :class:`LocalSimilarity` on the event loop (the in-process mock teacher: nothing to
  overlap with, no process to start);
* :class:`WorkerSimilarity` in one child process, so that ROUGE-L checks, the heaviest
  CPU work per answer, run on the second core while the event loop keeps the HTTP
  requests moving. One worker and a FIFO queue keep the greedy decisions in arrival
  order, so both give identical results.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from typing import Protocol

from synthgen.dedup import RougeIndex


class Similarity(Protocol):
    async def drop_similar(self, texts: list[str]) -> list[bool]:
        """For each text in order: True if too similar to the pool (else it joins the pool)."""
        ...

    def close(self) -> None: ...


def _check_and_add_all(index: RougeIndex, texts: list[str]) -> list[bool]:
    return [index.check_and_add(text) is not None for text in texts]


class LocalSimilarity:
    def __init__(self, threshold: float, pool: list[str]) -> None:
        self.index = RougeIndex(threshold)
        self.index.extend(pool)

    async def drop_similar(self, texts: list[str]) -> list[bool]:
        return _check_and_add_all(self.index, texts)

    def close(self) -> None:
        return None


_WORKER_INDEX: RougeIndex | None = None  # the child process's index


def _worker_init(threshold: float, pool: list[str]) -> None:
    global _WORKER_INDEX
    _WORKER_INDEX = RougeIndex(threshold)
    _WORKER_INDEX.extend(pool)


def _worker_check(texts: list[str]) -> list[bool]:
    assert _WORKER_INDEX is not None, "worker not initialised"
    return _check_and_add_all(_WORKER_INDEX, texts)


class WorkerSimilarity:
    def __init__(self, threshold: float, pool: list[str]) -> None:
        # "spawn": a clean interpreter, nothing inherited from a process that runs an
        # event loop and network clients.
        self._executor = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_worker_init,
            initargs=(threshold, pool),
        )

    async def drop_similar(self, texts: list[str]) -> list[bool]:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, _worker_check, texts)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
