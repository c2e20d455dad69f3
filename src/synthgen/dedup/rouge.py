"""ROUGE-L as rouge-score computes it: its tokens, its F-measure, and a near-duplicate match.

The rule that uses them, and the index that applies it quickly, are described in
:mod:`synthgen.dedup`.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import LCSseq

DEFAULT_THRESHOLD = 0.7

# rouge_score/tokenize.py lower-cases, replaces every run matching [^a-z0-9]+ with a space,
# splits on \s+ and keeps the tokens matching ^[a-z0-9]+$. After that substitution only
# [a-z0-9] and spaces remain, so the tokens are exactly the maximal [a-z0-9] runs of the
# lower-cased text. (Lower-casing first matters: e.g. the Kelvin sign K lowers to "k".)
_TOKEN_RE = re.compile(r"[a-z0-9]+")


# For ASCII text the same tokens by byte translation (~1.7x faster; this runs for every
# candidate): upper case to lower case, letters and digits kept, anything else a space.
_ASCII_TOKEN_TABLE = bytes(
    c + 32 if 65 <= c <= 90 else c if 48 <= c <= 57 or 97 <= c <= 122 else 32 for c in range(256)
)


def rouge_tokens(text: str) -> list[str]:
    """Tokens of ``text`` exactly as rouge-score's default tokenizer (no stemming) makes them."""
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_TOKEN_TABLE).decode("ascii").split()
    return _TOKEN_RE.findall(text.lower())


def fmeasure(lcs: int, len_a: int, len_b: int) -> float:
    """ROUGE-L F from an LCS length, with rouge-score's float operations in its order.

    rouge_scorer._score_lcs: 0 if either list is empty; precision = lcs / len(prediction),
    recall = lcs / len(target); scoring.fmeasure = 2 * p * r / (p + r), or 0 if p + r == 0.
    It is symmetric: (2*p)*r and (2*r)*p round the same exact product (doubling is exact).
    """
    if lcs == 0 or len_a == 0 or len_b == 0:
        return 0.0
    precision = lcs / len_b
    recall = lcs / len_a
    return 2 * precision * recall / (precision + recall)


def rouge_l_f(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """ROUGE-L F-measure of two token sequences, equal (as a float) to rouge-score's."""
    if not a or not b:
        return 0.0
    ids: dict[Hashable, int] = {}
    seq_a = [ids.setdefault(tok, len(ids)) for tok in a]
    seq_b = [ids.setdefault(tok, len(ids)) for tok in b]
    return fmeasure(int(LCSseq.similarity(seq_a, seq_b)), len(a), len(b))


@dataclass(frozen=True)
class Match:
    """A pool member that makes a candidate a near-duplicate: its index in the pool and score."""

    index: int
    score: float
