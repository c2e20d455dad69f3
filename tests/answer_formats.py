"""Teacher answers in the label formats models write, with label-like lines inside fields.

Shared by the parser's property tests (``test_parse_properties.py``) and
``benchmarks/parse_roundtrip.py``. Nothing here uses the parser: which lines of the noise
vocabulary are labels, and in which style, is written down by hand, so the tests check the
parser against an independent account.

A label *style* tag is ``markup-numbering``: markup ``plain`` (bullets too), ``emph``
(bold) or ``heading`` (``### Instruction:``); numbering ``pre`` (``4. Input:``), ``post``
(``Input 4:``) or ``none``. A format *owns* the styles its own labels use: a line in an
owned style inside a field cannot be told from a label, so :func:`well_formed` leaves such
lines out (with the other ambiguities the parser documents).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

Item = tuple[str, str, str]  # instruction, input ("" when none), output


class Fragment:
    """One or more lines of field text, and what a parser might take them for."""

    def __init__(self, text: str, style: str = "", kind: str = "", header: tuple[str, str] | None = None):
        self.text = text
        self.style = style  # label style tag when the line looks like a label
        self.kind = kind  # "instruction" | "input" | "output" for label-like lines
        self.header = header  # (markup, word) when the line looks like a task header

    def __repr__(self) -> str:
        return repr(self.text)


PLAIN = [
    Fragment(text)
    for text in (
        "Fry the eggs in butter.",
        "It was 2011.",
        "The answer is 42.",
        "Sort the list below in ascending order",
        "x = [3, 1, 2]",
        "Task 1: buy milk",  # a to-do line, not a header (text after the number)
        "Step 1. Preheat the oven.",
        "1. Preheat the oven.",
        "2) Whisk the eggs.",
        "Q: What year was it?",
        "A: 2011",
        "## Ingredients",
        "# Summary",
        "### Step 2",
        "Note: keep it short.",
        "I hope this helps!",
        "**Tip:** use fresh eggs.",
        "- Input validation matters",  # no colon after the word: not a label
        "Outputs vary: see below.",
        "Answers: 3",
        "```python\n1. x = 1\n2. print(x)\n```",
        "```\nInput: 5\nOutput: 25\n### Response:\n---\n```",
        "~~~\n## not a header\nItem 3\n~~~",
    )
]
LABEL_LIKE = [
    Fragment("Instructions: Fry them.", "plain-none", "instruction"),
    Fragment("INSTRUCTIONS:", "plain-none", "instruction"),
    Fragment("Instruction 2: Sort the list.", "plain-post", "instruction"),
    Fragment("Input: [1, 2, 3]", "plain-none", "input"),
    Fragment("Answer:", "plain-none", "output"),
    Fragment("Output: 42", "plain-none", "output"),
    Fragment("Response: Sure.", "plain-none", "output"),
    Fragment("- Output: a bullet", "plain-none", "output"),
    Fragment("Answer 1: Yes.", "plain-post", "output"),
    Fragment("Answer 2: No.", "plain-post", "output"),
    Fragment("Input 2: [4, 5]", "plain-post", "input"),
    Fragment("**Input:** see above", "emph-none", "input"),
    Fragment("**Answer:** 12", "emph-none", "output"),
    Fragment("### Response:", "heading-none", "output"),
    Fragment("1. Input: first", "plain-pre", "input"),
    Fragment("3) Output: third", "plain-pre", "output"),
]
HEADER_LIKE = [
    Fragment("Item 3", header=("", "item")),
    Fragment("**Example 2:**", header=("*", "example")),
    Fragment("### Task 3", header=("#", "task")),
]
BLANK = Fragment("")  # a paragraph break inside a field
FRAGMENTS = [*PLAIN, *LABEL_LIKE, *HEADER_LIKE, BLANK]


@dataclass(frozen=True)
class AnswerFormat:
    name: str
    item: Callable[[int, str, str, str], str]  # number, instruction, shown input, output -> block
    owns: frozenset[str]  # label styles of its own labels
    header: tuple[str, str] | None = None  # shape of the task header before each item
    joiner: str = "\n\n"
    before: str = ""
    after: str = ""

    def render(self, items: Sequence[Item], *, preamble: str = "") -> str:
        blocks = [self.item(i, ins, inp or "<noinput>", out) for i, (ins, inp, out) in enumerate(items, 1)]
        return preamble + self.before + self.joiner.join(blocks) + self.after


def _numbered(i: int, ins: str, inp: str, out: str) -> str:
    return f"{i}. Instruction: {ins}\n{i}. Input: {inp}\n{i}. Output: {out}"


FORMATS = [
    AnswerFormat("numbered", _numbered, frozenset({"plain-pre"})),
    AnswerFormat(
        "numbered_paren_caps",
        lambda i, ins, inp, out: f"{i}) INSTRUCTION: {ins}\n{i}) INPUT: {inp}\n{i}) OUTPUT: {out}",
        frozenset({"plain-pre"}),
    ),
    AnswerFormat(
        "numbered_bold",
        lambda i, ins, inp, out: (
            f"{i}. **Instruction:** {ins}\n{i}. **Input:** {inp}\n{i}. **Output:** {out}"
        ),
        frozenset({"emph-pre"}),
    ),
    AnswerFormat(
        "numbered_loose",  # the number on the instruction only, indented fields
        lambda i, ins, inp, out: f"{i}. Instruction: {ins}\n   Input: {inp}\n   Output: {out}",
        frozenset({"plain-pre", "plain-none"}),
    ),
    AnswerFormat(
        "suffix",
        lambda i, ins, inp, out: f"Instruction {i}: {ins}\nInput {i}: {inp}\nResponse {i}: {out}",
        frozenset({"plain-post"}),
    ),
    AnswerFormat(
        "suffix_bold",
        lambda i, ins, inp, out: f"**Instruction {i}:** {ins}\n**Input {i}:** {inp}\n**Output {i}:** {out}",
        frozenset({"emph-post"}),
    ),
    AnswerFormat(
        "bold",
        lambda i, ins, inp, out: f"**Instruction:** {ins}\n**Input:** {inp}\n**Output:** {out}",
        frozenset({"emph-none"}),
    ),
    AnswerFormat(
        "bold_task_headers",
        lambda i, ins, inp, out: f"### Task {i}\n**Instruction**: {ins}\n**Input**: {inp}\n**Output**: {out}",
        frozenset({"emph-none"}),
        header=("#", "task"),
    ),
    AnswerFormat(
        "hash_blocks",
        lambda i, ins, inp, out: f"Instruction: {ins}\nInput: {inp}\nOutput: {out}",
        frozenset({"plain-none"}),
        joiner="\n###\n",
        before="###\n",
        after="\n###\n",
    ),
    AnswerFormat(
        "heading_labels",  # Alpaca's own prompt layout, one item after the other
        lambda i, ins, inp, out: f"### Instruction:\n{ins}\n\n### Input:\n{inp}\n\n### Response:\n{out}",
        frozenset({"heading-none"}),
    ),
    AnswerFormat(
        "line_numbered",  # numbers count lines within each task
        lambda i, ins, inp, out: f"Task {i}:\n1. Instruction: {ins}\n2. Input: {inp}\n3. Output: {out}",
        frozenset({"plain-pre"}),
        header=("", "task"),
    ),
    AnswerFormat(
        "plain",
        lambda i, ins, inp, out: f"Instruction: {ins}\nInput: {inp}\nOutput: {out}",
        frozenset({"plain-none"}),
    ),
]
FORMATS_BY_NAME = {f.name: f for f in FORMATS}

# what the parser reads as "no input" (see parse._NO_INPUT); a generated input never is one
_MEANS_NO_INPUT = re.compile(
    r"[<(\[]?\s*(no\s*input|n/?a|none|nil|null|empty|-+)\s*[>)\]]?\.?", re.IGNORECASE
)


def well_formed(fmt: AnswerFormat, fields: Sequence[Sequence[Sequence[Fragment]]]) -> list[Item]:
    """Items built from fragment lists (instruction, input, output per item), without the
    lines the parser documents as ambiguous in ``fmt``:

    - label-like lines in a style ``fmt`` owns, and task headers shaped like ``fmt``'s own;
    - a task header as the last line of an output (the next item's header, or text?);
    - paragraph breaks in the last output (more output, or a sign-off after the list?);
    - Instruction-like lines of another style that could form more items than the answer
      has (then they, not the real labels, would be the answer's style).
    """
    kept = [[[f for f in field if f.style not in fmt.owns and (f.header is None or f.header != fmt.header)]
             for field in item] for item in fields]  # fmt: skip
    while True:  # dropping lines may drop items, which may make other lines too many
        kept = [item for item in kept if _join(item[0])]  # an item needs an instruction
        foreign = _foreign_instructions(kept)
        if all(count <= len(kept) for count in foreign.values()):
            break
        kept = [
            [[f for f in field if not _too_many(f, foreign, len(kept))] for field in item] for item in kept
        ]
    items = []
    for number, (instruction, shown_input, output) in enumerate(kept, 1):
        if number == len(kept):
            output = [f for f in output if f is not BLANK]
        while output and (output[-1].header is not None or output[-1] is BLANK):
            output.pop()
        shown = _join(shown_input)
        items.append((_join(instruction), "" if _MEANS_NO_INPUT.fullmatch(shown) else shown, _join(output)))
    return items


def _foreign_instructions(fields: list[list[list[Fragment]]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in fields:
        for field in item:
            for fragment in field:
                if fragment.kind == "instruction":
                    counts[fragment.style] = counts.get(fragment.style, 0) + 1
    return counts


def _too_many(fragment: Fragment, foreign: dict[str, int], items: int) -> bool:
    return fragment.kind == "instruction" and foreign[fragment.style] > items


def _join(fragments: Sequence[Fragment]) -> str:
    return "\n".join(f.text for f in fragments).strip()
