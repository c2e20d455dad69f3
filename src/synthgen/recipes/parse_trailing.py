"""Trailing prose after the last output of an answer (pure functions).

The known ambiguity: after the last output, text separated by a blank
line could be more of the output (a second paragraph, a code block) or a sign-off
("I hope these help!"). We cut trailing paragraphs of the last output only when

1. the paragraph starts like a sign-off (``I hope``, ``Let me know``, ``Feel free``,
   ``These tasks``, ``Note:`` ...; see ``_SIGN_OFF``), or
2. the structure says so: at least two other outputs in the response, none with a
   paragraph break, and the last output has exactly one break followed by at most two
   short lines.

Otherwise the text stays in the output (losing real content is worse than keeping an
occasional sentence that the filters or a reviewer can still catch). Prose glued to the
output without a blank line is kept, and prose after a separator line is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["without_trailing_prose"]

_SIGN_OFF = re.compile(
    r"[*_\"' \t]*(?:i hope|hope (?:this|these|that)|let me know|feel free|please let|"
    r"if you (?:need|want|would|['\u2019]d|have)|would you like|these (?:\d+ )?(?:tasks|examples|instructions)|"
    r"this (?:list|set)|each (?:of these|task)|all (?:of )?these|i(?:['\u2019]ve| have) (?:created|written|"
    r"generated|included|tried|provided)|note:|enjoy|happy to|good luck)",
    re.IGNORECASE,
)
_FENCE = re.compile(r"[ \t]*(?:```|~~~)")
_MAX_TRAILING_LINES = 2
_MAX_TRAILING_WORDS = 40


def without_trailing_prose(lines: list[str], other_outputs: Callable[[], list[list[str]]]) -> list[str]:
    """The lines of the last output that are output (the two rules above); ``other_outputs``
    gives the lines of the answer's other outputs, asked for only when rule 2 needs them."""
    lines = list(lines)
    while (breaks := _paragraph_breaks(lines)) and _SIGN_OFF.match(_first_text(lines, breaks[-1])):
        del lines[breaks[-1] :]
    breaks = _paragraph_breaks(lines)
    if len(breaks) == 1 and _looks_like_appended_prose(lines[breaks[0] :], other_outputs()):
        del lines[breaks[0] :]
    return lines


def _paragraph_breaks(lines: list[str]) -> list[int]:
    """Indexes of blank lines outside code fences, ignoring leading/trailing blank lines."""
    breaks, in_fence, seen_text = [], False, False
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
        if not line.strip():
            if seen_text and not in_fence:
                breaks.append(index)
        else:
            seen_text = True
    # blank lines at the end are not breaks between paragraphs
    last_text = max((i for i, line in enumerate(lines) if line.strip()), default=-1)
    return [i for i in breaks if i < last_text]


def _first_text(lines: list[str], start: int) -> str:
    return next((line for line in lines[start:] if line.strip()), "")


def _looks_like_appended_prose(tail: list[str], other_outputs: list[list[str]]) -> bool:
    """Rule 2: short tail after a break, while every other output is a single paragraph."""
    if len(other_outputs) < 2 or any(_paragraph_breaks(out) for out in other_outputs):
        return False
    text_lines = [line for line in tail if line.strip()]
    if len(text_lines) > _MAX_TRAILING_LINES or any(_FENCE.match(line) for line in text_lines):
        return False
    return sum(len(line.split()) for line in text_lines) <= _MAX_TRAILING_WORDS
