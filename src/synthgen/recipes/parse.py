"""Completion text -> candidate tasks (pure functions, no I/O).

Input: the text of one teacher completion, asked to continue a list shaped like
``prompts.format_example``::

    1. Instruction: ...
    1. Input: <noinput>
    1. Output: ...

Output: a :class:`ParseResult` with the tasks found, in order, and counts of what was
dropped. Parsing never raises; text with no recognisable item gives zero candidates.

Rules (each one exists because models really write it that way):

- A *label line* starts a field: ``Instruction`` / ``Input`` / ``Output`` (or ``Response``,
  ``Answer``), any case, then a colon. It may carry a number before (``1.``, ``1)``) or
  after (``Instruction 1:``), markdown bold (``**Instruction:**``, ``**Instruction**:``),
  a heading (``### Instruction:``) or a bullet. The text after the colon and the lines
  that follow, up to the next label, are the field's value: inner newlines are kept,
  surrounding whitespace is stripped, Windows line endings become ``\\n``.
- ``Instruction`` always starts a new item, so items need no separator between them.
  ``Input``/``Output`` fill the current item when they come later in the order
  instruction -> input -> output. Otherwise (a second ``Output:``, or ``Input:`` after
  the output) the line is *text* of the current field, because outputs quote such lines
  ("Answer: 42", "Input: [1, 2]") - unless it carries a number other than the item's,
  which marks a new item whose instruction is missing. Numbers are otherwise ignored:
  numbering may skip, restart, or count lines (``1. Instruction / 2. Input / 3. Output``).
- A separator line (``---``, ``***``, ``###`` alone) ends the current item; text before
  the next label is prose and ignored, like text before the first label ("Here are 20
  tasks:"). A task header (``### Task 3: Title``, ``**Example 3**``, a bare ``Task 3:``)
  ends the item only when a label follows it (blank lines aside); otherwise it is text,
  as in an output that lists "**Example 1:** ... **Example 2:** ...".
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

from synthgen.records import Candidate

__all__ = ["ParseResult", "parse_numbered_tasks"]

# One line at a time, anchored, and no two repeats that can match the same characters next
# to each other: the cost stays linear in the line length even on adversarial text.
# Closing bold is only taken right after the colon ("**Instruction:** x"), so an output
# that itself starts with markup ("Output: **Example 1:**", "Output: * apples") keeps it.
_LABEL = re.compile(
    r"[ \t#*_>+-]*(?:(?P<pre>\d{1,4})[.)][ \t*_]*)?"
    r"(?P<label>instructions?|input|output|response|answer)"
    r"(?:[ \t]+\#?(?P<post>\d{1,4}))?[ \t*_]*:[*_]{0,3}[ \t]*(?P<rest>.*)",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(r"[ \t]*(?:-{3,}|\*{3,}|_{3,}|={3,}|\#{1,6})[ \t]*")
_HEADER = re.compile(r"[ \t#*_]*(?:task|example|item)[ \t]*\#?\d{1,4}(?!\d)(?P<tail>.*)", re.IGNORECASE)
_FENCE = re.compile(r"[ \t]*(?:```|~~~)")
_NO_INPUT = re.compile(
    r"[<(\[]?[ \t]*(?:no[ \t_-]*input(?:[ \t]+(?:required|needed|necessary))?|not[ \t]+applicable"
    r"|n/?a|none|nil|null|empty|-+)[ \t]*(?:\.[ \t]*)?[>)\]]?\.?",
    re.IGNORECASE,
)
_MAX_HEADER_CHARS = 200  # a longer line is text, not a separator or a task header
_NO_INPUT_MAX_CHARS = 40  # longer inputs are real text; don't even try the pattern
_SIGN_OFF = re.compile(
    r"[*_\"' \t]*(?:i hope|hope (?:this|these|that)|let me know|feel free|please let|"
    r"if you (?:need|want|would|['\u2019]d|have)|would you like|these (?:\d+ )?(?:tasks|examples|instructions)|"
    r"this (?:list|set)|each (?:of these|task)|all (?:of )?these|i(?:['\u2019]ve| have) (?:created|written|"
    r"generated|included|tried|provided)|note:|enjoy|happy to|good luck)",
    re.IGNORECASE,
)

_ORDER = {"instruction": 0, "input": 1, "output": 2}
_ALIASES = {"response": "output", "answer": "output"}
_MAX_TRAILING_LINES = 2
_MAX_TRAILING_WORDS = 40


@dataclass
class ParseResult:
    """What one completion yielded: the candidates and counts of what was dropped."""

    candidates: list[Candidate] = field(default_factory=list)
    dropped_truncated: int = 0  # 0 or 1: the last item, cut off by the token limit
    unparsed_blocks: int = 0  # items without an instruction or an Output label


@dataclass
class _Block:
    """An item being read: field name -> its lines, and the number it was labelled with."""

    number: str | None
    fields: dict[str, list[str]] = field(default_factory=dict)
    current: str = ""

    def open(self, name: str, first_line: str) -> None:
        self.fields[name] = [first_line]
        self.current = name

    def add_line(self, line: str) -> None:
        if self.current:
            self.fields[self.current].append(line)


def parse_numbered_tasks(text: str, *, truncated: bool = False) -> ParseResult:
    """Parse a completion into candidates; ``truncated`` means ``finish_reason == "length"``."""
    blocks = _split_blocks(text)
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


def _split_blocks(text: str) -> list[_Block]:
    """Group the lines of ``text`` into items (see the module docstring)."""
    reader = _LineReader()
    for line in text.splitlines():
        reader.feed(line)
    return reader.blocks


class _LineReader:
    """One pass over the lines: the item being read, code fences, a header on hold."""

    def __init__(self) -> None:
        self.blocks: list[_Block] = []
        self.block: _Block | None = None
        self.in_fence = False
        # A task header (and blank lines after it) waits for the next line: a label makes it
        # the boundary of a new item; anything else makes it text ("**Example 2:**" in an output).
        self.held: list[str] = []

    def feed(self, line: str) -> None:
        if not line.strip():  # fast path: a blank line never changes the state
            if self.held:
                self.held.append(line)
            else:
                self._text(line)
            return
        label = _LABEL.match(line)
        if self.in_fence and not _closes_fence(label):
            self.in_fence = not _FENCE.match(line)
            self._text(line)
        elif label is not None:
            if self.held:
                self.block, self.held = None, []
            self.block = _apply_label(self.blocks, self.block, label, line)
            self.in_fence = bool(_FENCE.match(label["rest"]))
        elif len(line) <= _MAX_HEADER_CHARS and _SEPARATOR.fullmatch(line):
            self.block, self.in_fence, self.held = None, False, []
        elif len(line) <= _MAX_HEADER_CHARS and _is_header(line):
            self._release_held()
            self.held = [line]
        else:
            self._release_held()
            self.in_fence = bool(_FENCE.match(line))
            self._text(line)

    def _release_held(self) -> None:
        """The held header was not followed by a label: it is text after all."""
        held, self.held = self.held, []
        for line in held:
            self._text(line)

    def _text(self, line: str) -> None:
        if self.block is not None:
            self.block.add_line(line)


def _closes_fence(label: re.Match[str] | None) -> bool:
    """A numbered Instruction label ends a code fence the model never closed."""
    if label is None or not label["label"].lower().startswith("instruction"):
        return False
    return bool(label["pre"] or label["post"])


def _is_header(line: str) -> bool:
    """``### Task 3: Title`` / ``**Example 3**`` / a bare ``Task 3:`` line.

    Without markdown markup only a bare header counts: "Task 1: buy milk" inside an output
    (a to-do list) is text.
    """
    match = _HEADER.match(line)
    if match is None:
        return False
    has_markup = line.lstrip(" \t")[:1] in ("#", "*", "_")
    return has_markup or match["tail"].strip(" \t*_") in ("", ".", ":", ")")


def _apply_label(blocks: list[_Block], block: _Block | None, label: re.Match[str], line: str) -> _Block:
    """Open a field for ``label``: in ``block``, in a new block, or as text of the current field."""
    name = label["label"].lower()
    name = _ALIASES.get(name, name.rstrip("s"))
    number = label["pre"] or label["post"]
    if block is not None and name != "instruction":
        if name not in block.fields and _ORDER[name] > _ORDER.get(block.current, -1):
            block.open(name, label["rest"])
            return block
        if number is None or number == block.number:
            block.add_line(line)
            return block
    block = _Block(number=number)
    block.open(name, label["rest"])
    blocks.append(block)
    return block


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
    if len(text_lines) > _MAX_TRAILING_LINES or any(_FENCE.match(line) for line in text_lines):
        return False
    return sum(len(line.split()) for line in text_lines) <= _MAX_TRAILING_WORDS
