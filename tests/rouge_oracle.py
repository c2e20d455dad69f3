"""rouge-score as the oracle of our ROUGE-L decisions, called only where it can change one.

rouge-score's LCS is pure Python (quadratic in tokens), so scoring every pair of a pool costs
seconds. The LCS of two token lists is at most the size of their multiset intersection, so
``bound`` (the F of that size, computed as rouge-score computes F) is at least the oracle's score:
a pair whose bound is below the threshold cannot be above it, and needs no LCS. Every pair is
still decided by something independent of our index; the oracle is called for the close ones.
"""

from __future__ import annotations

from collections import Counter

from rouge_score import rouge_scorer, tokenizers

ORACLE_TOKENIZE = tokenizers.DefaultTokenizer(use_stemmer=False).tokenize
# A bound this close under the threshold might still be above it in rouge-score's floats
# (7 of 10 and 10 gives 0.7000000000000001): such pairs get the oracle too.
FLOAT_SLACK = 1e-9


def f_of(common: int, len_a: int, len_b: int) -> float:
    """ROUGE-L F for ``common`` tokens in common, the way rouge-score computes it (2PR/(P+R))."""
    if common == 0 or len_a == 0 or len_b == 0:
        return 0.0
    precision, recall = common / len_a, common / len_b
    return 2 * precision * recall / (precision + recall)


class Member:
    """A text's oracle tokens, and their counts for the bound."""

    __slots__ = ("counts", "tokens")

    def __init__(self, tokens: list[str]) -> None:
        self.tokens, self.counts = tokens, Counter(tokens)

    @classmethod
    def of(cls, text: str) -> Member:
        return cls(ORACLE_TOKENIZE(text))

    def bound(self, other: Member) -> float:
        """At least the oracle's ROUGE-L F of the two (LCS <= multiset intersection)."""
        small, large = sorted((self.counts, other.counts), key=len)
        common = sum(min(n, large[token]) for token, n in small.items() if token in large)
        return f_of(common, len(self.tokens), len(other.tokens))

    def score(self, member: Member) -> float:
        """The oracle's ROUGE-L F with ``self`` as the target (as Alpaca calls it)."""
        return rouge_scorer._score_lcs(self.tokens, member.tokens).fmeasure


def scores_that_matter(candidate: Member, pool: list[Member], threshold: float) -> dict[int, float]:
    """The oracle's score against every pool member that could be above ``threshold``, by index;
    every member left out scores at most ``threshold``."""
    floor = threshold - FLOAT_SLACK
    return {i: candidate.score(member) for i, member in enumerate(pool) if candidate.bound(member) >= floor}
