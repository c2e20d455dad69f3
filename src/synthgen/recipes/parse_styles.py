"""Label lines, their *style*, and which styles an answer really uses (pure functions).

Support for :mod:`synthgen.recipes.parse`: this module reads single lines
(:func:`read_label`, :func:`is_separator`, :func:`header_shape`, :func:`is_fence`) and
surveys a whole answer once (:func:`survey`) to find its label style; ``parse`` then walks
the lines and lets only labels of that style split fields.

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

__all__ = [
    "AnswerStyle",
    "Label",
    "Style",
    "closes_fence",
    "header_shape",
    "is_fence",
    "is_separator",
    "label_of",
    "match_label",
    "read_label",
    "survey",
]

# One line at a time, anchored, and no two repeats that can match the same characters next
# to each other: the cost stays linear in the line length even on adversarial text.
# Closing bold is only taken right after the colon ("**Instruction:** x"), so an output
# that itself starts with markup ("Output: **Example 1:**", "Output: * apples") keeps it.
_LABEL = re.compile(
    r"(?P<lead>[ \t#*_>+-]*)(?:(?P<pre>\d{1,4})[.)](?P<mid>[ \t*_]*))?"
    r"(?P<label>instructions?|input|output|response|answer)"
    r"(?:[ \t]+\#?(?P<post>\d{1,4}))?(?P<trail>[ \t*_]*):(?P<close>[*_]{0,3})[ \t]*(?P<rest>.*)",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(r"[ \t]*(?:-{3,}|\*{3,}|_{3,}|={3,}|\#{1,6})[ \t]*")
_HEADER = re.compile(
    r"[ \t]*(?P<markup>[#*_]?)[#*_ \t]*(?P<word>task|example|item)[ \t]*\#?\d{1,4}(?!\d)(?P<tail>.*)",
    re.IGNORECASE,
)
_FENCE = re.compile(r"[ \t]*(?:```|~~~)")
_MAX_HEADER_CHARS = 200  # a longer line is text, not a separator or a task header
_KINDS = {"instruction": "instruction", "instructions": "instruction", "input": "input"}
# label heads seen (cleared when full: adversarial text must not grow it without bound);
# looking one up costs half of reading it again (measured: 0.7 us against 1.6 us a label)
_HEADS: dict[str, tuple[str, Style, int | None]] = {}
_MAX_HEADS = 4096
_new_tuple = tuple.__new__
# numbers an Output label may carry after Instruction N: N, or N+1 / N+2 when lines are counted
_LINE_COUNT_STEPS = (0, 1, 2)


class Style(NamedTuple):
    markup: str  # "plain" | "emph" | "heading"
    numbering: str  # "pre" | "post" | "none"


_STYLES = {(m, n): Style(m, n) for m in ("plain", "emph", "heading") for n in ("pre", "post", "none")}


class Label(NamedTuple):
    """A line that looks like a label: its field, style, number and the text after the colon."""

    kind: str  # "instruction" | "input" | "output"
    style: Style
    number: int | None
    rest: str


def read_label(line: str) -> Label | None:
    """The label that opens ``line``, or ``None`` when the line does not look like one."""
    match = match_label(line)
    return None if match is None else label_of(match)


match_label = _LABEL.match  # for loops over many lines: test with this, then call label_of


def label_of(match: re.Match[str]) -> Label:
    """The :class:`Label` of a line that :data:`match_label` matched."""
    rest_at = match.start("rest")
    head = match.string[:rest_at]  # "3. Output: ": answers repeat a few dozen of these
    known = _HEADS.get(head)
    if known is None:
        if len(_HEADS) >= _MAX_HEADS:
            _HEADS.clear()
        known = _HEADS[head] = _head_of(match)
    return _new_tuple(Label, (*known, match["rest"]))  # Label(...) without its Python-level __new__


def _head_of(match: re.Match[str]) -> tuple[str, Style, int | None]:
    lead, pre, mid, word, post, trail, close, _ = match.groups()
    if "#" in lead:
        markup = "heading"
    elif lead.endswith(("*", "_")) or "*" in (decor := f"{mid or ''}{trail}{close}") or "_" in decor:
        markup = "emph"
    else:
        markup = "plain"
    kind = _KINDS.get(word.lower(), "output")
    if pre:
        return kind, _STYLES[markup, "pre"], int(pre)
    if post:
        return kind, _STYLES[markup, "post"], int(post)
    return kind, _STYLES[markup, "none"], None


def is_separator(line: str) -> bool:
    """``---``, ``***``, ``###`` and the like alone on a line."""
    return len(line) <= _MAX_HEADER_CHARS and _SEPARATOR.fullmatch(line) is not None


