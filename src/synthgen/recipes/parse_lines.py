"""The lines that structure a teacher's answer: labels, separators, task headers, fences.

Support for :mod:`synthgen.recipes.parse`: :func:`scan` finds, in one regex search over
the answer, the label and separator lines outside code fences (a task header travels with
the label after it), and reads each label's field, *style* and number.

A label's *style* is how it is written, independent of its word and case: its markup
(``plain``, ``emph`` for bold/italic, ``heading`` for ``### Instruction:``; bullets count
as plain) and where its number is (``pre``: ``4. Instruction:``, ``post``:
``Instruction 4:``, ``none``). ``4. Instruction:`` and ``4) INSTRUCTION:`` share a style;
``Instructions:`` and ``Answer 1:`` do not share it with them. Which styles an answer
really uses is found by :func:`synthgen.recipes.parse_styles.survey`.
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["Label", "Line", "Style", "plain_line_breaks", "read_label", "scan"]

# Anchored at a line start, and no two repeats that can match the same characters next to
# each other: the cost stays linear in the line length even on adversarial text.
# Closing bold is only taken right after the colon ("**Instruction:** x"), so an output
# that itself starts with markup ("Output: **Example 1:**", "Output: * apples") keeps it.
_LABEL_HEAD = (
    r"(?P<lead>[ \t#*_>+-]*)(?:(?P<pre>\d{1,4})[.)](?P<mid>[ \t*_]*))?"
    r"(?P<word>instructions?|input|output|response|answer)"
    r"(?:[ \t]+\#?(?P<post>\d{1,4}))?(?P<trail>[ \t*_]*):(?P<close>[*_]{0,3})[ \t]*"
)
_SEPARATOR = r"[ \t]*(?:-{3,}|\*{3,}|_{3,}|={3,}|\#{1,6})[ \t]*$"
_HEADER = (
    r"[ \t]*(?:(?P<hmark>[#*_])[#*_ \t]*)?(?P<hword>task|example|item)[ \t]*\#?\d{1,4}(?!\d)(?P<tail>.*)"
)
_FENCE = r"[ \t]*(?:```|~~~)"
# One search over the whole answer (with "\n" put before it): starting with a literal "\n"
# lets the regex engine jump from line to line in C; only these lines reach Python. The
# lookahead lists every character such a line can start with, so that most text lines
# ("The answer is...", "Q: ...") fail at once instead of in each alternative (~5% less time).
_LINE = re.compile(
    r"\n(?=[ \t#*_>+\-=`~0-9iortea])"
    rf"(?:(?P<label>{_LABEL_HEAD})|(?P<separator>{_SEPARATOR})|(?P<header>{_HEADER})|(?P<fence>{_FENCE}))",
    re.IGNORECASE | re.MULTILINE,
)
_ONE_LABEL = re.compile(_LABEL_HEAD, re.IGNORECASE)
_MAX_HEADER_CHARS = 200  # a longer line is text, not a separator or a task header
_KINDS = {"instruction": "instruction", "instructions": "instruction", "input": "input"}
# label heads seen ("3. Output: "), cleared when full: adversarial text must not grow it
# without bound. Measured: 0.7 us a label with the lookup, 1.6 us reading the head again.
_MAX_HEADS = 4096
_FENCES = ("```", "~~~")
# What str.splitlines() takes for a line break besides "\n"; the parsers work on "\n" only.
_ODD_BREAKS = ("\r", "\v", "\f", "\x1c", "\x1d", "\x1e")
_ODD_BREAKS_NON_ASCII = ("\x85", "\u2028", "\u2029")
_new_tuple = tuple.__new__  # Line(...) without its Python-level __new__: ~60 of these an answer


class Style(NamedTuple):
    markup: str  # "plain" | "emph" | "heading"
    numbering: str  # "pre" | "post" | "none"


class Label(NamedTuple):
    """What a label line says: its field, style and number (the same object for the same head)."""

    kind: str  # "instruction" | "input" | "output"
    style: Style
    number: int | None


class Line(NamedTuple):
    """A line that structures the answer: a label, or a separator (``label is None``).

    Offsets are into the text given to :func:`scan`. A label's value starts at
    ``value_at``; a label right after a task header (blank lines aside) carries the
    header's (markup, word) shape and offset.
    """

    start: int  # offset of the line's first character
    value_at: int
    label: Label | None
    header: tuple[str, str] | None
    header_at: int


_STYLES = {(m, n): Style(m, n) for m in ("plain", "emph", "heading") for n in ("pre", "post", "none")}
_HEADS: dict[str, Label] = {}


def scan(text: str) -> list[Line]:
    """The label and separator lines of ``text`` (``\\n`` line breaks) outside code fences.

    Inside a fence nothing counts but the closing fence, or a *numbered* Instruction label
    (it closes a fence the model forgot to close). A task header counts only when a label
    follows it with nothing but blank lines between; any other header is text.
    """
    lines: list[Line] = []
    in_fence = False
    header: tuple[str, str] | None = None
    header_at = -1
    for match in _LINE.finditer("\n" + text):
        what = match.lastgroup
        start = match.start()  # in ``text``: the match starts at the "\n" before the line
        label = _label(match, "label") if what == "label" else None
        if in_fence and not (label is not None and label.kind == "instruction" and label.number is not None):
            in_fence = what != "fence"
            continue
        if label is not None:
            value_at = match.end() - 1
            in_fence = text.startswith(_FENCES, value_at)  # the value opens a code block
            if header is not None and not text[text.find("\n", header_at) : start].strip():
                lines.append(_new_tuple(Line, (start, value_at, label, header, header_at)))
            else:
                lines.append(_new_tuple(Line, (start, value_at, label, None, -1)))
        elif what == "fence":
            in_fence = True
        elif _line_length(text, start) > _MAX_HEADER_CHARS:
            pass  # too long for a separator or a header: text
        elif what == "header":
            header, header_at = _header_shape(match), start
            if header is not None:
                continue
        else:
            lines.append(_new_tuple(Line, (start, -1, None, None, -1)))
        header = None
    return lines


def plain_line_breaks(text: str) -> str:
    """``text`` with every line break that ``str.splitlines`` knows as ``"\\n"`` (CRLF included)."""
    odd = _ODD_BREAKS if text.isascii() else _ODD_BREAKS + _ODD_BREAKS_NON_ASCII
    if any(mark in text for mark in odd):
        return "\n".join(text.splitlines())
    return text


def read_label(line: str) -> tuple[Label, str] | None:
    """The label that opens ``line`` and the text after it, or ``None``."""
    match = _ONE_LABEL.match(line)
    if match is None:
        return None
    return _label(match, 0), line[match.end() :]


def _line_length(text: str, start: int) -> int:
    end = text.find("\n", start)
    return (len(text) if end < 0 else end) - start


def _label(match: re.Match[str], group: str | int) -> Label:
    head = match[group]
    known = _HEADS.get(head)
    if known is None:
        if len(_HEADS) >= _MAX_HEADS:
            _HEADS.clear()
        known = _HEADS[head] = _read_head(match)
    return known


def _read_head(match: re.Match[str]) -> Label:
    lead, pre, mid, word, post, trail, close = match.group(
        "lead", "pre", "mid", "word", "post", "trail", "close"
    )
    if "#" in lead:
        markup = "heading"
    elif lead.endswith(("*", "_")) or "*" in (decor := f"{mid or ''}{trail}{close}") or "_" in decor:
        markup = "emph"
    else:
        markup = "plain"
    kind = _KINDS.get(word.lower(), "output")
    if pre:
        return Label(kind, _STYLES[markup, "pre"], int(pre))
    if post:
        return Label(kind, _STYLES[markup, "post"], int(post))
    return Label(kind, _STYLES[markup, "none"], None)


def _header_shape(match: re.Match[str]) -> tuple[str, str] | None:
    """(markup, word) of ``### Task 3: Title``, ``**Example 3**`` or a bare ``Item 3``.

    Without markdown markup only a bare header counts: "Task 1: buy milk" inside an output
    (a to-do list) is text.
    """
    markup, word, tail = match.group("hmark", "hword", "tail")
    markup = markup or ""
    if not markup and tail.strip(" \t*_") not in ("", ".", ":", ")"):
        return None
    return markup, word.lower()
