"""The packed index entries of :class:`~synthgen.dedup.rouge_index.RougeIndex` and its element bits.

An entry is one int, ``length << 48 | reach << 32 | member`` (see
:data:`~synthgen.dedup.rouge_bounds.PACK_LIMIT`): sorting entries sorts them by member
length first, so a length range is one slice of a sorted array.
"""

from __future__ import annotations

from array import array
from bisect import insort
from collections.abc import Iterable

import numpy as np

# Field masks and the length shift of an entry.
MEMBER_MASK = (1 << 32) - 1
REACH = 0xFFFF << 32
MEMBER_MASK_U64 = np.uint64(MEMBER_MASK)
REACH_U64 = np.uint64(REACH)
LENGTH_SHIFT = np.uint64(48)
# Each member's elements hashed (rank mod 256) into 256 bits, stored as 4 uint64 words.
MASK_WORDS = 4


def element_bits(ranks: Iterable[int]) -> int:
    """The 256-bit set of a text's elements: bit (rank mod 256) for each."""
    bits = 0
    for rank in ranks:
        bits |= 1 << (rank & 0xFF)
    return bits


def as_words(bits: int) -> np.ndarray:
    """A 256-bit int as 4 uint64 words, lowest first (one row of RougeIndex._mask_rows)."""
    return np.frombuffer(bits.to_bytes(8 * MASK_WORDS, "little"), dtype="<u8")


def add_entry(entries: array[int], entry: int) -> None:
    """Add an index entry, keeping the array sorted (RougeIndex._candidates bisects every one).

    Sorted even while short: then every list and pair looked up is cut to the candidate's
    length range by bisection, and the filters after it need not test the range per entry
    (measured on the mock's text, that saved more than the sorted inserts cost).
    """
    insort(entries, entry)
