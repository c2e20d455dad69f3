""":class:`RougeIndex`: the pool of instructions, finding a near-duplicate exactly and quickly.

The rule, and how the index stays exact, are described in :mod:`synthgen.dedup`. Its fast paths
are private to it, each part owning its own state: the length arithmetic in
:mod:`synthgen.dedup._rouge_bounds`, the token codes and ranks in
:mod:`synthgen.dedup._rouge_vocabulary`, the prefix lists and bit masks that find the few
members worth an LCS in :mod:`synthgen.dedup._rouge_prefix`.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Collection, Iterable

from rapidfuzz import process
from rapidfuzz.distance import LCSseq

from synthgen.dedup._rouge_bounds import PACK_LIMIT, RougeBounds
from synthgen.dedup._rouge_entries import element_bits
from synthgen.dedup._rouge_prefix import PrefixIndex
from synthgen.dedup._rouge_vocabulary import LookedUp, RougeVocabulary
from synthgen.dedup.rouge import DEFAULT_THRESHOLD, Match, fmeasure, rouge_tokens

# An element is "common" once this many members are listed under it (see
# PrefixIndex.candidates). Smaller: fewer entries to filter, but more pairs to store and look
# up, one Python step each. Since lists are filtered in numpy, walking a longer list is cheap:
# measured on the mock teacher's template-heavy text (2,000 answers, pool growing to 32K),
# 128 -> 7.3 ms per answer, 1,024 -> 5.5 ms; the 52K/500K dedup benchmark corpus runs in the
# same time either way and its peak memory at 500K fell from 515 to 427 MB (fewer pairs).
DEFAULT_COMMON_AFTER = 1024
# Below this many gathered entries, filtering them in Python beats numpy's per-call costs.
DEFAULT_NUMPY_FROM = 160


class RougeIndex:
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
        """``common_after`` tunes speed against memory (see PrefixIndex.candidates), ``numpy_from``
        where the candidate filter switches to numpy (see PrefixIndex.survivors): speed only."""
        if not 0.0 <= threshold <= 1.0 or math.isnan(threshold):
            raise ValueError(f"threshold must be within [0, 1], got {threshold}")
        if common_after < 1:
            raise ValueError(f"common_after must be at least 1, got {common_after}")
        self.threshold = float(threshold)
        self._bounds = RougeBounds(threshold)
        self._vocabulary = RougeVocabulary()
        self._prefix = PrefixIndex(self._bounds, common_after, numpy_from)
        self._seqs: list[str | list[int]] = []  # each member's token codes, for the LCS

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
        self._vocabulary.rank_new(counts, repeats)

    def find_similar(self, text: str, *, ignore: Collection[int] = ()) -> Match | None:
        """The highest-scoring member with score > threshold (earliest on ties), or None.

        ``ignore``: members not to compare with (e.g. the texts ``text`` was rewritten from).
        """
        tokens = rouge_tokens(text)
        looked_up = self._vocabulary.lookup(tokens)
        return self._best_match(tokens, looked_up, element_bits(looked_up[1]), ignore)

    def check_and_add(self, text: str, *, ignore: Collection[int] = ()) -> Match | None:
        """Greedy step: the match that rejects ``text``, or None after adding it to the pool.

        ``ignore`` as in :meth:`find_similar`.
        """
        tokens = rouge_tokens(text)
        looked_up = self._vocabulary.lookup(tokens)
        bits = element_bits(looked_up[1])
        match = self._best_match(tokens, looked_up, bits, ignore)
        if match is None:
            self._insert(tokens, (looked_up, bits) if looked_up[2] == 0 else None)
        return match

    # -- index ------------------------------------------------------------------------

    def _insert(self, tokens: list[str], known: tuple[LookedUp, int] | None = None) -> int:
        """Add a member; ``known`` is its lookup() and element bits when every element has a rank."""
        index_of = len(self._seqs)
        if known is None:
            vocabulary = self._vocabulary
            symbols, ranks = vocabulary.assign(tokens)
            self._seqs.append(vocabulary.pack(symbols))
            ranks.sort()
            bits = element_bits(ranks)
        else:
            (seq, ranks, _), bits = known  # ranks sorted
            self._seqs.append(seq)
        self._prefix.add(index_of, ranks, len(tokens), bits)
        return index_of

    def _best_match(
        self, tokens: list[str], looked_up: LookedUp, bits: int, ignore: Collection[int] = ()
    ) -> Match | None:
        """The best member for ``tokens`` (whose _lookup() is ``looked_up``, element bits ``bits``),
        the members in ``ignore`` aside."""
        if not self._seqs:
            return None
        len_a = len(tokens)
        required = self._bounds.required
        seqs = self._seqs
        seq, ranks, unknown = looked_up
        if len_a < PACK_LIMIT:
            least = self._bounds.min_required(len_a)
            if not least:
                return None
            members = self._prefix.survivors(ranks, unknown, len_a, bits)
        else:
            # Entries cannot encode such a length, and min_required() only knows partners
            # shorter than PACK_LIMIT (above ~122K tokens every feasible partner is longer):
            # compare with every member whose length can match (very rare).
            members = [m for m, other in enumerate(seqs) if required(len_a, len(other))]
            least = min((required(len_a, len(seqs[m])) for m in members), default=0)
        if ignore:
            members = [m for m in members if m not in ignore]
        if not members:
            return None
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
            if lcs >= required(len_a, len_b):
                member, score = members[position], fmeasure(int(lcs), len_a, len_b)
                if score > best_score or (score == best_score and member < best_index):
                    best_index, best_score = member, score
        return None if best_index < 0 else Match(best_index, best_score)
