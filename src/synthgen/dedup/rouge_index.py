""":class:`RougeIndex`: the pool of instructions, finding a near-duplicate exactly and quickly.

The rule, and how the index stays exact, are described in :mod:`synthgen.dedup`. The length
arithmetic lives in :mod:`synthgen.dedup.rouge_bounds`, the token codes and ranks in
:mod:`synthgen.dedup.rouge_vocabulary`.
"""

from __future__ import annotations

import itertools
import math
from array import array
from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Iterable

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import LCSseq

from synthgen.dedup.rouge import DEFAULT_THRESHOLD, Match, fmeasure, rouge_tokens
from synthgen.dedup.rouge_bounds import ANY_END, PACK_LIMIT, RougeBounds
from synthgen.dedup.rouge_vocabulary import LookedUp, RougeVocabulary

# An element is "common" once this many members are listed under it (see
# RougeIndex._candidates). Smaller: fewer entries to filter, but more pairs to store and look
# up, one Python step each. Since lists are filtered in numpy, walking a longer list is cheap:
# measured on the mock teacher's template-heavy text (2,000 answers, pool growing to 32K),
# 128 -> 7.3 ms per answer, 1,024 -> 5.5 ms; the 52K/500K dedup benchmark corpus runs in the
# same time either way and its peak memory at 500K fell from 515 to 427 MB (fewer pairs).
DEFAULT_COMMON_AFTER = 1024
# The rest of the index entry layout (see PACK_LIMIT): field masks and the length shift.
_MEMBER_MASK = (1 << 32) - 1
_REACH = 0xFFFF << 32
_MEMBER_MASK_U64 = np.uint64(_MEMBER_MASK)
_REACH_U64 = np.uint64(_REACH)
_LENGTH_SHIFT = np.uint64(48)
# Lists and pairs longer than this are sliced to the length range by bisection; shorter
# ones are copied whole (numpy applies the range to every entry anyway).
_SLICE_FROM = 32
# Below this many gathered entries, filtering them in Python beats numpy's per-call costs.
DEFAULT_NUMPY_FROM = 160
# Each member's elements hashed (rank mod 256) into 256 bits, stored as 4 uint64 words.
_MASK_WORDS = 4


def _element_bits(ranks: Iterable[int]) -> int:
    """The 256-bit set of a text's elements: bit (rank mod 256) for each."""
    bits = 0
    for rank in ranks:
        bits |= 1 << (rank & 0xFF)
    return bits


def _as_words(bits: int) -> np.ndarray:
    """A 256-bit int as 4 uint64 words, lowest first (one row of RougeIndex._mask_rows)."""
    return np.frombuffer(bits.to_bytes(8 * _MASK_WORDS, "little"), dtype="<u8")


def _add_entry(entries: array[int], entry: int) -> None:
    """Add an index entry: appended while the array is short, in order once it is long.

    Only arrays longer than _SLICE_FROM are bisected (RougeIndex._candidates), so only
    they need to be sorted; appending is several times cheaper than a sorted insert.
    """
    size = len(entries)
    if size < _SLICE_FROM:
        entries.append(entry)
        return
    if size == _SLICE_FROM:
        entries[:] = array("Q", sorted(entries))
    insort(entries, entry)


