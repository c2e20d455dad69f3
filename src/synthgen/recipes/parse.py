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
  ends the item only when a label that starts an item follows it (blank lines aside), and,
  for a bare one, when the answer heads its items so (its first item has one); otherwise it
  is text of the field it is in, as in an output that lists "**Example 1:** ...
  **Example 2:** ..." or an output that is just "Item 3".
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

What cannot be told apart, and so is read as structure (the property tests,
``tests/test_parse_properties.py``, leave exactly these out): a field line that is a label
of the answer's own style (with the item's number, where the style numbers them); a
separator line inside a field; a markdown task header, or a bare one shaped like the answer's
own, as the last line of an output right before the next item; lines of another label style
that form more items than the answer has (they then are its style); and paragraphs after
the last output (below).

Trailing prose after the last output (a sign-off, or more of the output?) is cut by the
rules of :mod:`synthgen.recipes.parse_trailing`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from synthgen.candidate import Candidate
from synthgen.recipes.parse_lines import Label, Line, Style, plain_line_breaks, scan
from synthgen.recipes.parse_styles import AnswerStyle, survey
from synthgen.recipes.parse_trailing import without_trailing_prose

__all__ = ["ParseResult", "parse_numbered_tasks"]

_NO_INPUT = re.compile(
    r"[<(\[]?[ \t]*(?:no[ \t_-]*input(?:[ \t]+(?:required|needed|necessary))?|not[ \t]+applicable"
    r"|n/?a|none|nil|null|empty|-+)[ \t]*(?:\.[ \t]*)?[>)\]]?\.?",
    re.IGNORECASE,
)
_NO_INPUT_MAX_CHARS = 40  # longer inputs are real text; don't even try the pattern

_ORDER = {"instruction": 0, "input": 1, "output": 2}


@dataclass
class ParseResult:
    """What one completion yielded: the candidates and counts of what was dropped."""

    candidates: list[Candidate] = field(default_factory=list)
    dropped_truncated: int = 0  # 0 or 1: the last item, cut off by the token limit
    unparsed_blocks: int = 0  # items without an instruction or an Output label


class _Block:
    """An item being read: where each field's text is, and how its labels are numbered.

    Fields are kept as offsets into the answer (``starts``, ``ends``) and cut out once, at
    the end. A plain class with slots: ~20 of these an answer, on the hot path.
    """

    __slots__ = ("counting", "current", "ends", "field_style", "last_number", "number", "starts")

    def __init__(self, number: int | None, field_style: Style) -> None:
        self.number = number
        self.field_style = field_style
        self.starts: dict[str, int] = {}
        self.ends: dict[str, int] = {}
        self.current = ""
        self.last_number: int | None = None
        self.counting: bool | None = None  # numbers count lines (1. Instruction / 2. Input / 3. Output)

    def open(self, line: Line, label: Label) -> None:
        if self.current:
            self.ends[self.current] = line.start
            if label.number is not None and self.counting is None:
                self.counting = label.number != self.number
        self.starts[label.kind] = line.value_at
        self.current = label.kind
        self.last_number = label.number

    def close(self, at: int) -> None:
        """The item ends where the line at offset ``at`` starts."""
        self.ends[self.current] = at

    def accepts(self, label: Label) -> bool:
        """``label`` opens this item's next field: its style, a later field, its number."""
        if label.style != self.field_style or label.kind in self.starts:
            return False
        if _ORDER[label.kind] <= _ORDER[self.current]:
            return False
        if label.number is None or self.number is None:
            return True
        same = label.number == self.number and self.counting is not True
        counted = self.last_number is not None and label.number == self.last_number + 1
        return same or (counted and self.counting is not False)

    def value(self, kind: str, text: str) -> str:
        start = self.starts.get(kind)
        return "" if start is None else text[start : self.ends[kind]].strip()


def parse_numbered_tasks(text: str, *, truncated: bool = False) -> ParseResult:
    """Parse a completion into candidates; ``truncated`` means ``finish_reason == "length"``."""
    text = plain_line_breaks(text)
    blocks = _split_blocks(text, truncated=truncated)
    result = ParseResult()
    if truncated and blocks:
        blocks.pop()
        result.dropped_truncated = 1
    elif blocks:
        _trim_trailing_prose(blocks, text)
    for block in blocks:
        candidate = _to_candidate(block, text)
        if candidate is None:
            result.unparsed_blocks += 1
        else:
            result.candidates.append(candidate)
    return result


