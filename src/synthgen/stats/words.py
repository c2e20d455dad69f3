"""The text fields whose lengths are measured, and the card's two figures of them in plain Python.

:func:`text_fields` is shared by ``synthgen stats`` (:mod:`synthgen.stats.compute`, numpy) and
the dataset card written at the end of every run, whose median and 90th percentile of words per
field are computed here as numpy computes them (tests check bit for bit): the main process of a
run over HTTP does not otherwise import numpy (~0.05 s of CPU).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from synthgen.io.shapes import Triple


def text_fields(triples: list[Triple]) -> dict[str, list[str]]:
    """The texts of each measured field; ``input`` of the rows that have one. Preference data's
    fields are named as its rows name them: ``prompt``, ``chosen``, ``rejected``."""
    preference = any(t.rejected is not None for t in triples)
    prompt, answer = ("prompt", "chosen") if preference else ("instruction", "output")
    fields: dict[str, list[str]] = {
        prompt: [t.instruction for t in triples],
        "input": [t.input for t in triples if t.input.strip()],
        answer: [t.output for t in triples],
    }
    if preference:
        fields["rejected"] = [t.rejected or "" for t in triples]
    return fields


def word_quantiles(triples: list[Triple]) -> dict[str, Any]:
    """Per field (see :func:`text_fields`): ``{"words": {"median", "p90"}}`` of its word counts,
    the figures :func:`synthgen.stats.compute.length_figures` gives them (None when empty)."""
    figures: dict[str, Any] = {}
    for name, texts in text_fields(triples).items():
        counts = sorted(len(text.split()) for text in texts)
        words = {"median": median(counts), "p90": percentile(counts, 90)} if counts else {"median": None}
        figures[name] = {"words": words}
    return figures


def median(ordered: Sequence[int]) -> float:
    """``float(np.median(values))`` of ``ordered``, the values sorted (not empty)."""
    n = len(ordered)
    middle = n // 2
    if n % 2:
        return float(ordered[middle])
    return (float(ordered[middle - 1]) + float(ordered[middle])) / 2  # numpy's mean of the two


def percentile(ordered: Sequence[int], q: float) -> float:
    """``float(np.percentile(values, q))`` (its default "linear" method) of ``ordered``, sorted."""
    virtual = (len(ordered) - 1) * (q / 100)
    below = math.floor(virtual)
    above = min(below + 1, len(ordered) - 1)
    gamma = virtual - below
    a, b = ordered[below], ordered[above]
    difference = b - a
    # numpy's _lerp: from below for gamma < 0.5, from above otherwise (the same float steps)
    if gamma >= 0.5:
        return b - difference * (1 - gamma)
    return a + difference * gamma
