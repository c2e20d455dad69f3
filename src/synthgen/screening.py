"""The candidate stages, parse -> filter -> dedup, with the pools they keep.

The pipeline hands over one completion at a time, in request order, and gets back the
candidates to keep. Two ways to run the same :class:`Screener`:

* :class:`LocalScreener` on the event loop (the in-process mock teacher: there is no
  network wait to overlap with, and no process to start);
* :class:`WorkerScreener` in one child process, so that this per-answer CPU work runs on
  the second core while the event loop keeps the HTTP requests moving. One worker fed in
  order makes the same greedy decisions as the local one.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

from synthgen.config import FilterOptions
from synthgen.dedup import ExactIndex, RougeIndex
from synthgen.dedup import normalize_key as exact_key
from synthgen.errors import SynthgenError
from synthgen.filters import default_filters, first_rejection
from synthgen.parse import parse_numbered_tasks
from synthgen.records import Candidate


@dataclass
class Screened:
    """What became of one completion's candidates."""

    kept: list[Candidate] = field(default_factory=list)
    candidates: int = 0
    truncated_dropped: int = 0
    unparseable: bool = False
    rejected: Counter[str] = field(default_factory=Counter)
    duplicates_exact: int = 0
    duplicates_similar: int = 0


class Screener:
    """Parse, filter and deduplicate against a pool of seeds and kept examples."""

    def __init__(self, *, threshold: float, filters: FilterOptions, pool: list[str], keys: list[str]) -> None:
        self.filters = default_filters(filters)
        self.rouge = RougeIndex(threshold)
        self.rouge.extend(pool)
        self.exact = ExactIndex()
        for key in keys:
            self.exact.add(key)

    def screen(self, text: str, *, truncated: bool, limit: int) -> Screened:
        """Candidates of ``text`` to keep, at most ``limit``; they join the pools."""
        parsed = parse_numbered_tasks(text, truncated=truncated)
        result = Screened(candidates=len(parsed.candidates), truncated_dropped=parsed.dropped_truncated)
        result.unparseable = not parsed.candidates
        for candidate in parsed.candidates:
            if len(result.kept) >= limit:
                break  # the target is met: later candidates are not judged (nor pooled)
            reason = first_rejection(candidate, self.filters)
            if reason:
                result.rejected[reason] += 1
                continue
            key = exact_key(candidate.instruction, candidate.input)
            if self.exact.seen(key):
                result.duplicates_exact += 1
            elif self.rouge.check_and_add(candidate.instruction) is not None:
                result.duplicates_similar += 1
            else:
                self.exact.add(key)
                result.kept.append(candidate)
        return result


class LocalScreener:
    def __init__(self, **kwargs: object) -> None:
        self.screener = Screener(**kwargs)  # type: ignore[arg-type]

    async def screen(self, text: str, *, truncated: bool, limit: int) -> Screened:
        return self.screener.screen(text, truncated=truncated, limit=limit)

    def close(self) -> None:
        return None


def _worker_main(conn: Connection, kwargs: dict[str, object]) -> None:
    """Child process: screen each completion sent until told to stop (or orphaned)."""
    screener = Screener(**kwargs)  # type: ignore[arg-type]
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if job is None:
            return
        text, truncated, limit = job
        conn.send(screener.screen(text, truncated=truncated, limit=limit))


class WorkerScreener:
    """A Screener in a child process, spoken to over a pipe watched by the event loop.

    A bare pipe rather than ProcessPoolExecutor: the executor's helper threads fight the
    event loop for the GIL (about 1 ms per call measured here).
    """

    def __init__(self, **kwargs: object) -> None:
        context = multiprocessing.get_context("spawn")  # nothing inherited from this process
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=_worker_main, args=(child, kwargs), name="synthgen-screen", daemon=True
        )
        self._process.start()
        child.close()

    async def screen(self, text: str, *, truncated: bool, limit: int) -> Screened:
        loop = asyncio.get_running_loop()
        self._conn.send((text, truncated, limit))
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
            raise SynthgenError("the screening worker process died") from exc

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._conn.send(None)
        self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.kill()
        self._conn.close()
