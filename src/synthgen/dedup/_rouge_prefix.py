"""Private to :class:`~synthgen.dedup.rouge_index.RougeIndex`: its prefix index, the members a
candidate may match, found before any LCS is computed.

:class:`PrefixIndex` owns the index lists, pairs and member masks; the index adds each member
here and asks for a candidate's survivors. Why the filters are exact is explained in
:mod:`synthgen.dedup` and in :meth:`PrefixIndex.candidates`.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left

import numpy as np

from synthgen.dedup._rouge_bounds import PACK_LIMIT, RougeBounds
from synthgen.dedup._rouge_entries import (
    LENGTH_FIELD,
    MASK_WORDS,
    MEMBER_FIELD,
    MEMBER_MASK,
    REACH,
    REACH_FIELD,
    add_entry,
    as_words,
)


class PrefixIndex:
    """Members sharing enough elements with a candidate, by prefix lists then 256-bit masks.

    ``common_after`` tunes speed against memory (see :meth:`candidates`), ``numpy_from`` where
    the filter switches to numpy (see :meth:`survivors`): speed only.
    """

    def __init__(self, bounds: RougeBounds, common_after: int, numpy_from: int) -> None:
        self._bounds = bounds
        self._common_after = common_after
        self._numpy_from = numpy_from
        # Index entries are packed ints, length << 48 | reach << 32 | member, where reach
        # is the longest candidate for which the entry's position is within the member's
        # bound (see candidates). Long arrays are kept sorted, so by length first.
        # rank of a prefix element -> its entries (while rare; frozen once common)
        self._lists: dict[int, array[int]] = {}
        self._common: dict[int, int] = {}  # rank of a common element -> small id
        # (id of common a) << 32 | (id of common b), a before b in the order -> entries
        # (reach of b's position) of members added after both became common
        self._pairs: dict[int, array[int]] = {}
        # rank -> length -> members added after the element became common; only for
        # lengths some one-token candidate can match (r = 1: any shared element will do)
        self._late: dict[int, dict[int, list[int]]] = {}
        self._huge: list[tuple[int, int]] = []  # (member, length) too long to pack (>= 2**16 tokens)
        self._longest = 0  # longest member (capped at 0xFFFF), for the required rows
        # per member: its elements hashed to 256 bits (see element_bits); grown by doubling
        self._mask_rows = np.zeros((1024, MASK_WORDS), dtype=np.uint64)
        # the same bits as ints, << 16 | min(length, 0xFFFF), for _survivors_few
        self._mask_ints: list[int] = []

    def add(self, member: int, ranks: list[int], length: int, bits: int) -> None:
        """Index member number ``member`` (the next one) by its sorted element ``ranks``."""
        if member == len(self._mask_rows):
            self._mask_rows = np.concatenate([self._mask_rows, np.zeros_like(self._mask_rows)])
        self._mask_rows[member] = as_words(bits)
        self._mask_ints.append(bits << 16 | min(length, 0xFFFF))
        self._longest = max(self._longest, min(length, 0xFFFF))
        bounds = self._bounds
        if length >= PACK_LIMIT:  # too long to pack (min_required() does not reach its partners)
            if bounds.required(length, length):
                self._huge.append((member, length))
            return
        if not bounds.min_required(length):
            return
        late = bounds.required(1, length) == 1
        commons: list[tuple[int, int]] = []  # (entry, id) of common prefix elements
        lists, common_after = self._lists, self._common_after
        packed = length << 48 | member
        for rank, reach in zip(ranks, bounds.reach(length), strict=False):  # the prefix
            entry = packed | reach << 32
            listed = lists.get(rank)
            if listed is None:
                listed = lists[rank] = array("Q")
            if len(listed) < common_after:
                add_entry(listed, entry)
                if len(listed) == common_after:  # full: the element becomes common
                    self._common[rank] = len(self._common)
            else:
                commons.append((entry, self._common[rank]))
                if late:
                    self._late.setdefault(rank, {}).setdefault(length, []).append(member)
        for i, (_, first) in enumerate(commons):
            for entry, second in commons[i + 1 :]:
                entries = self._pairs.get(first << 32 | second)
                if entries is None:
                    entries = self._pairs[first << 32 | second] = array("Q")
                add_entry(entries, entry)

    def survivors(self, ranks: list[int], unknown: int, len_a: int, bits: int) -> list[int]:
        """Members that pass both filters: shared prefix elements, then the 256-bit bound.

        :meth:`candidates` gathers the index entries of every member that may share enough
        elements; the bit bound then runs over all of them at once in numpy (a Python loop
        over a few hundred entries per candidate was most of the cost on template-heavy text).

        Bit bound: each member keeps a 256-bit set of its elements hashed to bits. A bit of
        the candidate's known elements missing from a member's set stands for at least one
        element the member lacks, so shared <= len(ranks) - popcount(candidate & ~member)
        = popcount(candidate & member) + (len(ranks) - popcount(candidate)). A hash
        collision can only hide a missing element, never invent one: the bound holds.
        """
        required = self._bounds.required
        huge = [m for m, len_b in self._huge if required(len_a, len_b)]
        found = self.candidates(ranks, unknown, len_a)
        if not found:
            return huge
        count = bits.bit_count()
        collided = len(ranks) - count
        if len(found) < self._numpy_from:
            return self._survivors_few(found, len_a, bits, collided) + huge
        entries = np.frombuffer(found, dtype=np.uint64)
        # The fields are read through views of the entries' bytes (no shift or mask per
        # entry; numpy's per-call cost is most of this function's time). Only the reach is
        # left to test: every entry gathered is within the length range.
        entries = entries[entries.view(np.uint16)[REACH_FIELD::4] >= len_a]
        if not entries.size:
            return huge
        members = entries.view(np.uint32)[MEMBER_FIELD::2]
        shared_bits = self._mask_rows.take(members, axis=0).reshape(-1)
        # AND with the candidate's words repeated per row: a flat AND is ~5x faster than
        # broadcasting 4 words over the rows, and repeating bytes costs next to nothing.
        repeated = np.frombuffer(bits.to_bytes(8 * MASK_WORDS, "little") * len(members), dtype="<u8")
        np.bitwise_and(shared_bits, repeated, out=shared_bits)
        per_word = np.bitwise_count(shared_bits).reshape(-1, MASK_WORDS)  # uint8
        if count < 256:
            # The 4 byte counts of a row summed in one multiply: byte 3 of bytes * 0x01010101.
            shared = (per_word.view(np.uint32)[:, 0] * np.uint32(0x01010101)) >> np.uint32(24)
        else:
            shared = per_word.sum(axis=1, dtype=np.intp)
        # need[lb] - collided: shared elements the bits must show for a member of length lb
        need = self._bounds.required_row(len_a, self._longest) - collided
        keep = shared >= need.take(entries.view(np.uint16)[LENGTH_FIELD::4])
        return list(set(members[keep].tolist())) + huge

    def _survivors_few(self, found: array[int], len_a: int, bits: int, collided: int) -> list[int]:
        """:meth:`survivors` in plain Python, faster than numpy's per-call cost for few entries."""
        reach = len_a << 32
        members = {e & MEMBER_MASK for e in found if e & REACH >= reach}
        need = self._bounds.required_list(len_a, self._longest)
        bits <<= 16  # aligned with the packed masks, whose low 16 bits hold the length
        masks = self._mask_ints
        return [
            m
            for m in members
            if (bits & (packed := masks[m])).bit_count() + collided >= need[packed & 0xFFFF]
        ]

    def candidates(self, ranks: list[int], unknown: int, len_a: int) -> array[int]:
        """Index entries of every member that may share enough elements (a superset).

        Filter (the l-prefix scheme of Wang, Li and Feng, "Can we beat the prefix
        filtering?", SIGMOD 2012): if two sets sorted in one order share ``r`` elements,
        the first ``s <= r`` shared ones lie within the first ``la - r + s`` elements of one
        and ``lb - r + s`` of the other (at least ``r - s`` shared elements follow them on
        both sides). We take s = min(_SHARED, r): an element at candidate position ``p``
        and member position ``j`` is *within bounds* when r <= min(la - p, lb - j) + s - 1
        (using s = _SHARED there, which only widens the bounds when r is smaller). As r
        grows with either length, the candidate side is a bound on lb (a slice of the
        length-sorted entries) and the member side a bound on la (the entry's reach).

        A match needs s shared elements within bounds. Looking up each element and
        counting would walk, for every frequent element (a template word), all the
        members containing it, most of which share nothing else. Instead:

        * a *rare* element (fewer than ``common_after`` members listed) has all its
          members in its list, and they are all taken (no counting);
        * when an element's list reaches ``common_after`` members the element becomes
          *common* and its list stops growing; later members containing it are indexed
          under each pair of their common prefix elements (at the second one's position)
          instead. The candidate looks up the pairs of its common elements and takes the
          members it meets there (with s = 2 one pair is all the shared elements form).

        Exact: take the first s shared elements. If one of them is rare, or the member was
        listed before one of them became common, a list has the member. Otherwise both
        were common when it was added, and their pair has it. (When r = 1 one shared
        element is enough: _late has the common elements' later members.)

        ``ranks`` are the candidate's known elements in order; the ``unknown`` others count
        as placed before them (no member has them).

        Returns the entries found, each within the length range (every list and pair is sorted,
        so its range is one slice). Entries may repeat a member, and still need the reach
        test, done for all at once by :meth:`survivors`.
        """
        low = self._bounds.partners(len_a)[0] << 48
        highs = self._bounds.high(len_a)[unknown:]
        found: array[int] = array("Q")
        commons: list[tuple[int, int]] = []  # (id, entry range end) of common elements
        lists_get, common_after = self._lists.get, self._common_after
        for rank, high in zip(ranks, highs, strict=False):  # as far as the shorter goes
            listed = lists_get(rank)
            if listed is None:
                continue
            if len(listed) >= common_after:  # a full list: the element is common
                commons.append((self._common[rank], high))
                if self._late:
                    found += _late_entries(self._late.get(rank, {}), self._bounds, len_a)
            # sorted by length first: the length range is one slice
            found += listed[bisect_left(listed, low) : bisect_left(listed, high)]
        pairs_get = self._pairs.get
        for i, (first, _) in enumerate(commons):
            for second, high in commons[i + 1 :]:
                entries = pairs_get(first << 32 | second)
                if entries is not None:
                    found += entries[bisect_left(entries, low) : bisect_left(entries, high)]
        return found


def _late_entries(late: dict[int, list[int]], bounds: RougeBounds, len_a: int) -> array[int]:
    """Members of one common element's ``late`` lists (length -> members) whose length needs
    one shared element (r = 1), as index entries with the largest reach (the r = 1 bound, hence
    the length range, is checked here)."""
    required = bounds.required
    return array(
        "Q",
        [
            len_b << 48 | REACH | member
            for len_b, members in late.items()
            if required(len_a, len_b) == 1
            for member in members
        ],
    )
