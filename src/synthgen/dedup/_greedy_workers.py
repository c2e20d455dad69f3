"""Private to :class:`~synthgen.dedup.greedy.GreedyPool`: its ROUGE-L look-ups in worker processes.

Each worker holds a copy of the pool (a :class:`~synthgen.dedup.rouge_index.RougeIndex`, sent
pickled at start) and answers two messages, in the order sent: ``("find", texts)`` (each text's
best match in its copy, or None) and ``("add", texts)`` (new members, in order). A batch of
records is split between the workers; the next batch is sent before this one is decided, so
that the workers look up while this process decides. Hence a batch is looked up against the
pool as it was two batches before it, and this process checks each record against the members
added since: those of the batch before and of its own batch so far
(:class:`~synthgen.dedup._greedy_recent.RecentMembers`, brute force: an index costs as much per
look-up at a few hundred members as at 500,000). See :mod:`synthgen.dedup.greedy` for why the
decisions are one loop's.

Measured: see benchmarks/RESULTS.md (issue 26, dedup at scale).
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
from collections import deque
from collections.abc import Generator, Iterable
from typing import TYPE_CHECKING, Protocol

from synthgen.dedup._greedy_recent import RecentMembers
from synthgen.dedup.decision import Decision, better
from synthgen.dedup.rouge import Match, rouge_tokens
from synthgen.errors import SynthgenError
from synthgen.processes import main_not_rerun

# Batches sent to the workers ahead of the one being decided: with 2, the workers look the next
# one up while this process decides, and the one after it is queued by the time they are done.
IN_FLIGHT = 2

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from synthgen.dedup.exact import ExactIndex
    from synthgen.dedup.rouge_index import RougeIndex


class PoolParts(Protocol):
    """What the workers need of a :class:`~synthgen.dedup.greedy.GreedyPool` (named here, not
    imported: the pool imports this module)."""

    threshold: float
    workers: int
    batch: int
    best_match: bool
    exact: ExactIndex
    rouge: RougeIndex


def worker_main(conn: Connection) -> None:
    """A worker: its copy of the pool, then look-ups and additions until told to stop."""
    index: RougeIndex = conn.recv()
    while (message := conn.recv()) is not None:
        kind, texts = message
        if kind == "add":
            for text in texts:
                index.add(text)
        else:
            conn.send(
                [None if (m := index.find_similar(text)) is None else (m.index, m.score) for text in texts]
            )


class _Workers:
    def __init__(self, count: int, pool: RougeIndex) -> None:
        context = multiprocessing.get_context("spawn")
        self.conns: list[Connection] = []
        self.processes = []
        for _ in range(count):
            parent, child = context.Pipe()
            process = context.Process(target=worker_main, args=(child,), name="synthgen-dedup", daemon=True)
            with main_not_rerun():
                process.start()
            child.close()
            parent.send(pool)
            self.conns.append(parent)
            self.processes.append(process)

    def find(self, texts: list[str]) -> None:
        share = -(-len(texts) // len(self.conns))
        for number, conn in enumerate(self.conns):
            conn.send(("find", texts[number * share : (number + 1) * share]))

    def found(self) -> list[Match | None]:
        try:
            parts = [conn.recv() for conn in self.conns]
        except (EOFError, OSError):
            raise SynthgenError("a dedup worker process died") from None
        return [None if m is None else Match(*m) for m in itertools.chain.from_iterable(parts)]

    def add(self, texts: list[str]) -> None:
        for conn in self.conns:
            conn.send(("add", texts))

    def close(self) -> None:
        for conn in self.conns:
            with contextlib.suppress(OSError):
                conn.send(None)
        for process in self.processes:
            process.join(5)
            if process.is_alive():
                process.kill()
        for conn in self.conns:
            conn.close()


def decide_in_workers(pool: PoolParts, records: Iterable[tuple[str, str]]) -> Generator[Decision, None, None]:
    """GreedyPool.decide with the look-ups in ``pool.workers`` processes (see the module docstring)."""
    workers = _Workers(pool.workers, pool.rouge)
    records_iter = iter(records)
    batches = iter(lambda: list(itertools.islice(records_iter, pool.batch)), [])
    size = len(pool.rouge)  # members so far: the next one's pool index
    recent = RecentMembers(pool.threshold, size)
    pending: deque[tuple[list[tuple[str, str]], int]] = deque()  # batches sent, with the pool size then
    try:
        for batch in itertools.islice(batches, IN_FLIGHT):
            workers.find([text for text, _ in batch])
            pending.append((batch, size))
        while pending:
            batch, frozen_size = pending.popleft()
            frozen = workers.found()
            recent.forget_before(frozen_size)  # the batches still in flight were sent later
            added: list[str] = []
            for (text, key), match in zip(batch, frozen, strict=True):
                earlier = pool.exact.find(key)
                if earlier is not None:
                    yield Decision("exact", earlier)
                    continue
                tokens = rouge_tokens(text)
                if match is None or pool.best_match:
                    match = better(match, recent.best(tokens))
                if match is not None:
                    yield Decision("similar", match.index, match.score)
                    continue
                pool.exact.add(key, size)
                recent.add(tokens)
                added.append(text)
                yield Decision(None, size)
                size += 1
            workers.add(added)
            following = next(batches, None)
            if following:
                workers.find([text for text, _ in following])
                pending.append((following, size))
    finally:
        workers.close()
