"""Completion text -> candidate tasks (pure functions, no I/O).

Input: the text of one teacher completion, asked to continue a list shaped like
``prompts.format_example``::

    1. Instruction: ...
    1. Input: <noinput>
    1. Output: ...

Output: a :class:`ParseResult` with the tasks found, in order, and counts of what was
dropped. Parsing never raises; text with no recognisable item gives zero candidates.
(Bare numbered instruction lists are read by :func:`synthgen.recipes.parse_list.parse_instruction_list`.)

Rules (each one exists because models really write it that way):

- A *label line* looks like ``Instruction`` / ``Input`` / ``Output`` (or ``Response``,
  ``Answer``), any case, then a colon. It may carry a number before (``1.``, ``1)``) or
  after (``Instruction 1:``), markdown bold (``**Instruction:**``, ``**Instruction**:``),
  a heading (``### Instruction:``) or a bullet. The text after the colon and the lines
  that follow, up to the next label, are the field's value: inner newlines are kept,
  surrounding whitespace is stripped, Windows line endings become ``\\n``.
- **The answer's own style decides what is a label** (:mod:`~synthgen.recipes.parse_styles`):
  the style (markup and number position) with the most complete items. Inside an answer
  written as ``4. Instruction:`` / ``4. Input:`` / ``4. Output:``, lines such as
  ``Instructions: Fry them.``, ``Answer 1: Yes.``, ``Answer:`` or ``**Input:**`` are field
  text. Numbered styles also need the item's number: ``4. Input:`` belongs to item 4 (or
  follows ``4. Instruction`` as ``5. Input:`` when the numbers count lines,
  ``1. Instruction / 2. Input / 3. Output``). After a numbered Instruction label, unnumbered
  ``Input:`` / ``Output:`` labels are the fields when that is how the answer's items are
  written.
- An Instruction label of the main style starts a new item, so items need no separator
  between them; unnumbered ones only when an Output label of the style follows before the
  next item (an ``Instructions:`` line in an output of an unnumbered answer stays text).
  ``Input``/``Output`` fill the current item in the order instruction -> input -> output.
  Otherwise (a second ``Output:``, or ``Input:`` after the output) the line is text of the
  current field - unless it carries another number than the item's, which marks a new item
  whose instruction is missing. Numbers may otherwise skip or restart.
- An answer may change style between items only at a separator line, or at a task header
  shaped like the one before its first item (``### Task 3`` after ``### Task 1``).
- A separator line (``---``, ``***``, ``###`` alone) ends the current item; text before
  the next label is prose and ignored, like text before the first label ("Here are 20
  tasks:"). A task header (``### Task 3: Title``, ``**Example 3**``, a bare ``Item 3``)
  ends the item only when a label that starts an item follows it (blank lines aside);
  otherwise it is text, as in an output that lists "**Example 1:** ... **Example 2:** ...".
- Inside a fenced code block (``` or ~~~) nothing is a label or separator, except a
  *numbered* ``Instruction`` label, which closes a fence the model forgot to close.
- Inputs meaning "none" (``<noinput>``, ``<No input>``, ``N/A``, ``None``, ``(none)``,
  ``-``, empty) become ``""``.
- An item becomes a candidate when it has a non-empty instruction and an ``Output`` label
  (an empty output is kept, so the ``empty_output`` filter can count it); other items
  count in ``unparsed_blocks``.
- ``truncated=True`` (``finish_reason == "length"``) drops the last item, complete or
  not, as Alpaca does: a cut-off answer may look complete. It counts in
  ``dropped_truncated``, not in ``unparsed_blocks``.

What cannot be told apart (and so is read as structure): a field line that is a label of
the answer's own style with the item's number (or, in an unnumbered style, any label of
that style in the same order), a separator line inside a field, and a task header as the
last line of an output right before the next item.

Trailing prose (the known ambiguity). After the last output, text separated by a blank
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
from dataclasses import dataclass, field

from synthgen.recipes.parse_styles import (
    AnswerStyle,
    Label,
    Style,
    closes_fence,
    header_shape,
    is_fence,
    is_separator,
    read_label,
    survey,
)
from synthgen.records import Candidate

__all__ = ["ParseResult", "parse_numbered_tasks"]

_NO_INPUT = re.compile(
    r"[<(\[]?[ \t]*(?:no[ \t_-]*input(?:[ \t]+(?:required|needed|necessary))?|not[ \t]+applicable"
    r"|n/?a|none|nil|null|empty|-+)[ \t]*(?:\.[ \t]*)?[>)\]]?\.?",
    re.IGNORECASE,
)
_NO_INPUT_MAX_CHARS = 40  # longer inputs are real text; don't even try the pattern
_SIGN_OFF = re.compile(
    r"[*_\"' \t]*(?:i hope|hope (?:this|these|that)|let me know|feel free|please let|"
    r"if you (?:need|want|would|['\u2019]d|have)|would you like|these (?:\d+ )?(?:tasks|examples|instructions)|"
    r"this (?:list|set)|each (?:of these|task)|all (?:of )?these|i(?:['\u2019]ve| have) (?:created|written|"
    r"generated|included|tried|provided)|note:|enjoy|happy to|good luck)",
    re.IGNORECASE,
)

_ORDER = {"instruction": 0, "input": 1, "output": 2}
_MAX_TRAILING_LINES = 2
_MAX_TRAILING_WORDS = 40

# what a line is, decided once before the walk
_TEXT, _BLANK, _LABEL, _SEPARATOR, _FENCED = range(5)
_FENCES = ("```", "~~~")


@dataclass
class ParseResult:
    """What one completion yielded: the candidates and counts of what was dropped."""

    candidates: list[Candidate] = field(default_factory=list)
    dropped_truncated: int = 0  # 0 or 1: the last item, cut off by the token limit
    unparsed_blocks: int = 0  # items without an instruction or an Output label


@dataclass
class _Block:
    """An item being read: field name -> its lines, and how its labels are numbered."""

    number: int | None
    field_style: Style
    fields: dict[str, list[str]] = field(default_factory=dict)
    current: str = ""
    last_number: int | None = None
    counting: bool | None = None  # numbers count lines (1. Instruction / 2. Input / 3. Output)

    def open(self, label: Label) -> None:
        if self.fields and label.number is not None and self.counting is None:
            self.counting = label.number != self.number
        self.fields[label.kind] = [label.rest]
        self.current = label.kind
        self.last_number = label.number

    def add_line(self, line: str) -> None:
        if self.current:
            self.fields[self.current].append(line)

    def accepts(self, label: Label) -> bool:
        """``label`` opens this item's next field: its style, a later field, its number."""
        if label.style != self.field_style or label.kind in self.fields:
            return False
        if _ORDER[label.kind] <= _ORDER.get(self.current, -1):
            return False
        if label.number is None or self.number is None:
            return True
        same = label.number == self.number and self.counting is not True
        counted = self.last_number is not None and label.number == self.last_number + 1
        return same or (counted and self.counting is not False)


