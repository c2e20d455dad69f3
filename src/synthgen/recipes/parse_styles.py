"""Which label styles an answer really uses (pure functions).

An *item* of style S is an Instruction label of style S followed, before the next
Instruction label of S or a separator line, by an Output label of S (with the item's
number, or the next one or two when the numbers count lines), or, for a numbered S, by an
unnumbered Output label (``1. Instruction:`` then indented ``Input:`` / ``Output:``): the
item's *field style*. The answer's main style is the one with the most items (the earliest
on a tie); a style with no item at all never splits fields. Styles are those of
:mod:`synthgen.recipes.parse_lines`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from synthgen.recipes.parse_lines import Label, Style

__all__ = ["AnswerStyle", "survey"]

# numbers an Output label may carry after Instruction N: N, or N+1 / N+2 when lines are counted
_LINE_COUNT_STEPS = (0, 1, 2)


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
        # the common case, one numbered style: numbers alone tell its items apart, so the
        # reader needs neither ``complete`` nor ``last_main_instruction`` (3x less work here)
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
