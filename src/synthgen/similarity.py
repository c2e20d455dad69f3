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
import contextlib
import multiprocessing
from multiprocessing.connection import Connection
from typing import Protocol

from synthgen.dedup import RougeIndex
from synthgen.errors import SynthgenError


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


def _worker_main(conn: Connection, threshold: float, pool: list[str]) -> None:
    """Child process: answer each batch of texts with its decisions until told to stop."""
    index = RougeIndex(threshold)
    index.extend(pool)
    while True:
        try:
            texts = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if texts is None:
            return
        conn.send(_check_and_add_all(index, texts))


class WorkerSimilarity:
    """A RougeIndex in a child process, spoken to over a pipe watched by the event loop.

    A bare pipe rather than ProcessPoolExecutor: the executor's helper threads fight the
    event loop for the GIL (about 1 ms per call measured here).
    """

    def __init__(self, threshold: float, pool: list[str]) -> None:
        context = multiprocessing.get_context("spawn")  # nothing inherited from this process
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=_worker_main, args=(child, threshold, pool), name="synthgen-dedup", daemon=True
        )
        self._process.start()
        child.close()

    async def drop_similar(self, texts: list[str]) -> list[bool]:
        loop = asyncio.get_running_loop()
        self._conn.send(texts)
        readable = loop.create_future()
        fd = self._conn.fileno()
        loop.add_reader(fd, lambda: readable.done() or readable.set_result(None))
        try:
            await readable
        finally:
            loop.remove_reader(fd)
        try:
            return self._conn.recv()
        except EOFError as exc:
            raise SynthgenError("the deduplication worker process died") from exc

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._conn.send(None)
        self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.kill()
        self._conn.close()
