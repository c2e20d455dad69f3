"""Slot filling for the mock teacher's templates: the vocabulary pools and one item's slot values.

Every upper-case tuple of :mod:`synthgen.mock.vocab` is a pool; :class:`Slots` draws a template
field's value from its pool on first use, so one item's fields agree with each other.
"""

from __future__ import annotations

import random
import string

from synthgen.mock import vocab

# "topic" -> vocab.TOPIC, for every pool of the vocabulary.
_POOLS: dict[str, tuple] = {name.lower(): value for name, value in vocab.POOLS.items()}


# Pools formatted with their own arguments, not with slots.
_NOT_SLOT_FORMATTED = frozenset({"preamble", "answer_open", "answer_mid", "answer_close", "flaw_bad_start"})


def _slot_pools() -> dict[str, tuple[tuple, int, bool, bool]]:
    """Slot name -> (pool, its size, numbered?, has nested fields?) for every field used in
    the vocabulary ("topic2" -> TOPIC), so that a draw does no lookups beyond this one.

    Resolved once at import, which also checks that every field names a pool.
    """
    texts: list[str] = []
    for pool_name, pool in _POOLS.items():
        if pool_name not in _NOT_SLOT_FORMATTED:
            for entry in pool:
                texts.extend(t for t in (entry if isinstance(entry, tuple) else (entry,)) if t)
    names = {"name", "place", "product", "item_plural"}  # used by the arithmetic generators
    for text in texts:
        for _, field, _, _ in string.Formatter().parse(text):
            if field is not None:
                names.add(field.split("[", 1)[0])  # "lang[0]" -> "lang"
    slot_pools = {}
    for name in names:
        base = name.rstrip("0123456789").lower()
        if base not in _POOLS:
            raise KeyError(f"mock vocabulary: no pool for the field {{{name}}}")
        if name[0].islower():
            pool = _POOLS[base]
            nested = any(isinstance(v, tuple) or "{" in v for v in pool)
            slot_pools[name] = (pool, len(pool), name != base, nested)
    return slot_pools


_SLOT_POOLS = _slot_pools()


class Slots(dict):
    """Slot values of one item, drawn on first use: ``"{topic} and {topic2}".format_map(slots)``.

    ``{Topic}`` is ``{topic}`` capitalised; ``{topic2}`` is a second draw from the same pool,
    redrawn if it repeats a value already used in the item. Values that contain fields are
    expanded with the same slots, so an input and its output agree on names and products.
    """

    __slots__ = ("random",)

    def __init__(self, rng: random.Random) -> None:
        super().__init__()
        self.random = rng.random  # pool[int(random() * n)]: a third of rng.choice's cost

    def __missing__(self, key: str) -> str | tuple[str, ...]:
        slot = _SLOT_POOLS.get(key)
        if slot is None:
            if not key[:1].isupper():
                raise KeyError(key)  # not a vocabulary field (a typo in a template)
            value = self[key[0].lower() + key[1:]]  # "{Topic}": "{topic}" capitalised
            value = value[:1].upper() + value[1:]
        else:
            pool, size, numbered, nested = slot
            value = pool[int(self.random() * size)]
            if numbered:  # "Amara and Amara", a list item twice: redraw
                for _ in range(3):
                    if value not in self.values():
                        break
                    value = pool[int(self.random() * size)]
            if nested:
                if type(value) is tuple:
                    value = tuple(part.format_map(self) if "{" in part else part for part in value)
                elif "{" in value:
                    value = value.format_map(self)
        self[key] = value
        return value
