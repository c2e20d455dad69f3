"""Finding the final answer in a model's answer text.

:func:`extract_marked_answer` looks only for an explicit final-answer marker, the last one of
the first kind found, in this order of trust:

1. ``\\boxed{...}`` (or ``\\fbox{...}``), nested braces allowed: what MATH-style prompts ask for;
2. ``#### 42``: GSM8K's convention, the rest of the line;
3. ``The (final) answer is ...``: up to the end of that sentence;
4. ``Answer: ...`` (also ``**Answer:**``, ``Final answer:``): the rest of the line.

:func:`extract_final_answer` falls back to the last number of the text when there is no marker
(what GSM8K evaluations do with an answer that ignores the format).
"""

from __future__ import annotations

import re

from synthgen.verify.numbers import NUMBER

_BOX_OPEN = re.compile(r"\\(?:boxed|fbox)\s*\{")
_HASHES = re.compile(r"^[ \t>*]*####[ \t]*(.*?)[ \t]*$", re.M)
# A sentence ends at a period, "!" or "?" followed by whitespace or the end (not "12.5").
_ANSWER_IS = re.compile(r"\banswer\s+is\s*:?\s*(.+?)\s*(?:[.!?](?=\s|$)|\n|$)", re.I | re.S)
_ANSWER_COLON = re.compile(r"\banswer\s*(?:\*\*|__)?\s*:\s*(?:\*\*|__)?[ \t]*(.*?)[ \t]*$", re.I | re.M)
_WRAPPERS = "*_$ \t\n"


def extract_marked_answer(text: str) -> str | None:
    """The final answer after an explicit marker (see the module docstring), else ``None``.

    The returned span is stripped of surrounding whitespace, bold/italic markers, ``$`` and a
    trailing period; it may still hold units or LaTeX (``12 \\text{ apples}``).
    """
    boxed = last_boxed(text)
    if boxed is not None:
        return _tidy(boxed)
    for pattern in (_HASHES, _ANSWER_IS, _ANSWER_COLON):
        span = _last_group(pattern, text)
        if span is not None:
            inner = last_boxed(span)  # "The answer is $\boxed{5}$" is caught above; kept for "####"
            tidy = _tidy(inner if inner is not None else span)
            if tidy:
                return tidy
    return None


def extract_final_answer(text: str) -> str | None:
    """The marked final answer, else the last number in ``text``, else ``None``."""
    marked = extract_marked_answer(text)
    if marked is not None:
        return marked
    last = None
    for last in NUMBER.finditer(text):  # noqa: B007 - only the last match is wanted
        pass
    return last.group(0).strip() if last else None


def last_boxed(text: str) -> str | None:
    """The content of the last ``\\boxed{...}`` with balanced braces, or ``None``.

    An unclosed box (an answer cut off inside it) does not count.
    """
    found = None
    for match in _BOX_OPEN.finditer(text):
        depth, start = 1, match.end()
        for position in range(start, len(text)):
            char = text[position]
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    found = text[start:position]
                    break
    return found


def _last_group(pattern: re.Pattern[str], text: str) -> str | None:
    last = None
    for last in pattern.finditer(text):  # noqa: B007 - only the last match is wanted
        pass
    return last.group(1) if last else None


def _tidy(span: str) -> str:
    span = span.strip(_WRAPPERS)
    if span.endswith("."):
        span = span[:-1].rstrip(_WRAPPERS)
    return span