def header_shape(line: str) -> tuple[str, str] | None:
    """(markup, word) of a task header (``### Task 3: Title``, ``**Example 3**``, a bare ``Item 3``).

    Without markdown markup only a bare header counts: "Task 1: buy milk" inside an output
    (a to-do list) is text.
    """
    if len(line) > _MAX_HEADER_CHARS:
        return None
    match = _HEADER.match(line)
    if match is None:
        return None
    markup = match["markup"]
    if not markup and match["tail"].strip(" \t*_") not in ("", ".", ":", ")"):
        return None
    return markup, match["word"].lower()


def is_fence(line: str) -> bool:
    """A line that opens or closes a fenced code block."""
    return ("`" in line or "~" in line) and _FENCE.match(line) is not None


def closes_fence(label: Label) -> bool:
    """A numbered Instruction label ends a code fence the model never closed."""
    return label.kind == "instruction" and label.number is not None


@dataclass
class AnswerStyle:
    """What :func:`survey` found: which label styles split fields in this answer."""

    main: Style | None = None
    field_style: dict[Style, Style] = field(default_factory=dict)  # instruction style -> field style
    complete: set[int] = field(default_factory=set)  # line indexes of Instruction labels that open items
    last_main_instruction: int = -1  # line index of the main style's last Instruction label

    def is_active(self, style: Style) -> bool:
        return style in self.field_style


@dataclass
class _Tally:
    """Items found for one instruction style."""

    first: int  # line index of its first item
    items: int = 0
    same_style_items: int = 0
    loose_field_style: Style | None = None  # field style of its first unnumbered-field item


@dataclass
class _OpenInstruction:
    index: int
    number: int | None
    loose: Style | None = None  # an unnumbered Output label seen after a numbered Instruction


def survey(labels: Sequence[tuple[int, Label | None]]) -> AnswerStyle:
    """Find the answer's styles from its label lines, in order.

    ``labels``: (line index, label) for every line outside code fences that is a label or a
    separator (``None``); see the module docstring for what counts as an item.
    """
    styles = {label.style for _, label in labels if label is not None}
    if len(styles) == 1 and (only := styles.pop()).numbering != "none":
        # the common case, one numbered style: numbers alone tell items apart (same result)
        return AnswerStyle(main=only, field_style={only: only})
    tallies: dict[Style, _Tally] = {}
    open_by_style: dict[Style, _OpenInstruction] = {}
    result = AnswerStyle()
    first_instruction: Style | None = None

    def close(style: Style) -> None:
        pending = open_by_style.pop(style, None)
        if pending is not None and pending.loose is not None:
            _count(tallies, style, pending.index, result, loose=pending.loose)

    for index, label in labels:
        if label is None:  # a separator ends every item
            for style in list(open_by_style):
                close(style)
        elif label.kind == "instruction":
            close(label.style)
            open_by_style[label.style] = _OpenInstruction(index, label.number)
            first_instruction = first_instruction or label.style
        elif label.kind == "output":
            _complete(open_by_style, label, tallies, result)
    for style in list(open_by_style):
        close(style)
    _choose_styles(result, tallies, first_instruction, labels)
    return result


def _complete(
    open_by_style: dict[Style, _OpenInstruction], label: Label, tallies: dict[Style, _Tally], result: AnswerStyle
) -> None:
    """An Output label completes the open item of its own style, or is a loose field of numbered ones."""
    pending = open_by_style.get(label.style)
    if pending is not None and (
        pending.number is None or (label.number is not None and label.number - pending.number in _LINE_COUNT_STEPS)
    ):
        del open_by_style[label.style]
        _count(tallies, label.style, pending.index, result, loose=None)
    elif label.number is None:
        for style, other in open_by_style.items():
            if other.loose is None and style.numbering != "none":
                other.loose = label.style


def _count(tallies: dict[Style, _Tally], style: Style, index: int, result: AnswerStyle, *, loose: Style | None) -> None:
    tally = tallies.setdefault(style, _Tally(first=index))
    tally.items += 1
    if loose is None:
        tally.same_style_items += 1
    elif tally.loose_field_style is None:
        tally.loose_field_style = loose
    result.complete.add(index)


def _choose_styles(
    result: AnswerStyle,
    tallies: dict[Style, _Tally],
    first_instruction: Style | None,
    labels: Sequence[tuple[int, Label | None]],
) -> None:
    """Main style: most items, earliest first on a tie; field style: same style when it has items."""
    for style, tally in tallies.items():
        result.field_style[style] = style if tally.same_style_items or tally.loose_field_style is None else tally.loose_field_style
    if tallies:
        result.main = min(tallies, key=lambda s: (-tallies[s].items, tallies[s].first))
    else:  # no item at all: the first label decides (its items are counted as unparsed)
        result.main = first_instruction or next((label.style for _, label in labels if label is not None), None)
        if result.main is not None:
            result.field_style[result.main] = result.main
    for index, label in labels:
        if label is not None and label.kind == "instruction" and label.style == result.main:
            result.last_main_instruction = index
