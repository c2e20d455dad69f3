"""Private to :class:`~synthgen.dedup.rouge_index.RougeIndex`: its vocabulary, a code for each
token and a rank for each element.

A token's code stands for it in the strings given to rapidfuzz; the ranks of its first,
second, ... occurrence (its *elements*) define the global order of the prefix filter (points
2 and 5 of :mod:`synthgen.dedup`).
"""

from __future__ import annotations

from collections import Counter

# Token ids are stored as one code point each so rapidfuzz compares str to str (about 2x
# faster than lists of ints). Code 0 is reserved for "token unknown to the pool". Past the
# last code point a sequence is stored as a list of ints; rapidfuzz compares a str's code
# points and a list's int values alike, so mixed pairs still compare correctly.
_UNKNOWN = 0
_MAX_CODE_POINT = 0x10FFFF

# What _lookup returns: token codes, the sorted ranks of known elements, the unknown count.
LookedUp = tuple[str | list[int], list[int], int]

# rank = count << _SERIAL_BITS | (serial complement): see RougeVocabulary.new_rank.
_SERIAL_BITS = 40


def _symbol(code: int) -> str | int:
    """How a code is kept: its character (joined into a sequence without a chr() per token,
    which was a third of a lookup), or the int itself past the last code point."""
    return chr(code) if code <= _MAX_CODE_POINT else code


_UNKNOWN_SYMBOL = _symbol(_UNKNOWN)


class RougeVocabulary:
    """Token codes and element ranks of a pool, created as tokens are first seen."""

    def __init__(self) -> None:
        # token -> [symbol of its code, rank of 1st occurrence, rank of 2nd occurrence, ...]
        self._vocab: dict[str, list] = {}
        self.next_code = _UNKNOWN + 1
        self._serial = 0

    # -- encoding ---------------------------------------------------------------------

    def new_rank(self, count: int) -> int:
        """A fresh rank: ascending ``count`` first, then later-created before earlier-created."""
        self._serial += 1
        return (count << _SERIAL_BITS) | ((1 << _SERIAL_BITS) - self._serial)

    def pack(self, symbols: list[str | int]) -> str | list[int]:
        """A token sequence for rapidfuzz: a str of the code points, or a list past the last."""
        if self.next_code <= _MAX_CODE_POINT + 1 or all(type(x) is str for x in symbols):
            return "".join(symbols)  # type: ignore[arg-type]
        return [ord(x) if type(x) is str else x for x in symbols]  # type: ignore[arg-type]

    def lookup(self, tokens: list[str]) -> LookedUp:
        """Codes, sorted ranks of known elements, and how many elements the pool has never seen."""
        infos = list(map(self._vocab.get, tokens))
        symbols = [_UNKNOWN_SYMBOL if info is None else info[0] for info in infos]
        first = dict(zip(tokens, infos, strict=True))  # each token's info, at its first occurrence
        ranks = [info[1] for info in first.values() if info is not None]
        if len(first) != len(tokens):  # the k-th occurrence of a token is its element k, if any
            seen: dict[str, int] = {}
            for tok, info in zip(tokens, infos, strict=True):
                if tok not in seen:
                    seen[tok] = 1
                elif info is not None:
                    k = seen[tok] = seen[tok] + 1
                    if k < len(info):
                        ranks.append(info[k])
        ranks.sort()
        return self.pack(symbols), ranks, len(tokens) - len(ranks)

    def assign(self, tokens: list[str]) -> tuple[list[str | int], list[int]]:
        """Code symbols (see :meth:`pack`) and unsorted ranks of ``tokens``, creating the
        missing ones (count 1)."""
        vocab = self._vocab
        symbols: list[str | int] = []
        ranks: list[int] = []
        occurrences: dict[str, int] = {}
        for tok in tokens:
            info = vocab.get(tok)
            if info is None:
                info = vocab[tok] = [self._new_symbol()]
            k = occurrences.get(tok, 0) + 1
            occurrences[tok] = k
            if k == len(info):
                info.append(self.new_rank(1))
            symbols.append(info[0])
            ranks.append(info[k])
        return symbols, ranks

    def _new_symbol(self) -> str | int:
        code = self.next_code
        self.next_code += 1
        return _symbol(code)

    def rank_new(self, counts: Counter[str], repeats: Counter[tuple[str, int]]) -> None:
        """Give ranks (and codes) to unseen elements, fewest texts first (see RougeIndex.prime)."""
        vocab = self._vocab
        for tok in counts:
            if tok not in vocab:
                vocab[tok] = [self._new_symbol()]
        # Occurrence k of a token needs occurrence k-1 ranked first; give missing ranks in
        # order of k so an info list never skips a slot.
        elements = sorted(
            [(n, 1, tok) for tok, n in counts.items() if len(vocab[tok]) == 1]
            + [(n, k, tok) for (tok, k), n in repeats.items()],
            key=lambda e: (e[1], e[0]),
        )
        for count, k, tok in elements:
            info = vocab[tok]
            if k == len(info):
                info.append(self.new_rank(count))
