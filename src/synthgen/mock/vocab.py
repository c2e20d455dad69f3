"""Vocabulary and templates of the mock teacher: the data lives in ``vocab.json`` beside this file.

Templates are ``str.format`` strings whose fields name pools: ``{topic}`` draws from
``POOLS["topic"]``, ``{topic2}`` draws a second, independent value from the same pool,
``{Topic}`` is ``{topic}`` with a capital first letter, and ``{memo[1]}`` indexes a pool of
tuples (used where two texts must agree, e.g. a draft and its rewrite). Pool entries may
themselves contain fields; they are expanded with the same values, so an input and its
output can mention the same person or product.

Why so many pools: the pipeline drops an instruction whose ROUGE-L F against any kept
instruction is > 0.7, and a mock run must reach tens of thousands of kept tasks. Each
instruction template therefore keeps its fixed words to a minority of its tokens and fills
the rest from several independent pools of distinct multi-word phrases, so two random
instructions rarely share most of their longest common subsequence.

Clean items must pass the default filters: no instruction here may contain a blocklisted
word (image, picture, graph, plot, draw, map, file, video, audio, music, diagram,
flowchart, "go to"), start with "Write a program", or be shorter than four words.
The deliberately flawed items live in the ``FLAW_*`` pools at the end.

``vocab.json`` holds ``pools`` (name -> entries; an entry is a string or a row of strings) and
``answer_stopwords``. Pools are read as attributes of this module (``vocab.TOPIC``) or through
:data:`POOLS`.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any


def _frozen(value: Any) -> Any:
    """JSON lists back to the tuples the templates index into (and can hash)."""
    return tuple(_frozen(item) for item in value) if isinstance(value, list) else value


_DATA = json.loads(resources.files(__package__).joinpath("vocab.json").read_text(encoding="utf-8"))

POOLS: dict[str, tuple[Any, ...]] = {name: _frozen(entries) for name, entries in _DATA["pools"].items()}
ANSWER_STOPWORDS: frozenset[str] = frozenset(_DATA["answer_stopwords"])


def __getattr__(name: str) -> tuple[Any, ...]:
    try:
        return POOLS[name]
    except KeyError:
        raise AttributeError(f"mock vocabulary has no pool {name!r}") from None
