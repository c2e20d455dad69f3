"""Private to :class:`~synthgen.dedup.rouge_index.RougeIndex`: its length arithmetic, "score >
threshold" as a required LCS, and the prefix-filter bounds that follow from it (points 1 and 3
of :mod:`synthgen.dedup`).

Everything here depends on the threshold and on token-list lengths only, and is cached per
length (or pair of lengths).
"""

from __future__ import annotations

import math

import numpy as np

from synthgen.dedup.rouge import fmeasure

# Shared elements the filter asks for (s in PrefixIndex.candidates): 2, so that the
# common elements can be indexed by pairs.
_SHARED = 2
# Index entries pack length << 48 | reach << 32 | member: 16, 16 and 32 bits.
PACK_LIMIT = 1 << 16
ANY_END = (1 << 64) - 1  # entry range end that excludes no entry


class RougeBounds:
    """Required LCS lengths and prefix-filter bounds for one threshold, each computed once.

    Holds nothing but its caches: the index and its prefix filter share one.
    """

    def __init__(self, threshold: float) -> None:
        self.threshold = float(threshold)
        self._required_cache: dict[tuple[int, int], int] = {}
        self._min_required_cache: dict[int, int] = {}
        self._partners_cache: dict[int, tuple[int, int]] = {}
        self._within_cache: dict[tuple[int, int], int] = {}
        # length -> per prefix position: entry range end (candidate side), reach (member side)
        self._highs: dict[int, list[int]] = {}
        self._reaches: dict[int, list[int]] = {}
        self._required_rows: dict[int, np.ndarray] = {}
        self._required_lists: dict[int, list[int]] = {}

    # -- the integer form of "score > threshold" --------------------------------------

    def required(self, len_a: int, len_b: int) -> int:
        """Smallest LCS whose float score for these lengths is > threshold; 0 if none."""
        key = (len_a, len_b)
        found = self._required_cache.get(key)
        if found is None:
            found = self._required_cache[key] = self.compute_required(len_a, len_b)
        return found

    def compute_required(self, len_a: int, len_b: int) -> int:
        top = min(len_a, len_b)
        t = self.threshold
        if top == 0 or fmeasure(top, len_a, len_b) <= t:
            return 0
        # The real-valued score is 2*lcs/(la+lb), so the answer is near t*(la+lb)/2. Float
        # scores rise with the LCS by 2/(la+lb) per step, far above rounding error, so the
        # search below (step down while the previous one passes, then up) is exact.
        lcs = min(top, max(1, math.floor(t * (len_a + len_b) / 2)))
        while lcs > 1 and fmeasure(lcs - 1, len_a, len_b) > t:
            lcs -= 1
        while fmeasure(lcs, len_a, len_b) <= t:
            lcs += 1
        return lcs

    def min_required(self, length: int) -> int:
        """The least required LCS of a text of ``length`` over every partner length; 0 if none.

        required(la, lb) never decreases as la grows (the score falls with la for a fixed
        LCS), so the least one belongs to the shortest feasible partner.
        """
        found = self._min_required_cache.get(length)
        if found is None:
            shortest, longest = self.partners(length)
            found = self.required(shortest, length) if shortest <= longest else 0
            self._min_required_cache[length] = found
        return found

    def partners(self, length: int) -> tuple[int, int]:
        """The range of partner lengths that can match a text of ``length`` (empty: lo > hi).

        Feasible partners form an interval: the best possible score, 2*min/(la+lb), rises
        with the partner's length up to ``length`` and falls after it. Capped below
        PACK_LIMIT (longer members are handled apart).
        """
        found = self._partners_cache.get(length)
        if found is None:
            cap = PACK_LIMIT - 1
            top = min(length, cap)
            if top == 0 or not self.required(top, length):
                found = (1, 0)
            else:
                low, high = 1, top  # the first feasible partner is in [low, high]
                while low < high:
                    middle = (low + high) // 2
                    if self.required(middle, length):
                        high = middle
                    else:
                        low = middle + 1
                last, high = top, cap  # the last feasible partner is in [last, high]
                while last < high:
                    middle = (last + high + 1) // 2
                    if self.required(middle, length):
                        last = middle
                    else:
                        high = middle - 1
                found = (low, last)
            self._partners_cache[length] = found
        return found

    def within(self, length: int, limit: int) -> int:
        """The longest feasible partner whose required LCS is at most ``limit`` (or lo - 1).

        required(length, partner) never decreases as the partner grows, so this is a
        bisection over :meth:`partners`.
        """
        key = (length, limit)
        found = self._within_cache.get(key)
        if found is None:
            low, high = self.partners(length)
            found = low - 1
            while low <= high:
                middle = (low + high) // 2
                if self.required(length, middle) <= limit:
                    found, low = middle, middle + 1
                else:
                    high = middle - 1
            self._within_cache[key] = found
        return found

    def high(self, len_a: int) -> list[int]:
        """Per candidate position: the end of the range of entries it may meet.

        Candidate side of the bound (see PrefixIndex.candidates): r(la, lb) <= la - p + s - 1, i.e.
        member lengths up to _within(la, la - p + s - 1). Positions after the last useful
        one are left out; the list is empty when nothing can match.
        """
        found = self._highs.get(len_a)
        if found is None:
            last = min(len_a - 1, len_a - self.min_required(len_a) + _SHARED - 1)
            # capped to fit uint64: no entry reaches ANY_END (it would need member 2**32 - 1)
            found = [
                min((self.within(len_a, len_a - p + _SHARED - 1) + 1) << 48, ANY_END) for p in range(last + 1)
            ]
            self._highs[len_a] = found
        return found

    def reach(self, length: int) -> list[int]:
        """Per member prefix position: the longest candidate the position is within bounds for.

        Member side of the bound (see PrefixIndex.candidates): r(la, lb) <= lb - j + s - 1. Covers the
        prefix for the smallest required LCS, extended by s - 1 for the shared-elements
        filter; capped to fit the entry's 16 bits.
        """
        found = self._reaches.get(length)
        if found is None:
            positions = range(min(length, length - self.min_required(length) + _SHARED))
            reach = [self.within(length, length - j + _SHARED - 1) for j in positions]
            found = [min(value, PACK_LIMIT - 1) for value in reach]
            self._reaches[length] = found
        return found

    # -- rows of required lengths, for filtering many members at once --------------------

    def required_row(self, len_a: int, longest: int) -> np.ndarray:
        """required(len_a, lb) for lb from 0 up to ``longest`` (cached; longer when it grows)."""
        row = self._required_rows.get(len_a)
        if row is None or len(row) <= longest:
            _, feasible = self.partners(len_a)
            top = min(feasible, longest)
            values = [0] + [self.required(len_a, lb) for lb in range(1, top + 1)]
            values += [PACK_LIMIT] * (longest - top)  # cannot match: never kept
            row = self._required_rows[len_a] = np.array(values, dtype=np.intp)
        return row

    def required_list(self, len_a: int, longest: int) -> list[int]:
        """:meth:`required_row` as a list (cached), for filtering a few members in Python."""
        found = self._required_lists.get(len_a)
        if found is None or len(found) <= longest:
            found = self._required_lists[len_a] = self.required_row(len_a, longest).tolist()
        return found
