"""Finding the final answer in a model's answer text: one documented order.

:func:`extract_marked_answer` looks for an explicit final-answer marker; the first rule that
finds one wins:

1. the final statement: the last ``\\boxed{...}`` / ``\\fbox{...}`` (nested braces allowed;
   boxes just before it, joined only by ",", "and" or "or", are part of it: "``\\boxed{2}`` or
   ``\\boxed{3}``" is a list or a hedge, never 3 alone), unless "The final answer is X" comes
   after it. MATH's solutions
   box their answer (Hendrycks et al. 2021); Minerva's prompt ends every solution with "Final
   Answer: The final answer is $X$. I hope it is correct." (Lewkowycz et al. 2022), and that
   closing statement beats a box the model drew earlier while working;
2. ``#### X``: GSM8K's convention (Cobbe et al. 2021), the rest of the line;
3. the last "the answer is X" (up to the end of its sentence, or its ``$...$``) whose X reads
   as an answer for the caller (``accept``): "this answer is not possible ... the answer is 5"
   is 5; the chain-of-thought exemplars of Wei et al. 2022 end "The answer is 18.";
4. ``Answer: X`` (also ``**Answer:**``, ``Final answer:``), the rest of the line.

:func:`extract_final_answer` (the ``math`` checker) goes on when there is no marker:

5. the last line's expression: the last ``$...$`` / ``\\(...\\)`` / ``\\[...\\]`` that reaches
   the last line (a display block counts as one line), or the line itself when it is bare math
   (``x = 7``, ``\\frac{3}{4}``);
6. the last number of the text (what GSM8K evaluations do with an answer that ignores the format).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from synthgen.verify.numbers import last_number

_BOX_OPEN = re.compile(r"\\(?:boxed|fbox)\s*\{")
_BOX_BARE = re.compile(r"\\boxed[ \t]+(?!\{)([^\s$]+)")  # "\boxed 5", as Hendrycks' remove_boxed reads it
_BOX_JOINER = re.compile(r"^[\s$]*(?:,|and|or|,\s*and|,\s*or)?[\s$]*$", re.I)
_HASHES = re.compile(r"^[ \t>*]*####[ \t]*(.*?)[ \t]*$", re.M)
_FINAL_ANSWER_IS = re.compile(r"\bfinal\s+answer\s+is\b[ \t*_]*:?", re.I)
_ANSWER_IS = re.compile(r"\banswer\s+is\b[ \t*_]*:?", re.I)
_ANSWER_COLON = re.compile(r"\banswer\s*(?:\*\*|__)?\s*:\s*(?:\*\*|__)?[ \t]*(.*?)[ \t]*$", re.I | re.M)
# A sentence ends at ".", "!" or "?" before whitespace or the end (not "12.5"), or a line break.
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)|\n")
# Inline math as Pandoc's tex_math_dollars reads it: the opening $ has a non-space on its right,
# the closing $ a non-space on its left and no digit after it ("costs $5 and $3" is no math).
_MATH_SEGMENT = re.compile(
    r"\$\$(.+?)\$\$|\\\[(.+?)\\\]|\\\((.+?)\\\)|(?<![\\$])\$(?![\s$])((?:[^\n$\\]|\\.)+?)(?<![\s\\])\$(?!\d)",
    re.S,
)
_JOINED_SEGMENT = re.compile(r"\s*(?:,\s*(?:and|or)?|and|or)\s*(?=\$|\\[(\[])", re.I)
_BARE_MATH_LINE = re.compile(r"^[\s\w\\{}()\[\]^_=+\-*/.,:<>|!'$%]*$")
# Words of prose: three letters or more, not a LaTeX command, not a function name.
_WORD = re.compile(r"(?<![\\A-Za-z])[A-Za-z]{3,}")
_MATH_WORDS = frozenset({
    "sin", "cos", "tan", "cot", "sec", "csc", "log", "exp", "lim", "max", "min", "gcd", "lcm", "mod",
    "deg", "det", "and",
})  # fmt: skip
_WRAPPERS = "*_ \t\n"

Accept = Callable[[str], bool]


def extract_marked_answer(text: str, accept: Accept | None = None) -> str | None:
    """The final answer after an explicit marker (rules 1-4 of the module docstring), or ``None``.

    ``accept``: whether a "the answer is X" span reads as an answer (default: any non-empty
    span). The span is stripped of surrounding whitespace, bold markers, one enclosing math
    delimiter pair and a trailing period; it may still hold units or LaTeX (``12 \\text{ apples}``).
    """
    accept = accept or bool
    for rule in (_final_statement, _last_hashes):
        span = rule(text)
        if span:
            return span
    span = _last_answer_is(text, _ANSWER_IS, accept)
    if span:
        return span
    return _last_answer_colon(text)


def extract_final_answer(text: str, accept: Accept | None = None) -> str | None:
    """The marked final answer, else the last line's expression, else the last number, else ``None``."""
    marked = extract_marked_answer(text, accept)
    if marked is not None:
        return marked
    line = last_line_expression(text)
    if line is not None:
        return line
    return last_number(text)


def last_boxed(text: str) -> str | None:
    """The content of the last ``\\boxed{...}`` with balanced braces (or ``\\boxed 5``), or ``None``.

    An unclosed box (an answer cut off inside it) does not count.
    """
    boxes = _boxes(text)
    return boxes[-1][2] if boxes else None