def _split_blocks(text: str, *, truncated: bool) -> list[_Block]:
    """Group the answer into items (see the module docstring)."""
    lines = scan(text)
    reader = _Reader(survey([(line.start, line.label) for line in lines]), truncated=truncated)
    for line in lines:
        reader.feed(line)
    reader.end_block(len(text))
    return reader.blocks


class _Reader:
    """One walk over the structural lines: the item being read, and the answer's style."""

    def __init__(self, style: AnswerStyle, *, truncated: bool) -> None:
        self.style = style
        self.field_styles = set(style.field_style.values())
        self.truncated = truncated
        self.blocks: list[_Block] = []
        self.block: _Block | None = None
        self.first_header: tuple[str, str] | None = None  # the header before the first item

    def feed(self, line: Line) -> None:
        label = line.label
        if label is None:  # a separator ends the item; text up to the next label is prose
            self.end_block(line.start)
        elif label.kind == "instruction":
            if self._starts_item(line, label):
                self._start(line, label, self.style.field_style[label.style])
        elif self.block is not None and self.block.accepts(label):
            self.block.open(line, label)
        elif self._starts_fieldless(line, label):
            self._start(line, label, label.style)
        # anything else: the line is text of the current field

    def _starts_item(self, line: Line, label: Label) -> bool:
        """An Instruction label opens a new item (see the module docstring)."""
        if not self.style.is_active(label.style):
            return False
        complete = line.start in self.style.complete
        if label.style == self.style.main:
            if self.block is None or self._own_header(line) or label.number is not None or complete:
                return True
            return self.truncated and line.start == self.style.last_main_instruction
        return self._at_boundary(line) and (label.number is not None or complete)

    def _starts_fieldless(self, line: Line, label: Label) -> bool:
        """An Input/Output label that cannot continue the item opens one without instruction."""
        if label.style not in self.field_styles:
            return False
        if self.block is None:
            return True
        if label.style != self.block.field_style:
            return self._at_boundary(line)
        return self._own_header(line) or (label.number is not None and label.number != self.block.number)

    def _at_boundary(self, line: Line) -> bool:
        """After a separator, or after a task header shaped like the first item's."""
        return self.block is None or (line.header is not None and line.header == self.first_header)

    def _own_header(self, line: Line) -> bool:
        """A task header before ``line`` that heads items: markdown (``### Task 3``, ``**Item
        3**``), or a bare one shaped like the header before the answer's first item. A bare
        "Item 3", "Task 3" or "Example 3" line in an answer that does not head its items so is
        text of the field it is in (issue 22: an output that was only "Item 3" came out empty)."""
        if line.header is None:
            return False
        return bool(line.header[0]) or not self.blocks or line.header == self.first_header

    def _start(self, line: Line, label: Label, field_style: Style) -> None:
        own = self._own_header(line)
        if not self.blocks:
            self.first_header = line.header
        # the answer's own header before the label belongs to the new item, not to the last field
        self.end_block(line.header_at if own else line.start)
        self.block = _Block(number=label.number, field_style=field_style)
        self.block.open(line, label)
        self.blocks.append(self.block)

    def end_block(self, at: int) -> None:
        if self.block is not None:
            self.block.close(at)
        self.block = None


def _to_candidate(block: _Block, text: str) -> Candidate | None:
    """A candidate if the block has a non-empty instruction and an Output label."""
    instruction = block.value("instruction", text)
    if not instruction or "output" not in block.starts:
        return None
    raw_input = block.value("input", text)
    return Candidate(
        instruction=instruction,
        input="" if _means_no_input(raw_input) else raw_input,
        output=block.value("output", text),
    )


def _means_no_input(text: str) -> bool:
    return len(text) <= _NO_INPUT_MAX_CHARS and _NO_INPUT.fullmatch(text) is not None


def _trim_trailing_prose(blocks: list[_Block], text: str) -> None:
    """Cut a sign-off from the last output (see :mod:`~synthgen.recipes.parse_trailing`)."""
    last = blocks[-1]
    if "output" not in last.starts:
        return
    lines = _output_lines(last, text)
    kept = without_trailing_prose(
        lines, lambda: [_output_lines(b, text) for b in blocks[:-1] if "output" in b.starts]
    )
    if len(kept) < len(lines):  # the kept lines are the first ones of the field
        last.ends["output"] = last.starts["output"] + len("\n".join(kept))


def _output_lines(block: _Block, text: str) -> list[str]:
    return text[block.starts["output"] : block.ends["output"]].split("\n")
