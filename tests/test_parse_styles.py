"""parse_lines / parse_styles: label styles, the structural lines of an answer, the answer's style."""

from __future__ import annotations

import pytest

from synthgen.recipes.parse_lines import Label, Style, plain_line_breaks, read_label, scan
from synthgen.recipes.parse_styles import survey

PLAIN_PRE, PLAIN_NONE = Style("plain", "pre"), Style("plain", "none")


@pytest.mark.parametrize(
    ("line", "kind", "style", "number", "rest"),
    [
        ("4. Instruction: Sort it.", "instruction", ("plain", "pre"), 4, "Sort it."),
        ("4) INSTRUCTION: Sort it.", "instruction", ("plain", "pre"), 4, "Sort it."),
        ("Instruction 4: Sort it.", "instruction", ("plain", "post"), 4, "Sort it."),
        ("Instructions: Fry them.", "instruction", ("plain", "none"), None, "Fry them."),
        ("- Input: x", "input", ("plain", "none"), None, "x"),
        ("**Input:** x", "input", ("emph", "none"), None, "x"),
        ("**Output**: x", "output", ("emph", "none"), None, "x"),
        ("4. **Response:** x", "output", ("emph", "pre"), 4, "x"),
        ("**Answer 2:** x", "output", ("emph", "post"), 2, "x"),
        ("### Response:", "output", ("heading", "none"), None, ""),
        ("Output: **Example 1:**", "output", ("plain", "none"), None, "**Example 1:**"),
    ],
)
def test_read_label(line: str, kind: str, style: tuple[str, str], number: int | None, rest: str) -> None:
    assert read_label(line) == (Label(kind, Style(*style), number), rest)


@pytest.mark.parametrize(
    "line", ["Outputs vary: see below.", "Q: why?", "Input validation matters", "Task 1:"]
)
def test_not_a_label(line: str) -> None:
    assert read_label(line) is None


def test_scan_skips_fenced_lines_and_keeps_a_header_only_right_before_a_label() -> None:
    text = (
        "Intro\n### Task 1\n\n1. Instruction: a\n```\n2. Input: no\n---\n```\nItem 3\ntext\n1. Output: b\n---"
    )
    lines = scan(text)
    assert [(line.label.kind if line.label else "separator") for line in lines] == [
        "instruction",
        "output",
        "separator",
    ]
    assert lines[0].header == ("#", "task") and text[lines[0].header_at :].startswith("### Task 1")
    assert lines[1].header is None  # "Item 3" is followed by text, not by the label
    assert text[lines[0].value_at :].startswith("a\n")


def test_plain_line_breaks() -> None:
    assert plain_line_breaks("a\r\nb\rc\u2028d") == "a\nb\nc\nd"
    text = "a\nb"
    assert plain_line_breaks(text) is text


def labels(*lines: str) -> list[tuple[int, Label | None]]:
    return [(i, found[0] if (found := read_label(line)) else None) for i, line in enumerate(lines)]


def test_the_style_with_most_items_is_the_main_one() -> None:
    style = survey(
        labels(
            "Instruction: a preamble example",
            "Output: b",
            "1. Instruction: c",
            "1. Output: d",
            "2. Instruction: e",
            "2. Output: f",
        )
    )
    assert style.main == PLAIN_PRE
    assert style.is_active(PLAIN_NONE)  # one item of its own: it may start items at a boundary


def test_a_style_without_items_is_inactive() -> None:
    style = survey(labels("1. Instruction: a", "INSTRUCTIONS:", "1. Output: b", "Answer 1: c"))
    assert style.main == PLAIN_PRE
    assert not style.is_active(PLAIN_NONE) and not style.is_active(Style("plain", "post"))


def test_unnumbered_fields_after_numbered_instructions_are_voted_across_items() -> None:
    style = survey(
        labels(
            "1. Instruction: a",
            "**Answer:** noise",
            "   Input: x",
            "   Output: y",
            "2. Instruction: b",
            "   Output: z",
        )
    )
    assert style.field_style[PLAIN_PRE] == PLAIN_NONE