class RougeIndex(RougeBounds, RougeVocabulary):
    """The pool of instructions, answering "is this a near-duplicate of a member?" quickly.

    Decisions are those of the naive rule: a text matches when its rouge-score ROUGE-L F
    against some member is ``> threshold``. :meth:`find_similar` returns the
    highest-scoring member (ties: the earliest), because every candidate that survives the
    filters is scored anyway. Indices are 0-based in insertion order.

    Per candidate the work is: tokenize, look up its rarest elements and pairs of its
    frequent ones, bound the overlap of the members found (typically ~100-200, by bit
    operations) and compute an LCS for the few left (typically 0-3). Measured here (2-core
    AMD EPYC, shared): about 0.1 ms per candidate at a 40K pool, 0.35 ms at 300K; adding a
    member is ~20 sorted-array inserts. Not thread-safe.
    """

    def __init__(
        self,
        threshold: float = DEFAULT_THRESHOLD,
        *,
        common_after: int = DEFAULT_COMMON_AFTER,
        numpy_from: int = DEFAULT_NUMPY_FROM,
    ) -> None:
        """``common_after`` tunes speed against memory (see :meth:`_candidates`), ``numpy_from``
        where the candidate filter switches to numpy (see :meth:`_survivors`): speed only."""
        if not 0.0 <= threshold <= 1.0 or math.isnan(threshold):
            raise ValueError(f"threshold must be within [0, 1], got {threshold}")
        if common_after < 1:
            raise ValueError(f"common_after must be at least 1, got {common_after}")
        RougeBounds.__init__(self, threshold)
        RougeVocabulary.__init__(self)
        self._common_after = common_after
        self._numpy_from = numpy_from
        self._seqs: list[str | list[int]] = []
        # Index entries are packed ints, length << 48 | reach << 32 | member, where reach
        # is the longest candidate for which the entry's position is within the member's
        # bound (see _candidates). Long arrays are kept sorted, so by length first.
        # rank of a prefix element -> its entries (while rare; frozen once common)
        self._lists: dict[int, array[int]] = {}
        self._common: dict[int, int] = {}  # rank of a common element -> small id
        # (id of common a) << 32 | (id of common b), a before b in the order -> entries
        # (reach of b's position) of members added after both became common
        self._pairs: dict[int, array[int]] = {}
        # rank -> length -> members added after the element became common; only for
        # lengths some one-token candidate can match (r = 1: any shared element will do)
        self._late: dict[int, dict[int, list[int]]] = {}
        self._huge: list[int] = []  # members too long to pack (>= 2**16 tokens)
        self._required_rows: dict[int, np.ndarray] = {}
        self._required_lists: dict[int, list[int]] = {}
        self._longest = 0  # longest member (capped at 0xFFFF), for _required_row
        # per member: its elements hashed to 256 bits (see _element_bits); grown by doubling
        self._mask_rows = np.zeros((1024, _MASK_WORDS), dtype=np.uint64)
        # the same bits as ints, << 16 | min(length, 0xFFFF), for _survivors_few
        self._mask_ints: list[int] = []

    def __len__(self) -> int:
        return len(self._seqs)

    # -- public API -------------------------------------------------------------------

    def add(self, text: str) -> int:
        """Add ``text`` to the pool unconditionally (a seed, a kept record); returns its index."""
        return self._insert(rouge_tokens(text))

    def extend(self, texts: Iterable[str]) -> range:
        """Add many texts (seeds, a resumed dataset) in order; returns their indices.

        Primes the token order with the batch first, which makes later lookups faster.
        """
        texts = list(texts)
        self.prime(texts)
        start = len(self._seqs)
        for text in texts:
            self._insert(rouge_tokens(text))
        return range(start, len(self._seqs))

    def prime(self, texts: Iterable[str]) -> None:
        """Rank tokens not seen yet by their frequency in ``texts`` (rarest first); adds nothing.

        Only speed depends on this (see the module docstring); call it with everything a
        run will see when that is known up front, as ``synthgen dedup`` does.
        """
        counts: Counter[str] = Counter()  # texts containing a token
        repeats: Counter[tuple[str, int]] = Counter()  # texts containing it k >= 2 times
        texts = iter(texts)
        # In chunks, so that only one chunk's token lists are in memory at a time.
        while chunk := list(itertools.islice(texts, 4096)):
            token_lists = [rouge_tokens(text) for text in chunk]
            distincts = list(map(set, token_lists))
            counts.update(itertools.chain.from_iterable(distincts))
            later: list[tuple[str, int]] = []  # (token, k) for each k-th occurrence, k >= 2
            for tokens, distinct in zip(token_lists, distincts, strict=True):
                if len(distinct) != len(tokens):
                    seen: dict[str, int] = {}
                    for tok in tokens:
                        k = seen[tok] = seen.get(tok, 0) + 1
                        if k > 1:
                            later.append((tok, k))
            repeats.update(later)
        self._rank_new(counts, repeats)

    def find_similar(self, text: str) -> Match | None:
        """The highest-scoring member with score > threshold (earliest on ties), or None."""
        tokens = rouge_tokens(text)
        looked_up = self._lookup(tokens)
        return self._best_match(tokens, looked_up, _element_bits(looked_up[1]))

    def check_and_add(self, text: str) -> Match | None:
        """Greedy step: the match that rejects ``text``, or None after adding it to the pool."""
        tokens = rouge_tokens(text)
        looked_up = self._lookup(tokens)
        bits = _element_bits(looked_up[1])
        match = self._best_match(tokens, looked_up, bits)
        if match is None:
            self._insert(tokens, (looked_up, bits) if looked_up[2] == 0 else None)
        return match

    # -- index ------------------------------------------------------------------------

    def _insert(self, tokens: list[str], known: tuple[LookedUp, int] | None = None) -> int:
        """Add a member; ``known`` is its _lookup() and element bits when every element has a rank."""
        index_of = len(self._seqs)
        if known is None:
            codes, ranks = self._assign(tokens)
            self._seqs.append(self._pack(codes))
            ranks.sort()
            bits = _element_bits(ranks)
        else:
            (seq, ranks, _), bits = known  # ranks sorted
            self._seqs.append(seq)
        length = len(tokens)
        if index_of == len(self._mask_rows):
            self._mask_rows = np.concatenate([self._mask_rows, np.zeros_like(self._mask_rows)])
        self._mask_rows[index_of] = _as_words(bits)
        self._mask_ints.append(bits << 16 | min(length, 0xFFFF))
        self._longest = max(self._longest, min(length, 0xFFFF))
        least = self._min_required(length)
        if not least:
            return index_of
        if length >= PACK_LIMIT:
            self._huge.append(index_of)
            return index_of
        late = self._required(1, length) == 1
        commons: list[tuple[int, int]] = []  # (entry, id) of common prefix elements
        for position, reach in enumerate(self._reach(length)):
            rank = ranks[position]
            entry = length << 48 | reach << 32 | index_of
            listed = self._lists.get(rank)
            if listed is None:
                listed = self._lists[rank] = array("Q")
            if len(listed) < self._common_after:
                _add_entry(listed, entry)
                if len(listed) == self._common_after:  # full: the element becomes common
                    self._common[rank] = len(self._common)
            else:
                commons.append((entry, self._common[rank]))
                if late:
                    self._late.setdefault(rank, {}).setdefault(length, []).append(index_of)
        for i, (_, first) in enumerate(commons):
            for entry, second in commons[i + 1 :]:
                entries = self._pairs.get(first << 32 | second)
                if entries is None:
                    entries = self._pairs[first << 32 | second] = array("Q")
                _add_entry(entries, entry)
        return index_of

    def _best_match(self, tokens: list[str], looked_up: LookedUp, bits: int) -> Match | None:
        """The best member for ``tokens`` (whose _lookup() is ``looked_up``, element bits ``bits``)."""
        if not self._seqs:
            return None
        len_a = len(tokens)
        least = self._min_required(len_a)
        if not least:
            return None
        seq, ranks, unknown = looked_up
        if len_a < PACK_LIMIT:
            members = self._survivors(ranks, unknown, len_a, bits)
            members += [m for m in self._huge if self._required(len_a, len(self._seqs[m]))]
        else:  # entries cannot encode such a length: compare with every member (very rare)
            members = [m for m, other in enumerate(self._seqs) if self._required(len_a, len(other))]
        if not members:
            return None
        seqs = self._seqs
        # One C loop over the survivors; `least` is the lowest cutoff of any partner length,
        # the exact one per length is applied to the (few) results.
        results = process.extract(
            seq,
            list(map(seqs.__getitem__, members)),
            scorer=LCSseq.similarity,
            score_cutoff=least,
            limit=None,
        )
        best_index, best_score = -1, 0.0
        for choice, lcs, position in results:
            len_b = len(choice)
            if lcs >= self._required(len_a, len_b):
                member, score = members[position], fmeasure(int(lcs), len_a, len_b)
                if score > best_score or (score == best_score and member < best_index):
                    best_index, best_score = member, score
        return None if best_index < 0 else Match(best_index, best_score)

    def _survivors(self, ranks: list[int], unknown: int, len_a: int, bits: int) -> list[int]:
        """Members that pass both filters: shared prefix elements, then the 256-bit bound.

        :meth:`_candidates` gathers the index entries of every member that may share enough
        elements; the bit bound then runs over all of them at once in numpy (a Python loop
        over a few hundred entries per candidate was most of the cost on template-heavy text).

        Bit bound: each member keeps a 256-bit set of its elements hashed to bits. A bit of
        the candidate's known elements missing from a member's set stands for at least one
        element the member lacks, so shared <= len(ranks) - popcount(candidate & ~member)
        = popcount(candidate & member) + (len(ranks) - popcount(candidate)). A hash
        collision can only hide a missing element, never invent one: the bound holds.
        """
        found, ends, sizes = self._candidates(ranks, unknown, len_a)
        if not found:
            return []
        count = bits.bit_count()
        collided = len(ranks) - count
        low = self._partners(len_a)[0] << 48
        if len(found) < self._numpy_from:
            return self._survivors_few(found, ends, sizes, low, len_a, bits, collided)
        entries = np.frombuffer(found, dtype=np.uint64)
        # Length range and reach first: they need no memory but the entries themselves.
        keep = entries >= np.uint64(low)
        keep &= entries < np.repeat(np.array(ends, dtype=np.uint64), sizes)
        keep &= (entries & _REACH_U64) >= np.uint64(len_a << 32)
        entries = entries[keep]
        if not entries.size:
            return []
        members = (entries & _MEMBER_MASK_U64).astype(np.intp)
        shared_bits = self._mask_rows.take(members, axis=0)
        np.bitwise_and(shared_bits, _as_words(bits), out=shared_bits)
        per_word = np.bitwise_count(shared_bits)  # uint8: sums below 256 fit
        if count < 256:
            shared = per_word[:, 0] + per_word[:, 1] + per_word[:, 2] + per_word[:, 3]
        else:
            shared = per_word.sum(axis=1, dtype=np.intp)
        # need[lb] - collided: shared elements the bits must show for a member of length lb
        need = self._required_row(len_a) - collided
        keep = shared >= need[(entries >> _LENGTH_SHIFT).astype(np.intp)]
        return list(set(members[keep].tolist()))

    def _survivors_few(
        self,
        found: array[int],
        ends: list[int],
        sizes: list[int],
        low: int,
        len_a: int,
        bits: int,
        collided: int,
    ) -> list[int]:
        """:meth:`_survivors` in plain Python, faster than numpy's per-call cost for few entries."""
        reach = len_a << 32
        members: set[int] = set()
        start = 0
        for end, size in zip(ends, sizes, strict=True):
            stop = start + size
            members.update(
                [e & _MEMBER_MASK for e in found[start:stop] if low <= e < end and e & _REACH >= reach]
            )
            start = stop
        need = self._required_list(len_a)
        bits <<= 16  # aligned with the packed masks, whose low 16 bits hold the length
        masks = self._mask_ints
        return [
            m
            for m in members
            if (bits & (packed := masks[m])).bit_count() + collided >= need[packed & 0xFFFF]
        ]

    def _required_list(self, len_a: int) -> list[int]:
        """:meth:`_required_row` as a list (cached)."""
        found = self._required_lists.get(len_a)
        if found is None or len(found) <= self._longest:
            found = self._required_lists[len_a] = self._required_row(len_a).tolist()
        return found

    def _required_row(self, len_a: int) -> np.ndarray:
        """required(len_a, lb) for lb from 0 up to the longest member (cached)."""
        row = self._required_rows.get(len_a)
        if row is None or len(row) <= self._longest:
            _, longest = self._partners(len_a)
            top = min(longest, self._longest)
            values = [0] + [self._required(len_a, lb) for lb in range(1, top + 1)]
            values += [PACK_LIMIT] * (self._longest - top)  # cannot match: never kept
            row = self._required_rows[len_a] = np.array(values, dtype=np.intp)
        return row

    def _candidates(
        self, ranks: list[int], unknown: int, len_a: int
    ) -> tuple[array[int], list[int], list[int]]:
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

        Returns the entries in chunks (one per list or pair looked up) with each chunk's
        entry range end and size. Entries may repeat a member, and still need the length
        range and reach tests, done for all at once in numpy by :meth:`_survivors` (only
        long lists are sliced here, where a bisection saves copying).
        """
        low = self._partners(len_a)[0] << 48
        highs = self._high(len_a)[unknown:]
        found: array[int] = array("Q")
        ends: list[int] = []  # per gathered chunk: its entry range end (candidate side)
        sizes: list[int] = []  # per gathered chunk: its number of entries
        commons: list[tuple[int, int]] = []  # (id, entry range end) of common elements
        lists_get, common_after = self._lists.get, self._common_after
        for rank, high in zip(ranks, highs, strict=False):  # as far as the shorter goes
            listed = lists_get(rank)
            if listed is None:
                continue
            if len(listed) >= common_after:  # a full list: the element is common
                commons.append((self._common[rank], high))
                if self._late and (late := self._late_entries(rank, len_a)):
                    found += late
                    ends.append(ANY_END)
                    sizes.append(len(late))
            if len(listed) > _SLICE_FROM:  # sorted by length first: slice the length range
                listed = listed[bisect_left(listed, low) : bisect_left(listed, high)]
            found += listed
            ends.append(high)
            sizes.append(len(listed))
        pairs_get = self._pairs.get
        for i, (first, _) in enumerate(commons):
            for second, high in commons[i + 1 :]:
                entries = pairs_get(first << 32 | second)
                if entries is not None:
                    if len(entries) > _SLICE_FROM:
                        entries = entries[bisect_left(entries, low) : bisect_left(entries, high)]
                    found += entries
                    ends.append(high)
                    sizes.append(len(entries))
        return found, ends, sizes

    def _late_entries(self, rank: int, len_a: int) -> array[int]:
        """Members in _late under ``rank`` whose length needs one shared element (r = 1).

        As index entries with the largest reach (the r = 1 bound is checked here).
        """
        return array(
            "Q",
            [
                len_b << 48 | _REACH | member
                for len_b, members in self._late.get(rank, {}).items()
                if self._required(len_a, len_b) == 1
                for member in members
            ],
        )