def parse_numbered_tasks(text: str, *, truncated: bool = False) -> ParseResult:
    """Parse a completion into candidates; ``truncated`` means ``finish_reason == "length"``."""
    blocks = _split_blocks(text, truncated=truncated)
    result = ParseResult()
    if truncated and blocks:
        blocks.pop()
        result.dropped_truncated = 1
    elif blocks:
        _trim_trailing_prose(blocks)
    for block in blocks:
        candidate = _to_candidate(block)
        if candidate is None:
            result.unparsed_blocks += 1
        else:
            result.candidates.append(candidate)
    return result


def _split_blocks(text: str, *, truncated: bool) -> list[_Block]:
    """Group the lines of ``text`` into items (see the module docstring)."""
    lines = text.splitlines()
    kinds, labels = _classify(lines)
    style = survey([(i, labels[i]) for i, kind in enumerate(kinds) if kind in (_LABEL, _SEPARATOR)])
    reader = _LineReader(style, truncated=truncated)
    for index, line in enumerate(lines):
        reader.feed(index, line, kinds[index], labels[index])
    reader.finish()
    return reader.blocks


def _classify(lines: list[str]) -> tuple[list[int], list[Label | None]]:
    """Each line's kind and label, with code fences followed (one pass, one regex per line)."""
    kinds: list[int] = []
    labels: list[Label | None] = []
    in_fence = False
    for line in lines:
        if not line or line.isspace():
            kinds.append(_FENCED if in_fence else _BLANK)
            labels.append(None)
            continue
        label = read_label(line)
        if in_fence and not (label is not None and closes_fence(label)):
            in_fence = not is_fence(line)
            kinds.append(_FENCED)
            label = None
        elif label is not None:
            in_fence = label.rest.startswith(_FENCES)  # the value opens a code block
            kinds.append(_LABEL)
        elif is_separator(line):
            kinds.append(_SEPARATOR)
        else:
            in_fence = is_fence(line)
            kinds.append(_TEXT)
        labels.append(label)
    return kinds, labels