def _boxes(text: str) -> list[tuple[int, int, str]]:
    """Every closed box as (start, end, content), in order."""
    found = [(m.start(), m.end(), m.group(1)) for m in _BOX_BARE.finditer(text)]
    for match in _BOX_OPEN.finditer(text):
        depth, start = 1, match.end()
        for position in range(start, len(text)):
            char = text[position]
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    found.append((match.start(), position + 1, text[start:position]))
                    break
    return sorted(found)


def _final_statement(text: str) -> str | None:
    """Rule 1: the last box (with the boxes joined to it), or a later "final answer is X"."""
    boxes = _boxes(text)
    after = boxes[-1][1] if boxes else 0
    stated = _last_answer_is(text[after:], _FINAL_ANSWER_IS, bool)
    if stated:
        return stated
    if not boxes:
        return None
    group = [boxes[-1]]
    for box in reversed(boxes[:-1]):
        if box[1] > group[0][0] or not _BOX_JOINER.match(text[box[1] : group[0][0]]):
            break
        group.insert(0, box)
    if len(group) == 1:
        return _tidy(group[0][2]) or None
    # a list or a hedge of boxes: each in its own $...$, as math-verify reads a list
    return " or ".join(f"${content}$" for _, _, content in group)


def _last_hashes(text: str) -> str | None:
    return _after_last(_HASHES, text)


def _last_answer_is(text: str, marker: re.Pattern[str], accept: Accept) -> str | None:
    """The span after the last ``marker`` whose span ``accept`` takes; a span ends at its
    sentence's end (or its math segment's) and never runs into the next marker."""
    starts = [m.end() for m in marker.finditer(text)]
    for index in range(len(starts) - 1, -1, -1):
        stop = starts[index + 1] if index + 1 < len(starts) else len(text)
        span = _statement(text[starts[index] : stop])
        if span and accept(span):
            return span
    return None


def _statement(text: str) -> str:
    """What a "the answer is" says: its math segments when it starts with one (with the ones
    joined to it by ",", "and", "or": "$2$ or $3$" is a hedge, "2, 3"), else its sentence."""
    body = text.lstrip(" \t\n*_")
    segment = _MATH_SEGMENT.match(body)
    if segment is None:
        inner = last_boxed(body.split("\n", 1)[0])
        if inner is not None:
            return _tidy(inner)
        end = _SENTENCE_END.search(body)
        return _tidy(body[: end.start()] if end else body)
    first, last = segment, segment
    while joined := _JOINED_SEGMENT.match(body, last.end()):
        following = _MATH_SEGMENT.match(body, joined.end())
        if following is None:
            break
        last = following
    if last is first:
        return _tidy(_segment_body(first))
    return body[first.start() : last.end()]  # a list or a hedge, delimiters kept for math-verify


def _segment_body(segment: re.Match[str]) -> str:
    return next(g for g in segment.groups() if g is not None)


def _last_answer_colon(text: str) -> str | None:
    return _after_last(_ANSWER_COLON, text)


def _after_last(pattern: re.Pattern[str], text: str) -> str | None:
    """What the last match of a one-line marker ``pattern`` states (its group 1), or ``None``."""
    last = None
    for last in pattern.finditer(text):  # noqa: B007 - only the last match is wanted
        pass
    return (_statement(last.group(1)) or None) if last is not None else None


def last_line_expression(text: str) -> str | None:
    """Rule 5: on the last line that holds math or a number (lines of prose after it, such as
    "I hope this helps!", are passed over), its last math segment, or the line itself when it
    is bare math. A display block counts as one line."""
    body = text.rstrip()
    segments = list(_MATH_SEGMENT.finditer(body))
    end = len(body)
    while end > 0:
        start = body.rfind("\n", 0, end) + 1
        inside = [m for m in segments if m.end() > start and m.start() < end]
        if inside:
            return _tidy(_segment_body(inside[-1])) or None
        line = _tidy(body[start:end])
        if any(c.isdigit() for c in line):
            bare = _BARE_MATH_LINE.match(line) and not is_prose(line)
            return line if bare else None
        end = start - 1
    return None


def is_prose(text: str) -> bool:
    """Whether ``text`` holds a word of prose outside LaTeX commands and their names
    (``\\text{...}``, ``\\begin{pmatrix}`` aside)."""
    bare = re.sub(r"\\(?:text|mbox|mathrm|textbf|operatorname|begin|end)\s*\{[^{}]*\}", " ", text)
    return any(word.lower() not in _MATH_WORDS for word in _WORD.findall(bare))


def _tidy(span: str) -> str:
    """``span`` without surrounding whitespace and bold markers, a leading ``=``, one enclosing
    ``$...$`` (or ``\\(...\\)``, ``\\[...\\]``) and a trailing period."""
    span = span.strip(_WRAPPERS)
    if span.startswith("="):  # "= 92x" (a line continuing a computation): math-verify reads 92
        span = span[1:].strip(_WRAPPERS)
    whole = _MATH_SEGMENT.fullmatch(span)
    if whole is not None:
        span = _segment_body(whole).strip(_WRAPPERS)
    if span.endswith(".") and not span.endswith(".."):
        span = span[:-1].rstrip(_WRAPPERS)
    whole = _MATH_SEGMENT.fullmatch(span)
    if whole is not None:
        span = _segment_body(whole).strip(_WRAPPERS)
    return span
