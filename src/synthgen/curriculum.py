"""Order a dataset's rows: as read, shuffled with a seed, or from easy to hard (a curriculum).

Difficulty of a row, in this order of preference:

1. its ``difficulty`` field, when every row has a number there;
2. else its ``score`` field (e.g. a judge's), when every row has a number there;
3. else the ``score`` of its line in the meta file beside the dataset (``IN.meta.jsonl``, as
   ``judge`` and an inline ``--judge-model`` write it), when every line has one;
4. else a cheap heuristic: words of the prompt (instruction and input) plus words of the
   answer plus ``STEP_WEIGHT`` per reasoning step in the answer (a line that starts with a
   number or "Step", or works a calculation with "="). Longer tasks and answers with more
   steps come later, the ordering curriculum-learning papers use as their simplest baseline.

Sorting is stable: rows of equal difficulty keep their file order.
"""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Literal, TypeVar

from synthgen.errors import InputError
from synthgen.io.readers import Located
from synthgen.io.shapes import Shape, triple_of

log = logging.getLogger("synthgen")

Order = Literal["keep", "curriculum", "shuffle"]
DIFFICULTY_FIELDS = ("difficulty", "score")
STEP_WEIGHT = 10
_STEP_LINE = re.compile(r"^\s*(?:step\s*\d+|\d+\s*[.):])|=", re.IGNORECASE | re.MULTILINE)
_T = TypeVar("_T")


def reasoning_steps(answer: str) -> int:
    """Lines of ``answer`` that look like a reasoning step (numbered, "Step N", or "=")."""
    return sum(1 for line in answer.splitlines() if _STEP_LINE.search(line))


def heuristic_difficulty(shape: Shape, row: dict) -> float:
    """Prompt words + answer words + STEP_WEIGHT per reasoning step."""
    triple = triple_of(shape, row)
    words = len(triple.instruction.split()) + len(triple.input.split()) + len(triple.output.split())
    return float(words + STEP_WEIGHT * reasoning_steps(triple.output))


def difficulties(path: Path, shape: Shape, rows: Sequence[Located]) -> list[float]:
    """One difficulty per row (see the module docstring); InputError names a row missing it."""
    for name in DIFFICULTY_FIELDS:
        if any(isinstance(item.value, dict) and name in item.value for item in rows):
            return [_number(path, item, name) for item in rows]
    graded = _meta_scores(path, len(rows))
    if graded is not None:
        return graded
    return [heuristic_difficulty(shape, item.value) for item in rows]


def _meta_scores(path: Path, rows: int) -> list[float] | None:
    """Every row's ``score`` from the meta file beside ``path``, or None (no file, or a line
    without a number: grades of only some rows would mix two scales)."""
    from synthgen.io.answer_rows import load_answer_meta

    if not path.is_file():
        return None  # a saved dataset folder has no meta file beside it
    try:
        meta = load_answer_meta(path, rows)
    except InputError as exc:  # not this dataset's meta file: fall back to the heuristic
        log.warning("%s; ordering by the length heuristic", exc)
        return None
    scores = [line.get("score") for line in meta or ()]
    if not scores or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in scores):
        return None
    return [float(v) for v in scores]  # type: ignore[arg-type]


def _number(path: Path, item: Located, name: str) -> float:
    value = item.value.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(
            f"{path}:{item.line}: {name}: missing or not a number (other rows have one; "
            "give every row a number, or remove the field to use the length heuristic)"
        )
    return float(value)


def ordered(items: Sequence[_T], order: Order, *, seed: int = 0, keys: Sequence[float] = ()) -> list[_T]:
    """``items`` in ``order``: as given, shuffled by ``seed``, or by ``keys`` ascending (stable)."""
    if order == "shuffle":
        shuffled = list(items)
        random.Random(seed).shuffle(shuffled)
        return shuffled
    if order == "curriculum":
        ranks = sorted(range(len(items)), key=keys.__getitem__)
        return [items[i] for i in ranks]
    return list(items)
