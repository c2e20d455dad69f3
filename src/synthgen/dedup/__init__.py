"""Exact and near-duplicate detection with the self-instruct / Alpaca ROUGE-L rule.

The rule (self-instruct, Wang et al. 2023; Stanford Alpaca's ``generate_instruction.py``):
an instruction joins the pool unless its ROUGE-L F-measure against some instruction
already in the pool is *strictly above* the threshold (0.7). The pool starts with the
seed instructions and grows in arrival order, so the decisions are greedy and order
dependent. Scores are those of the ``rouge-score`` package with its default tokenizer.

:class:`RougeIndex` makes exactly the same decisions as comparing a candidate with every
pool member, but only computes an LCS for the few members that could possibly score
above the threshold. How it stays exact:

1. **Integer form of the threshold.** For token lists of lengths ``la`` and ``lb`` the
   score is a function of the LCS length only, increasing in it. :meth:`RougeBounds.required`
   finds the smallest LCS whose score, computed with *the same float operations as
   rouge-score*, is ``> threshold``. So "LCS >= required" is the oracle's float decision,
   boundary cases included (no epsilon).
2. **Overlap bound.** LCS(a, b) <= |a ∩ b| as multisets (a common subsequence is a common
   sub-multiset). Tagging the k-th occurrence of a token as its own element ``(token, k)``
   turns multiset overlap into plain set overlap.
3. **Prefix filtering** (Chaudhuri et al. 2006; Bayardo et al. 2007 "Scaling up all pairs
   similarity search"; Xiao et al. 2008, PPJoin), in its l-prefix form (Wang, Li and Feng
   2012, "Can we beat the prefix filtering?"). Sort each element set by one global order.
   If two sets share at least ``r`` elements, their first ``s`` shared elements lie among
   the first ``la - r + s`` of one and ``lb - r + s`` of the other. With s = 2 a member
   must share *two* elements with the candidate within those bounds. Members are indexed
   by their prefix elements; each index entry packs the member's length (the candidate's
   bound becomes a range of member lengths: one slice of a length-sorted array) and its
   *reach*, the longest candidate for which the member's position is within bounds.
4. **Frequent words without walking their members.** A template word ("weeks", "names")
   is in the prefix of thousands of members that share nothing else with a candidate.
   Once an element has ``common_after`` members it becomes *common*: its list stops
   growing and later members are indexed under each *pair* of their common prefix
   elements, so a candidate meets only members that share two of them (see
   :meth:`PrefixIndex.candidates` for why no match is missed).
5. **Why a changing vocabulary keeps it exact.** The proof needs, for each pair, one total
   order under which both sets are sorted. An element's rank is fixed when it is first
   seen and never changes afterwards, so every stored prefix stays sorted in the current
   order; elements a candidate has that no pool member has are placed first (they can
   never be shared, and placing them first only tightens the bound). Ranks are chosen to
   put rare elements first (a speed matter only): by their frequency in a batch given to
   :meth:`RougeIndex.prime`, and for elements first seen one at a time, later-seen before
   earlier-seen (the common words of a corpus appear early).
6. **A last cheap bound.** Each member keeps its elements hashed to a 256-bit set; a
   candidate bit missing from it proves a missing element, which bounds the overlap again
   before any LCS is computed (collisions can only loosen the bound).

The survivors get an exact LCS from ``rapidfuzz.distance.LCSseq`` (bit-parallel C++) on
token-id strings (each token id is one code point), with the required length as cutoff.

Exact duplicates are a separate, cheaper rule: :func:`normalize_key` of instruction and
input, looked up in an :class:`ExactIndex`.

Where the code lives (everything above is importable from here):

* :mod:`synthgen.dedup.rouge`: :func:`rouge_tokens`, :func:`rouge_l_f`, :class:`Match`,
  :data:`DEFAULT_THRESHOLD`;
* :mod:`synthgen.dedup.exact`: :func:`normalize_key`, :class:`ExactIndex`;
* :mod:`synthgen.dedup.rouge_index`: :class:`RougeIndex`, one class with a plain interface
  (``add``, ``extend``, ``prime``, ``find_similar``, ``check_and_add``). Its fast paths are
  private to it, each part owning its own state: ``_rouge_bounds.RougeBounds`` (points 1 and 3:
  required LCS lengths and prefix bounds), ``_rouge_vocabulary.RougeVocabulary`` (points 2 and
  5: token codes and element ranks), ``_rouge_prefix.PrefixIndex`` (points 3, 4 and 6: the
  prefix lists, pairs and bit masks).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from synthgen.dedup.exact import ExactIndex, normalize_key
from synthgen.dedup.rouge import DEFAULT_THRESHOLD, Match, rouge_l_f, rouge_tokens

if TYPE_CHECKING:
    from synthgen.dedup.rouge_index import RougeIndex


def __getattr__(name: str) -> Any:
    # RougeIndex needs numpy (~0.1 s to import): loaded on first use, so that importing the
    # exact keys (the main process of a run) stays cheap.
    if name == "RougeIndex":
        from synthgen.dedup.rouge_index import RougeIndex

        return RougeIndex
    raise AttributeError(f"module 'synthgen.dedup' has no attribute {name!r}")


__all__ = [
    "DEFAULT_THRESHOLD",
    "ExactIndex",
    "Match",
    "RougeIndex",
    "normalize_key",
    "rouge_l_f",
    "rouge_tokens",
]
