"""What the greedy rule decides about one record, and which of two near-duplicate matches it keeps.

Shared by :class:`~synthgen.dedup.greedy.GreedyPool`'s loop and its worker processes
(:mod:`synthgen.dedup._greedy_workers`), which must decide alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from synthgen.dedup.rouge import Match

__all__ = ["Decision", "better"]


@dataclass(frozen=True)
class Decision:
    """What became of one record: kept (``reason`` None, ``index`` its pool index), or dropped
    as ``"exact"`` (``index``: the first member with its key) or ``"similar"`` (``index`` and
    ``score``: the best member)."""

    reason: str | None
    index: int
    score: float = 1.0


def better(a: Match | None, b: Match | None) -> Match | None:
    """The higher-scoring match; on a tie the earlier member (what one loop over the pool finds)."""
    if a is None or b is None:
        return a or b
    if b.score > a.score or (b.score == a.score and b.index < a.index):
        return b
    return a