class _LineReader:
    """One walk over the lines: the item being read and a task header on hold."""

    def __init__(self, style: AnswerStyle, *, truncated: bool) -> None:
        self.style = style
        self.field_styles = set(style.field_style.values())
        self.truncated = truncated
        self.blocks: list[_Block] = []
        self.block: _Block | None = None
        # A task header (and blank lines after it) waits for the next line: a label that
        # starts an item makes it a boundary; anything else makes it text.
        self.held: list[str] = []
        self.held_shape: tuple[str, str] | None = None
        self.first_header: tuple[str, str] | None = None  # the header before the first item

    def feed(self, index: int, line: str, kind: int, label: Label | None) -> None:
        if kind == _BLANK and self.held:
            self.held.append(line)
        elif kind in (_BLANK, _FENCED):
            self._text(line)
        elif label is not None:
            self._place(index, label, line)
        elif kind == _SEPARATOR:
            self._release_held()
            self.block = None
        elif (shape := header_shape(line)) is not None:
            self._release_held()
            self.held, self.held_shape = [line], shape
        else:
            self._release_held()
            self._text(line)

    def finish(self) -> None:
        self._release_held()

    def _place(self, index: int, label: Label, line: str) -> None:
        if label.kind == "instruction":
            if self._starts_item(index, label):
                self._start(label, self.style.field_style[label.style])
                return
        elif self.block is not None and self.block.accepts(label):
            self._release_held()
            self.block.open(label)
            return
        elif self._starts_fieldless(label):
            self._start(label, label.style)
            return
        self._release_held()
        self._text(line)

    def _starts_item(self, index: int, label: Label) -> bool:
        """An Instruction label opens a new item (see the module docstring)."""
        if not self.style.is_active(label.style):
            return False
        if label.style == self.style.main:
            if self.block is None or self.held or label.number is not None or index in self.style.complete:
                return True
            return self.truncated and index == self.style.last_main_instruction
        return self._at_boundary() and (label.number is not None or index in self.style.complete)

    def _starts_fieldless(self, label: Label) -> bool:
        """An Input/Output label that cannot continue the item opens one without instruction."""
        if label.style not in self.field_styles:
            return False
        if self.block is None:
            return True
        if label.style != self.block.field_style:
            return self._at_boundary()
        return bool(self.held) or (label.number is not None and label.number != self.block.number)

    def _at_boundary(self) -> bool:
        """After a separator, or after a task header shaped like the first item's."""
        return self.block is None or (bool(self.held) and self.held_shape == self.first_header)

    def _start(self, label: Label, field_style: Style) -> None:
        if not self.blocks and self.held:
            self.first_header = self.held_shape
        self.held = []
        self.block = _Block(number=label.number, field_style=field_style)
        self.block.open(label)
        self.blocks.append(self.block)

    def _release_held(self) -> None:
        """The held header was not followed by a label that starts an item: it is text."""
        held, self.held = self.held, []
        for line in held:
            self._text(line)

    def _text(self, line: str) -> None:
        if self.block is not None:
            self.block.add_line(line)


def _to_candidate(block: _Block) -> Candidate | None:
    """A candidate if the block has a non-empty instruction and an Output label."""
    instruction = _value(block, "instruction")
    if not instruction or "output" not in block.fields:
        return None
    raw_input = _value(block, "input")
    return Candidate(
        instruction=instruction,
        input="" if _means_no_input(raw_input) else raw_input,
        output=_value(block, "output"),
    )


def _means_no_input(text: str) -> bool:
    return len(text) <= _NO_INPUT_MAX_CHARS and _NO_INPUT.fullmatch(text) is not None


def _value(block: _Block, name: str) -> str:
    return "\n".join(block.fields.get(name, ())).strip()


def _paragraph_breaks(lines: list[str]) -> list[int]:
    """Indexes of blank lines outside code fences, ignoring leading/trailing blank lines."""
    breaks, in_fence, seen_text = [], False, False
    for index, line in enumerate(lines):
        if is_fence(line):
            in_fence = not in_fence
        if not line.strip():
            if seen_text and not in_fence:
                breaks.append(index)
        else:
            seen_text = True
    # blank lines at the end are not breaks between paragraphs
    last_text = max((i for i, line in enumerate(lines) if line.strip()), default=-1)
    return [i for i in breaks if i < last_text]


def _trim_trailing_prose(blocks: list[_Block]) -> None:
    """Cut a sign-off from the last output (the two rules of the module docstring)."""
    lines = blocks[-1].fields.get("output")
    if not lines:
        return
    while (breaks := _paragraph_breaks(lines)) and _SIGN_OFF.match(_first_text(lines, breaks[-1])):
        del lines[breaks[-1] :]
    breaks = _paragraph_breaks(lines)
    if len(breaks) == 1 and _looks_like_appended_prose(lines[breaks[0] :], blocks[:-1]):
        del lines[breaks[0] :]


def _first_text(lines: list[str], start: int) -> str:
    return next((line for line in lines[start:] if line.strip()), "")


def _looks_like_appended_prose(tail: list[str], others: list[_Block]) -> bool:
    """Rule 2: short tail after a break, while every other output is a single paragraph."""
    other_outputs = [b.fields["output"] for b in others if "output" in b.fields]
    if len(other_outputs) < 2 or any(_paragraph_breaks(out) for out in other_outputs):
        return False
    text_lines = [line for line in tail if line.strip()]
    if len(text_lines) > _MAX_TRAILING_LINES or any(is_fence(line) for line in text_lines):
        return False
    return sum(len(line.split()) for line in text_lines) <= _MAX_TRAILING_WORDS
