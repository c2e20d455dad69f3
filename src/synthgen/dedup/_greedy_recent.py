"""Private to :mod:`synthgen.dedup._greedy_workers`: the members added since a batch was sent.

The workers look a batch up against the pool as it was when the batch was sent; this process
checks each record against the few hundred members added since. At that size an index does not
pay: a :class:`~synthgen.dedup.rouge_index.RougeIndex` look-up is mostly fixed work per
candidate (its vocabulary, its prefix lists, its numpy bound), about as costly in a pool of 500
as in one of 500,000. So the recent members are kept as token-code strings in one vocabulary and
compared by one rapidfuzz call (its C loop over them, bit-parallel LCS), with the lowest
required LCS as its cutoff; the exact required LCS per pair of lengths is the integer form of
"score > threshold" (:class:`~synthgen.dedup._rouge_bounds.RougeBounds`), so decisions and
scores are the naive rule's.
"""

from __future__ import annotations

from rapidfuzz import process
from rapidfuzz.distance import LCSseq

from synthgen.dedup._rouge_bounds import PACK_LIMIT, RougeBounds
from synthgen.dedup.rouge import Match, fmeasure

# Code 0 stands for a token no recent member has (it can be shared with none). Codes are one
# character each; when they run out the vocabulary starts afresh from the members still held.
_UNKNOWN = "\0"
_LAST_CODE = 0x10FFFF


class RecentMembers:
    """Pool members from index ``base`` on, in order, as token codes; not thread-safe."""

    def __init__(self, threshold: float, base: int) -> None:
        self.base = base
        self._bounds = RougeBounds(threshold)
        self._codes: dict[str, str] = {}
        self._tokens: list[list[str]] = []  # kept to re-encode them if the codes run out
        self._seqs: list[str] = []

    def __len__(self) -> int:
        return len(self._seqs)

    def add(self, tokens: list[str]) -> None:
        """The next member (pool index ``base + len(self)``), by its rouge_tokens."""
        codes = self._codes
        if len(codes) + len(tokens) > _LAST_CODE:
            self._recode()
        for token in tokens:
            if token not in codes:
                codes[token] = chr(len(codes) + 1)
        self._tokens.append(tokens)
        self._seqs.append("".join(map(codes.__getitem__, tokens)))

    def forget_before(self, index: int) -> None:
        """Drop the members before pool index ``index`` (no record in flight needs them)."""
        drop = index - self.base
        if drop > 0:
            del self._tokens[:drop], self._seqs[:drop]
            self.base = index

    def best(self, tokens: list[str]) -> Match | None:
        """The best member for ``tokens`` with score > threshold (earliest on ties), or None."""
        len_a = len(tokens)
        if not self._seqs or not len_a:
            return None
        required = self._bounds.required
        # The least required LCS over partner lengths (members longer than PACK_LIMIT are
        # outside RougeBounds' partner range, so past it any overlap is compared).
        least = self._bounds.min_required(len_a) if len_a < PACK_LIMIT else 1
        if not least:
            return None
        get = self._codes.get
        seq = "".join([get(token, _UNKNOWN) for token in tokens])
        results = process.extract(seq, self._seqs, scorer=LCSseq.similarity, score_cutoff=least, limit=None)
        best_index, best_score = -1, 0.0
        for choice, lcs, position in results:
            need = required(len_a, len(choice))  # 0: no LCS is enough for these lengths
            if need and lcs >= need:
                score = fmeasure(int(lcs), len_a, len(choice))
                if score > best_score or (score == best_score and position < best_index):
                    best_index, best_score = position, score
        return None if best_index < 0 else Match(self.base + best_index, best_score)

    def _recode(self) -> None:
        self._codes = {}
        held, self._tokens, self._seqs = self._tokens, [], []
        for tokens in held:
            self.add(tokens)
