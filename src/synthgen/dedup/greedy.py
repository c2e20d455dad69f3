"""The greedy rule over a stream of records, on every core the machine has, with one loop's decisions.

Self-instruct's rule (see :mod:`synthgen.dedup`): records are taken in order; one is dropped when
its exact key is a pool member's, or when its ROUGE-L F against some pool member is above the
threshold; otherwise it joins the pool. :class:`GreedyPool` gives exactly those decisions (and,
for a near-duplicate, the same matched member: the highest score, the earliest on ties).

With ``workers`` >= 2 the ROUGE-L look-ups run in that many worker processes, each holding a
copy of the pool (:mod:`synthgen.dedup._greedy_workers`). A record's pool is every member
added before it; the workers look records up in batches against the pool as it was when the
batch was sent (*frozen*), and this process checks each record against the members added
since (the few hundred new members of the last two batches, compared by brute force: see
:mod:`synthgen.dedup._greedy_recent`), in order. The better of the two
matches is the one the loop would find (ties go to the frozen one, which is earlier), so the
decisions are the loop's, whatever the batching.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable

from synthgen.dedup.decision import Decision
from synthgen.dedup.exact import ExactIndex

__all__ = ["Decision", "GreedyPool"]


class GreedyPool:
    """The pool: exact keys and ROUGE-L. Use :meth:`add` for members taken unconditionally
    (seeds, ``--against``), then :meth:`decide` on the records, once. Not thread-safe."""

    def __init__(
        self,
        threshold: float,
        *,
        workers: int = 1,
        prime: Iterable[str] = (),
        batch: int = 128,
        best_match: bool = True,
    ) -> None:
        """``prime``: texts whose token frequencies order the index (speed only; see
        RougeIndex.prime). ``workers``: processes for the ROUGE-L look-ups (1: this one), given
        ``batch`` records at a time (speed only: smaller keeps the members checked here fewer,
        larger sends fewer messages; see benchmarks/RESULTS.md). ``best_match`` False: a
        near-duplicate's Decision names *a* member above the threshold, not necessarily the best
        (the decisions are the same; with workers, a little faster)."""
        from synthgen.dedup.rouge_index import RougeIndex

        self.threshold = threshold
        self.exact = ExactIndex()
        self.rouge = RougeIndex(threshold)
        self.rouge.prime(prime)
        self.workers = max(1, workers)
        self.batch = batch
        self.best_match = best_match

    def __len__(self) -> int:
        return len(self.rouge)

    def add(self, text: str, key: str) -> int:
        """A member whatever it matches; returns its pool index."""
        index = self.rouge.add(text)
        self.exact.add(key, index)
        return index

    def decide(self, records: Iterable[tuple[str, str]]) -> Generator[Decision, None, None]:
        """The decision on each (text, exact key), in order. Stopping early is fine."""
        if self.workers == 1:
            return self._decide_here(records)
        from synthgen.dedup._greedy_workers import decide_in_workers

        return decide_in_workers(self, records)

    def decide_one(self, text: str, key: str) -> Decision:
        """The decision on one record, in this process (before :meth:`decide`, if at all)."""
        earlier = self.exact.find(key)
        if earlier is not None:
            return Decision("exact", earlier)
        match = self.rouge.check_and_add(text)
        if match is not None:
            return Decision("similar", match.index, match.score)
        index = len(self.rouge) - 1
        self.exact.add(key, index)
        return Decision(None, index)

    def _decide_here(self, records: Iterable[tuple[str, str]]) -> Generator[Decision, None, None]:
        for text, key in records:
            yield self.decide_one(text, key)
