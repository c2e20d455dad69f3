"""Answers arrive in any order; the screen must see them in request order.

:class:`InOrder` holds outcomes that came early until every earlier one is in. It is bounded
by bytes, not by a count: a slow or retried request at the head of the line must not stop
new launches, so thousands of answers may wait behind it (issue 13: a bound of a few times
the concurrency stalled the whole run behind one retried request).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")

DEFAULT_MAX_BYTES = 256 * 1024 * 1024


class InOrder(Generic[T]):
    """Outcomes keyed by request index, released strictly in index order."""

    def __init__(self, first_index: int, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.next_index = first_index
        self.max_bytes = max_bytes
        self.bytes = 0
        self._waiting: dict[int, tuple[T, int]] = {}

    def __len__(self) -> int:
        return len(self._waiting)

    @property
    def full(self) -> bool:
        return self.bytes >= self.max_bytes

    def put(self, index: int, outcome: T, size: int) -> None:
        self._waiting[index] = (outcome, size)
        self.bytes += size

    def skip(self, index: int) -> None:
        """Nothing will come for ``index`` (its request was cancelled)."""
        if index == self.next_index:
            self.next_index += 1

    def pop_ready(self) -> Iterator[tuple[int, T]]:
        """Each outcome whose predecessors have all been released, in order."""
        while self.next_index in self._waiting:
            outcome, size = self._waiting.pop(self.next_index)
            self.bytes -= size
            index = self.next_index
            self.next_index += 1
            yield index, outcome
