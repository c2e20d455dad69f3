"""Label lines, their *style*, and which styles an answer really uses (pure functions).

Support for :mod:`synthgen.recipes.parse`: :func:`scan` finds the lines of an answer that
may change its structure (labels, separators, task headers, code fences) in one regex
pass, and :func:`survey` finds the answer's label style; ``parse`` then walks those lines
and lets only labels of that style split fields.

A label's *style* is how it is written, independent of its word and case: its markup
(``plain``, ``emph`` for bold/italic, ``heading`` for ``### Instruction:``; bullets count
as plain) and where its number is (``pre``: ``4. Instruction:``, ``post``:
``Instruction 4:``, ``none``). ``4. Instruction:`` and ``4) INSTRUCTION:`` share a style;
``Instructions:`` and ``Answer 1:`` do not share it with them, so inside an answer written
as ``4. Instruction:`` they are text.

An *item* of style S is an Instruction label of style S followed, before the next
Instruction label of S or a separator line, by an Output label of S (with the item's
number, or the next one or two when the numbers count lines), or, for a numbered S, by an
unnumbered Output label (``1. Instruction:`` then indented ``Input:`` / ``Output:``): the
item's *field style*. The answer's main style is the one with the most items (the earliest
on a tie); a style with no item at all never splits fields.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

__all__ = ["AnswerStyle", "Label", "Line", "Style", "plain_line_breaks", "read_label", "scan", "survey"]

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
# lets the regex engine jump from line to line in C; only these lines reach Python.
_LINE = re.compile(
    rf"\n(?:(?P<label>{_LABEL_HEAD})|(?P<separator>{_SEPARATOR})|(?P<header>{_HEADER})|(?P<fence>{_FENCE}))",
    re.IGNORECASE | re.MULTILINE,
)
_ONE_LABEL = re.compile(_LABEL_HEAD, re.IGNORECASE)
_MAX_HEADER_CHARS = 200  # a longer line is text, not a separator or a task header
_KINDS = {"instruction": "instruction", "instructions": "instruction", "input": "input"}
# numbers an Output label may carry after Instruction N: N, or N+1 / N+2 when lines are counted
_LINE_COUNT_STEPS = (0, 1, 2)
# label heads seen ("3. Output: "), cleared when full: adversarial text must not grow it
# without bound. A lookup costs a fraction of reading the head again (0.1 against 1 us).
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


@dataclass
class AnswerStyle:
    """What :func:`survey` found: which label styles split fields in this answer."""

    main: Style | None = None
    field_style: dict[Style, Style] = field(default_factory=dict)  # instruction style -> field style
    complete: set[int] = field(default_factory=set)  # ids of Instruction labels that open items
    last_main_instruction: int = -1  # id of the main style's last Instruction label

    def is_active(self, style: Style) -> bool:
        return style in self.field_style


@dataclass
class _Tally:
    """Items found for one instruction style."""

    first: int  # id of its first item
    items: int = 0
    same_style_items: int = 0
    # unnumbered Output styles -> items of this style that have one (first seen first)
    loose_votes: dict[Style, int] = field(default_factory=dict)


@dataclass
class _OpenInstruction:
    at: int
    number: int | None
    loose: list[Style] = field(default_factory=list)  # unnumbered Output styles seen after it


def survey(labels: Sequence[tuple[int, Label | None]]) -> AnswerStyle:
    """Find the answer's styles from its label lines, in order.

    ``labels``: (id, label) for every line outside code fences that is a label or a
    separator (``None``); ids grow along the text. See the module docstring for what
    counts as an item.
    """
    styles = {label.style for _, label in labels if label is not None}
    if len(styles) == 1 and (only := styles.pop()).numbering != "none":
        # the common case, one numbered style: numbers alone tell items apart (same result)
        return AnswerStyle(main=only, field_style={only: only})
    tallies: dict[Style, _Tally] = {}
    open_by_style: dict[Style, _OpenInstruction] = {}
    result = AnswerStyle()

    def close(style: Style) -> None:
        pending = open_by_style.pop(style, None)
        if pending is not None and pending.loose:
            _count(tallies, style, pending.at, result, loose=pending.loose)

    for at, label in labels:
        if label is None:  # a separator ends every item
            for style in list(open_by_style):
                close(style)
        elif label.kind == "instruction":
            close(label.style)
            open_by_style[label.style] = _OpenInstruction(at, label.number)
        elif label.kind == "output":
            _complete(open_by_style, label, tallies, result)
    for style in list(open_by_style):
        close(style)
    _choose_styles(result, tallies, labels)
    return result


def _complete(
    open_by_style: dict[Style, _OpenInstruction],
    label: Label,
    tallies: dict[Style, _Tally],
    result: AnswerStyle,
) -> None:
    """An Output label completes the open item of its own style, or is a loose field of numbered ones."""
    pending = open_by_style.get(label.style)
    if pending is not None and (
        pending.number is None
        or (label.number is not None and label.number - pending.number in _LINE_COUNT_STEPS)
    ):
        del open_by_style[label.style]
        _count(tallies, label.style, pending.at, result, loose=None)
    elif label.number is None:
        for style, other in open_by_style.items():
            if style.numbering != "none" and label.style not in other.loose:
                other.loose.append(label.style)


def _count(
    tallies: dict[Style, _Tally], style: Style, at: int, result: AnswerStyle, *, loose: list[Style] | None
) -> None:
    tally = tallies.setdefault(style, _Tally(first=at))
    tally.items += 1
    if loose is None:
        tally.same_style_items += 1
    else:
        for field_style in loose:
            tally.loose_votes[field_style] = tally.loose_votes.get(field_style, 0) + 1
    result.complete.add(at)


def _loose_field_style(style: Style, tally: _Tally) -> Style:
    """The unnumbered field style in most items; then the instruction's own markup; then the first."""
    votes = tally.loose_votes
    return max(votes, key=lambda s: (votes[s], s.markup == style.markup))  # max keeps the first of equals


def _choose_styles(
    result: AnswerStyle, tallies: dict[Style, _Tally], labels: Sequence[tuple[int, Label | None]]
) -> None:
    """Main style: most items, earliest first on a tie; field style: same style when it has items."""
    for style, tally in tallies.items():
        result.field_style[style] = style if tally.same_style_items else _loose_field_style(style, tally)
    if tallies:
        result.main = min(tallies, key=lambda s: (-tallies[s].items, tallies[s].first))
    else:  # no item at all: the first Instruction label (or any label) decides
        found = [label for _, label in labels if label is not None]
        first = next((label for label in found if label.kind == "instruction"), found[0] if found else None)
        if first is not None:
            result.main = first.style
            result.field_style[first.style] = first.style
    for at, label in labels:
        if label is not None and label.kind == "instruction" and label.style == result.main:
            result.last_main_instruction = at
