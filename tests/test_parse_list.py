"""parse_instruction_list: bare numbered instruction lists (tests/data/instruction_lists/)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from synthgen.recipes.parse import ParseResult
from synthgen.recipes.parse_list import parse_instruction_list, prompt_end_number
from synthgen.records import Candidate

LISTS = Path(__file__).parent / "data" / "instruction_lists"


def load(name: str) -> str:
    return (LISTS / f"{name}.txt").read_text(encoding="utf-8")


def instructions(result: ParseResult) -> list[str]:
    assert all(c.input == "" and c.output == "" for c in result.candidates)
    return [c.instruction for c in result.candidates]


def test_an_answer_that_continues_a_prompt_ending_in_9() -> None:
    result = parse_instruction_list(load("continued_from_9"), first_number=9)
    assert instructions(result) == [
        "Write a limerick about a lighthouse keeper who is afraid of the dark.",
        "Give three arguments for and three against a four-day school week.",
        "Put the steps in the right order:\n1. Pour the tea\n2. Boil the water\n3. Add the tea bag",
        "Explain the offside rule to someone who has never watched football.",
        'Rewrite the following sentence in the passive voice: "The committee approved the budget."',
        "Suggest five names for a bakery that only sells sourdough bread.",  # 14 skipped
        "What is the difference between weather and climate?",
    ]
    assert (result.dropped_truncated, result.unparsed_blocks) == (0, 0)


def test_without_first_number_the_text_before_the_first_item_is_prose() -> None:
    result = parse_instruction_list(load("continued_from_9"))
    assert instructions(result)[0] == "Give three arguments for and three against a four-day school week."
    assert len(result.candidates) == 6


def test_a_chat_answer_with_a_preamble_labels_and_a_sign_off() -> None:
    result = parse_instruction_list(load("chat_list"), first_number=9)
    assert instructions(result) == [
        "Describe the water cycle to a ten-year-old.",
        "Name three rivers in South America and the countries they flow through.",
        "Summarise the plot of a famous novel in two sentences.",
        "Convert 100 degrees Fahrenheit to Celsius and show your working.",
        "Write a haiku about the first snow of winter.",
    ]


def test_truncated_drops_the_last_item() -> None:
    result = parse_instruction_list(load("cut_off"), truncated=True)
    assert instructions(result) == [
        "Plan a three-day itinerary for a first visit to Rome.",
        "Explain why the sky is blue in two sentences.",
    ]
    assert result.dropped_truncated == 1


@pytest.mark.parametrize(
    ("text", "first_number", "expected"),
    [
        (" Write a poem about rain.", 9, ["Write a poem about rain."]),  # the whole answer is item 9
        (
            "9. Write a poem about rain.\n10. Name a colour.",
            9,
            ["Write a poem about rain.", "Name a colour."],
        ),
        ("1. Write a poem.\n2. Name a colour.", 9, ["Write a poem.", "Name a colour."]),  # started over
        ("Here are more tasks:\n10. Name a colour.", 9, ["Name a colour."]),  # ends with ":": prose
        ("Some prose.\n\n10. Name a colour.", 9, ["Name a colour."]),  # a paragraph apart: prose
        (
            "10. Name a colour.\nInput: none\nOutput: red",
            9,
            ["Name a colour."],
        ),  # a task, read as instruction
        ("1. Sum these:\n2020. was a year", None, ["Sum these:\n2020. was a year"]),  # not the next number
    ],
)
def test_small_cases(text: str, first_number: int | None, expected: list[str]) -> None:
    assert instructions(parse_instruction_list(text, first_number=first_number)) == expected


def test_an_empty_item_counts_as_unparsed() -> None:
    result = parse_instruction_list("1. Name a colour.\n2.\n3. Name a fruit.")
    assert instructions(result) == ["Name a colour.", "Name a fruit."]
    assert result.unparsed_blocks == 1


def test_nothing_numbered_gives_nothing() -> None:
    assert parse_instruction_list("I'm not sure what you mean.") == ParseResult()
    assert parse_instruction_list("") == ParseResult()


sentence = st.sampled_from(
    [
        "Write a poem.",
        "Name 3 rivers.",
        "Sort: 1. b 2. a",
        "Answer 1: explain",
        "Instructions: fry",
        "Q: why?",
    ]
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(sentence, min_size=1, max_size=3).map(" ".join), min_size=1, max_size=20),
    st.integers(1, 50),
)
def test_numbered_one_line_instructions_come_back_exactly(items: list[str], start: int) -> None:
    text = "\n".join(f"{number}. {item}" for number, item in enumerate(items, start))
    result = parse_instruction_list(text)
    assert result.candidates == [Candidate(item, "", "") for item in items]
    continued = " " + text.split(". ", 1)[1]  # the prompt ended in "{start}."
    assert parse_instruction_list(continued, first_number=start).candidates == result.candidates


@pytest.mark.parametrize(
    ("prompt", "number"),
    [
        ("Come up with a series of tasks:\n1. Say hi.\n2. Add 2 and 3.\n3.", 3),
        ("Examples:\n1. Say hi.\n9. ", 9),
        ("Now write 20 new instructions, numbered 1 to 20.", None),
        ("1. Say hi.\n2. Add 2 and 3.", None),
        ("Write tasks.\n**4.**", 4),
    ],
)
def test_the_number_a_prompt_ends_at(prompt: str, number: int | None) -> None:
    assert prompt_end_number(prompt) == number
