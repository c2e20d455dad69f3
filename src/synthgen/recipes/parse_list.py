"""Bare numbered instruction lists -> instructions (pure functions, no I/O).

Self-instruct's first stage, and any "just give me new instructions" prompt, gets a plain
numbered list back, often continuing a prompt that ended in ``9.``::

     Write a limerick about a lighthouse keeper.
    10. Give three arguments for a four-day school week.
    11. Explain the offside rule to a new football fan.

:func:`parse_instruction_list` returns the same :class:`~synthgen.recipes.parse.ParseResult`
as the task parser, each instruction as ``Candidate(instruction, "", "")``: the same
filters and dedup apply to it (except ``empty_output``, which a caller of this parser
leaves out: there is no output yet).

Rules:

- An *item line* starts with its number: ``10. ...``, ``10) ...``, ``**10.** ...``. It
  starts the next item when its number is above the previous item's, by at most
  :data:`MAX_SKIP` (models skip a number now and then); any other numbered line (``1.``
  inside item 12, a step list) is text of the item. Self-instruct splits on every
  ``\\n<number>. `` (yizhongw/self-instruct, ``bootstrap_instructions.py``); the order
  check keeps embedded lists whole.
- An item is its line and the lines right after it, up to a blank line or the next item;
  unnumbered text after a blank line is prose and ignored (a preamble, "I hope these
  help!"). An ``Instruction:`` label at the start of an item is dropped; a later ``Input:``
  or ``Output:`` line ends the instruction (the rest of that item is not an instruction).
- ``first_number=N``: the prompt ended in ``N.``, so the text before the first item line
  is item N's instruction when the first item line is ``N+1`` right after it (no blank
  line between), or when there is none; not when it ends with ``:`` ("Here are more
  tasks:"). Without it, text before the first item line
  is prose. The first item line may carry any number (a model that starts over at 1).
- An empty item counts in ``unparsed_blocks``; ``truncated=True`` drops the last item
  (``dropped_truncated``), as in :func:`~synthgen.recipes.parse.parse_numbered_tasks`.
"""

from __future__ import annotations

import re

from synthgen.candidate import Candidate
from synthgen.recipes.parse import ParseResult
from synthgen.recipes.parse_lines import plain_line_breaks, read_label

__all__ = ["MAX_SKIP", "parse_instruction_list", "prompt_end_number"]

MAX_SKIP = 3  # an item line may skip up to two numbers: 4, 5, 8 is still one list
_INSTRUCTION_LABEL = re.compile(r"^[*_]{0,2}instruction[*_]{0,2}:[*_]{0,2}[ \t]*", re.IGNORECASE)
_PROMPT_END = re.compile(r"(?:^|\n)[ \t]*[*_]{0,2}(\d{1,4})[ \t]?[.)][*_]{0,2}[ \t]*$")
_ITEM = re.compile(r"[ \t]*[*_]{0,2}(?P<number>\d{1,4})[ \t]?[.)][*_]{0,2}(?:[ \t]+(?P<rest>.*))?$")


def parse_instruction_list(
    text: str, *, truncated: bool = False, first_number: int | None = None
) -> ParseResult:
    """Instructions of a bare numbered list (see the module docstring)."""
    items = _items(plain_line_breaks(text).split("\n"), first_number)
    result = ParseResult()
    if truncated and items:
        items.pop()
        result.dropped_truncated = 1
    for lines in items:
        instruction = _instruction(lines)
        if instruction:
            result.candidates.append(Candidate(instruction, "", ""))
        else:
            result.unparsed_blocks += 1
    return result


def prompt_end_number(prompt: str) -> int | None:
    """``N`` when ``prompt`` ends with a bare ``N.`` line (self-instruct's prompt ends so, and
    the teacher goes on with item N's text), else ``None``: the ``first_number`` to parse with."""
    match = _PROMPT_END.search(prompt.rstrip())
    return int(match[1]) if match else None


def _items(lines: list[str], first_number: int | None) -> list[list[str]]:
    """Each item's lines: its first line without the number, then its continuation lines."""
    items: list[list[str]] = []
    leading: list[str] = []
    current: list[str] | None = leading  # lines before the first item line collect here
    number: int | None = None
    for line in lines:
        match = _ITEM.match(line)
        if match is not None and _next_in_list(number, int(match["number"])):
            glued = current is leading  # no blank line between the leading text and this line
            if number is None and glued and _continues_prompt(leading, first_number, int(match["number"])):
                items.append(leading)
            number = int(match["number"])
            current = [match["rest"] or ""]
            items.append(current)
        elif not line.strip():
            current = None  # a blank line ends the item (and the leading text)
        elif current is not None:
            current.append(line)
    if number is None and _continues_prompt(leading, first_number, None):
        items.append(leading)  # the answer is one item: the rest of the prompt's last line
    return items


def _next_in_list(previous: int | None, number: int) -> bool:
    return previous is None or 0 < number - previous <= MAX_SKIP


def _continues_prompt(leading: list[str], first_number: int | None, number: int | None) -> bool:
    """The text before the first item line (``number``; ``None``: there is none) is item
    ``first_number`` of a continued list."""
    if first_number is None or not leading or number not in (None, first_number + 1):
        return False
    return not "\n".join(leading).rstrip().endswith(":")


def _instruction(lines: list[str]) -> str:
    """The item's text without an ``Instruction:`` label, up to an Input/Output label line."""
    first, *rest = lines
    kept = [_INSTRUCTION_LABEL.sub("", first, count=1)]
    for line in rest:
        found = read_label(line)
        if found is not None and found[0].kind != "instruction":
            break
        kept.append(line)
    return "\n".join(kept).strip()
