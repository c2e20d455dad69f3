"""Private to :class:`~synthgen.dedup.rouge_index.RougeIndex`: its packed index entries and
element bits.

An entry is one int, ``length << 48 | reach << 32 | member`` (see
:data:`~synthgen.dedup._rouge_bounds.PACK_LIMIT`): sorting entries sorts them by member
length first, so a length range is one slice of a sorted array.
"""

from __future__ import annotations

import sys
from bisect import insort
from collections.abc import Iterable

import numpy as np

# Field masks of an entry.
MEMBER_MASK = (1 << 32) - 1
REACH = 0xFFFF << 32
# Where the fields sit in a (native-endian) uint64 entry viewed as uint16s or uint32s: the
# length is uint16 number LENGTH_FIELD of 4, the reach REACH_FIELD, the member uint32
# number MEMBER_FIELD of 2.
_LITTLE = sys.byteorder == "little"
LENGTH_FIELD, REACH_FIELD, MEMBER_FIELD = (3, 2, 0) if _LITTLE else (0, 1, 1)
# Each member's elements hashed (rank mod 256) into 256 bits, stored as 4 uint64 words.
MASK_WORDS = 4


def element_bits(ranks: Iterable[int]) -> int:
    """The 256-bit set of a text's elements: bit (rank mod 256) for each."""
    bits = 0
    for rank in ranks:
        bits |= 1 << (rank & 0xFF)
    return bits


def as_words(bits: int) -> np.ndarray:
    """A 256-bit int as 4 uint64 words, lowest first (one row of PrefixIndex's masks)."""
    return np.frombuffer(bits.to_bytes(8 * MASK_WORDS, "little"), dtype="<u8")


# Adding an index entry keeps the array sorted (PrefixIndex.candidates bisects every one):
# even while short, so that every list and pair looked up is cut to the candidate's length
# range by bisection and the filters after it need not test the range per entry (measured
# on the mock's text, that saved more than the sorted inserts cost). bisect's own insort,
# not a wrapper: this runs ~15 times per member added.
add_entry = insort
