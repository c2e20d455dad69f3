"""Rows a recipe passes over before any request, reported with the request that follows them.

``judge`` and ``pairs`` send no request for an answer that is empty (``generate --mode
instructions`` writes such rows: they need ``respond`` first). The engine counts what verdicts
say, and a skipped row has no answer of its own, so each is carried by the next request's
verdict (the last request's, for those at the end): counted as ``empty_answer`` and written to
``OUT.rejected.jsonl``, in input order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from synthgen.engine.recipe import Verdict
from synthgen.io.beside import REJECTED

T = TypeVar("T")

EMPTY_ANSWER = "empty_answer"
EMPTY_HINT = "they hold no answer to grade; answer them first: synthgen respond {input} -o ANSWERS.jsonl"


def carry_skipped(items: Sequence[T], keep: Callable[[T], bool]) -> list[tuple[T, list[T]]]:
    """Each kept item with the items passed over just before it; the ones after the last kept
    item go with it. Empty when no item is kept."""
    carried: list[tuple[T, list[T]]] = []
    waiting: list[T] = []
    for item in items:
        if keep(item):
            carried.append((item, waiting))
            waiting = []
        else:
            waiting.append(item)
    if carried and waiting:
        carried[-1][1].extend(waiting)
    return carried


def count_empty(verdict: Verdict, rows: Sequence[dict[str, Any]], *, candidates: bool = True) -> None:
    """Count ``rows`` (their answer empty, no request sent) in ``verdict`` and write them to
    the rejected file. ``candidates``: each row is a candidate of its own (``judge``)."""
    if not rows:
        return
    if candidates:
        verdict.candidates += len(rows)
    verdict.rejected[EMPTY_ANSWER] += len(rows)
    for row in rows:
        verdict.side.append((REJECTED, {**row, "_rejected": {"reason": EMPTY_ANSWER}}))
