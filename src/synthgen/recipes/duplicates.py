"""The duplicate rule of ``generate`` and ``evolve``, and the counts it reports.

A candidate is a duplicate when its normalised key was kept before (exact), or when its
ROUGE-L score against a pooled task is above the threshold (similar, self-instruct's rule);
otherwise it joins both pools. Each kind is counted under its own name in the verdict
(``duplicates_exact``, ``duplicates_similar``: keys of the run report's counts).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from typing import TYPE_CHECKING

from synthgen.dedup.exact import ExactIndex

if TYPE_CHECKING:
    from synthgen.dedup.rouge_index import RougeIndex

EXACT = "duplicates_exact"
SIMILAR = "duplicates_similar"
COUNTS = (EXACT, SIMILAR)
PANEL_ROW = ("duplicates", "{duplicates_exact} exact, {duplicates_similar} similar")


def duplicate(
    key: str,
    text: str,
    pools: tuple[ExactIndex, RougeIndex],
    counts: Counter[str],
    *,
    ignore: Collection[int] = (),
) -> str | None:
    """Why the candidate of exact ``key`` and ROUGE-L ``text`` is a duplicate (counted in
    ``counts``), or None: it is none, and joins both pools. ``ignore``: pool places the
    ROUGE-L rule skips (evolve's lineage)."""
    exact, rouge = pools
    if exact.seen(key):
        counts[EXACT] += 1
        return "duplicate_exact"
    if rouge.check_and_add(text, ignore=ignore) is not None:
        counts[SIMILAR] += 1
        return "duplicate_similar"
    exact.add(key)
    return None
