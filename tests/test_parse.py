"""parse_numbered_tasks: realistic completions (tests/data/completions/) -> expected tasks."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from synthgen.recipes.parse import ParseResult, parse_numbered_tasks
from synthgen.recipes.prompts import Example, format_example

COMPLETIONS = Path(__file__).parent / "data" / "completions"


def load(name: str) -> str:
    """A fixture's exact text (bytes decoded as is, so CRLF stays CRLF)."""
    return (COMPLETIONS / f"{name}.txt").read_bytes().decode("utf-8")


def triples(result: ParseResult) -> list[tuple[str, str, str]]:
    return [(c.instruction, c.input, c.output) for c in result.candidates]


FACTORIAL = '''```python
def factorial(n: int) -> int:
    """Return n! for n >= 0."""

    result = 1
    for i in range(2, n + 1):
        result *= i
    return result
```'''

# fixture, truncated, expected (instruction, input, output) triples, dropped_truncated, unparsed_blocks
CASES = [
    (
        "standard",
        False,
        [
            (
                "Give three tips for staying focused while studying.",
                "",
                "Put your phone in another room, work in 25-minute blocks with short breaks, "
                "and keep a written list of what you want to finish.",
            ),
            (
                "Classify the sentiment of the following review as positive, negative or neutral.",
                "The battery lasts all day, but the screen scratches far too easily.",
                "Neutral",
            ),
            (
                "Rewrite the sentence in the passive voice.",
                "The committee approved the new budget on Monday.",
                "The new budget was approved by the committee on Monday.",
            ),
            (
                "Estimate how many minutes it takes to walk 3 kilometres at an average pace.",
                "",
                "At about 5 km/h, walking 3 km takes roughly 36 minutes.",
            ),
        ],
        0,
        0,
    ),
    (
        "bold_labels",
        False,
        [
            ("Suggest a name for a bakery that specialises in sourdough bread.", "", "Rise & Crumb"),
            ("Translate the phrase into French.", "Where is the train station?", "Où est la gare ?"),
            (
                "List the planets of the solar system in order from the sun.",
                "",
                "Mercury, Venus, Earth, Mars, Jupiter, Saturn, Uranus, Neptune.",
            ),
        ],
        0,
        0,
    ),
    (
        "instruction_n",  # "Instruction 1:", Response/ANSWER labels, upper case, "None"/"(none)"
        False,
        [
            (
                "Explain why the sky looks blue during the day.",
                "",
                "Sunlight is scattered by the molecules of the air, and blue light, with its shorter "
                "wavelength, is scattered much more than red light, so blue reaches our eyes from every "
                "direction.",
            ),
            ("Find the largest number in the list.", "4, 18, 7, 11", "18"),
            (
                "Write a haiku about autumn leaves falling.",
                "",
                "Crimson leaves let go\ndrifting on the cooling wind\nthe branches exhale",
            ),
        ],
        0,
        0,
    ),
    (
        "hash_separators",  # unnumbered labels, ### and --- separators, an empty "Input:"
        False,
        [
            (
                "Summarize the paragraph in one sentence.",
                "Remote work has grown quickly since 2020. Many companies now let staff choose where they "
                "work, which has changed how cities plan offices and public transport.",
                "Since 2020 remote work has spread widely, reshaping how cities plan offices and transport.",
            ),
            ('Give an antonym for the word "generous".', "", "Stingy"),
            ("Name two renewable sources of energy that are widely used.", "", "Solar power and wind power."),
        ],
        0,
        0,
    ),
    (
        "skipped_numbering",  # 1, 2, 5, then 1 again
        False,
        [
            (
                "Convert 68 degrees Fahrenheit to Celsius and show the formula.",
                "",
                "(68 - 32) \N{MULTIPLICATION SIGN} 5/9 = 20 °C.",
            ),
            (
                "Correct the grammar in the following sentence.",
                "She don't like going to the gym on weekends.",
                "She doesn't like going to the gym on weekends.",
            ),
            (
                "Suggest a healthy breakfast that takes under five minutes to make.",
                "",
                "Greek yogurt with berries and a handful of oats.",
            ),
            (
                "Tell whether the number is prime or composite.",
                "91",
                "Composite, because 91 = 7 \N{MULTIPLICATION SIGN} 13.",
            ),
        ],
        0,
        0,
    ),
    (
        "prose_after",  # sign-off after a blank line is cut (rule 1)
        False,
        [
            ("Name the capital city of Australia in one word.", "", "Canberra"),
            ('Give a synonym for the word "rapid".', "", "Quick"),
            (
                "Explain what a leap year is in one sentence.",
                "",
                "A leap year has 366 days, with February 29 added to keep the calendar in step with the "
                "Earth's orbit.",
            ),
        ],
        0,
        0,
    ),
    (
        "prose_structural",  # unknown prose, but every other output is one paragraph (rule 2)
        False,
        [
            ("Name a mammal that can fly without help.", "", "The bat."),
            ("State the boiling point of water at sea level.", "", "100 °C (212 °F)."),
            ('Give a word that rhymes with "light".', "", "Night."),
        ],
        0,
        0,
    ),
    (
        "multi_paragraph_last",  # near miss: a second paragraph that is real content is kept
        False,
        [
            (
                "Write a two-sentence horror story set in a library.",
                "",
                "The librarian told me the basement was closed for good.\n\n"
                "So why do I keep hearing pages turning down there?",
            ),
            (
                "Write a short poem about the sea with two stanzas.",
                "",
                "The tide comes in, the tide goes out,\nit keeps its secrets, holds its doubt.\n\n"
                "The gulls above, the stones below,\nthe sea remembers all we know.",
            ),
        ],
        0,
        0,
    ),
    (
        "truncated",
        True,
        [
            (
                "Identify the odd one out in the list and explain why.",
                "apple, banana, carrot, cherry",
                "Carrot, because it is a vegetable and the others are fruits.",
            )
        ],
        1,
        0,
    ),
    ("garbage", False, [], 0, 0),
    ("empty", False, [], 0, 0),
    ("empty", True, [], 0, 0),
    (
        "code_outputs",  # fenced code keeps blank lines and ---/### lines; "Input:"/"Answer:" after output
        False,
        [
            (
                "Write a Python function that returns the factorial of a non-negative integer.",
                "",
                FACTORIAL,
            ),
            (
                "Explain what the following code prints.",
                "for i in range(3):\n    print(i * 2)",
                "It prints 0, 2 and 4, each on its own line.\nInput: nothing else is read\nAnswer: 0 2 4",
            ),
            (
                "Write a YAML file with two documents, each naming one service.",
                "",
                "```yaml\n---\nservice: web\n###\n---\nservice: db\n```",
            ),
        ],
        0,
        0,
    ),
    (
        "no_separators",  # items back to back, one with "- " bullets
        False,
        [
            ("Name the largest ocean on Earth.", "", "The Pacific Ocean."),
            ('Give the plural of the word "mouse".', "", "Mice."),
            ('Give the past tense of the verb "run".', "", "Ran."),
        ],
        0,
        0,
    ),
    (
        "line_numbered",  # "Task 1:" headers, then lines numbered 1/2/3 within each task
        False,
        [
            (
                "Suggest a weekend activity for a family with small children.",
                "",
                "Visit a local farm where the children can feed the animals.",
            ),
            ("Put the words in alphabetical order.", "pear, apple, fig", "apple, fig, pear"),
        ],
        0,
        0,
    ),
    (
        "missing_parts",  # no output / no instruction / empty instruction -> unparsed
        False,
        [
            (
                "Suggest a title for a blog post about saving money.",
                "",
                "Ten Small Habits That Add Up to Big Savings",
            )
        ],
        0,
        3,
    ),
    (
        "unclosed_fence",  # a numbered Instruction label ends a fence the model left open
        False,
        [
            (
                "Write a SQL query that selects all users older than 30.",
                "",
                "```sql\nSELECT * FROM users WHERE age > 30;",
            ),
            ("Give the chemical symbol for gold.", "", "Au"),
        ],
        0,
        0,
    ),
    (
        "labels_in_fields",  # Instructions:/Answer 1:/Answer:/INSTRUCTIONS:/Item 3 lines are field text
        False,
        [
            (
                "Give a simple recipe for scrambled eggs.",
                "",
                "Ingredients: 3 eggs, a knob of butter, salt.\nInstructions: Whisk the eggs with the salt. "
                "Melt the butter over low heat, add the eggs and stir gently until just set.",
            ),
            (
                "Answer the quiz question and say which option is right.",
                "Which planet is closest to the sun?\nAnswer 1: Venus\nAnswer 2: Mercury\nAnswer 3: Mars",
                "Answer 2: Mercury is the closest planet to the sun.",
            ),
            (
                "Read the exchange and answer the last question.\nQ: When did the war end?\nA: In 1945.\n"
                "Q: Who won?\nAnswer:",
                "",
                "The Allies won the Second World War.",
            ),
            (
                "Turn the notes into a recipe card with a title and numbered steps.",
                "Recipe\nINSTRUCTIONS:\nMash the tuna with mayonnaise, spread it on a tortilla and roll it up.",
                "## Tuna Wrap\nStep 1. Mash the tuna with the mayonnaise.\nStep 2. Spread it on the tortilla.\n"
                "Step 3. Roll it up.",
            ),
            (
                "Write a Python loop that prints the first three square numbers.",
                "",
                "```python\n1. for n in range(1, 4):\n2.     print(n * n)\n```\nItem 3",
            ),
        ],
        0,
        0,
    ),
    (
        "heading_labels",  # Alpaca's "### Instruction:" layout; other label styles inside
        False,
        [
            (
                "Explain how to make a cup of tea, as a short list of steps.",
                "",
                "## Steps\n1. Boil fresh water.\n2. Pour it over the tea bag.\nInput: a tea bag and a mug\n"
                "Output: one cup of tea",
            ),
            (
                "Classify the review as positive or negative.",
                "**Input:** the food was cold and the waiter was rude.",
                "Negative",
            ),
        ],
        0,
        0,
    ),
    (
        "numbered_loose",  # the number on the instruction only, then indented Input:/Output:
        False,
        [
            (
                "Decide whether the answer to the question is correct.",
                "Q: What is 7 x 8?\nAnswer 1: 54",
                "No. 7 x 8 = 56, so the answer 54 is wrong.",
            ),
            (
                "List two uses of vinegar in the kitchen.",
                "",
                "Cleaning glass and pickling vegetables.\nResponse 1: not needed",
            ),
        ],
        0,
        0,
    ),
    (
        "hash_blocks_noise",  # ### blocks; an unnumbered INSTRUCTIONS: line with no output after it is text
        False,
        [
            (
                "Write the packing list for a weekend camping trip as a checklist.",
                "",
                "Item 1\n- tent\n- sleeping bag\nINSTRUCTIONS:\nTick each item when it is in the car.",
            ),
            ("Suggest a title for the list.", "1. milk 2. bread", "Item 3"),
        ],
        0,
        0,
    ),
    (
        "suffix_bold",  # **Instruction 1:**, with unnumbered Answer:/Output: lines in outputs
        False,
        [
            (
                "Translate the sentence into Spanish.",
                "Good morning, how are you?",
                "Buenos días, ¿cómo estás?\nAnswer: Buenos días",
            ),
            (
                "Solve the equation and show the steps.",
                "2x + 3 = 11",
                "Step 1. Subtract 3: 2x = 8.\nStep 2. Divide by 2: x = 4.\nOutput: x = 4",
            ),
        ],
        0,
        0,
    ),
    (
        "windows_crlf",
        False,
        [
            ('Give the opposite of the word "ancient".', "", "Modern"),
            (
                "Write a two-line greeting for a birthday card.",
                "",
                "Happy birthday, Sam!\nWishing you a year full of laughter.",
            ),
        ],
        0,
        0,
    ),
]


@pytest.mark.parametrize(
    ("fixture", "truncated", "expected", "dropped", "unparsed"),
    CASES,
    ids=[f"{c[0]}{'-truncated' if c[1] else ''}" for c in CASES],
)
def test_fixture(
    fixture: str, truncated: bool, expected: list[tuple[str, str, str]], dropped: int, unparsed: int
) -> None:
    result = parse_numbered_tasks(load(fixture), truncated=truncated)
    assert triples(result) == expected
    assert result.dropped_truncated == dropped
    assert result.unparsed_blocks == unparsed


# The five reproductions of issue 12: a line of field text that looks like a label.
ONE = "1. Instruction: Pick one.\n"
NOINPUT = "1. Input: <noinput>\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # A: an "Instructions:" line in the output
            ONE + NOINPUT + "1. Output: Ingredients: eggs.\nInstructions: Fry them.",
            [("Pick one.", "", "Ingredients: eggs.\nInstructions: Fry them.")],
        ),
        (  # B: "Answer 1:" lines in the input
            ONE + "1. Input: Q?\nAnswer 1: Yes.\nAnswer 2: No.\n1. Output: Answer 1.",
            [("Pick one.", "Q?\nAnswer 1: Yes.\nAnswer 2: No.", "Answer 1.")],
        ),
        (  # C: an "Answer:" line in the instruction
            "1. Instruction: Answer this.\nQ: year?\nAnswer:\n" + NOINPUT + "1. Output: 2011",
            [("Answer this.\nQ: year?\nAnswer:", "", "2011")],
        ),
        (  # D: a bare "Item 3" output line before a ### separator
            "###\n" + ONE + NOINPUT + "1. Output:\nItem 3\n###\n",
            [("Pick one.", "", "Item 3")],
        ),
        (  # E: an "INSTRUCTIONS:" line in the input
            ONE + "1. Input: Recipe\nINSTRUCTIONS:\nMash tuna.\n1. Output: Tuna Wrap",
            [("Pick one.", "Recipe\nINSTRUCTIONS:\nMash tuna.", "Tuna Wrap")],
        ),
    ],
    ids=list("ABCDE"),
)
def test_label_like_field_text_of_issue_12(text: str, expected: list[tuple[str, str, str]]) -> None:
    result = parse_numbered_tasks(text)
    assert triples(result) == expected
    assert result.unparsed_blocks == 0


def test_a_header_at_the_end_of_the_text_is_text() -> None:
    assert triples(parse_numbered_tasks(ONE + NOINPUT + "1. Output:\nItem 3")) == [
        ("Pick one.", "", "Item 3")
    ]


def test_an_unnumbered_instructions_line_in_an_unnumbered_answer_is_text_without_an_output_after_it() -> None:
    text = "Instruction: Make eggs.\nInput:\nOutput: Boil them.\nInstructions: Peel.\n\nInstruction: Make tea.\nOutput: Steep."
    assert triples(parse_numbered_tasks(text)) == [
        ("Make eggs.", "", "Boil them.\nInstructions: Peel."),
        ("Make tea.", "", "Steep."),
    ]


def test_a_truncated_unnumbered_answer_drops_its_cut_last_item() -> None:
    text = "Instruction: Make eggs.\nInput:\nOutput: Boil them.\n\nInstruction: Make tea.\nInput: <noinput>\nOutp"
    result = parse_numbered_tasks(text, truncated=True)
    assert triples(result) == [("Make eggs.", "", "Boil them.")]
    assert result.dropped_truncated == 1


def test_a_header_between_fields_of_one_item_is_text() -> None:
    text = "1. Instruction: Pick one.\n**Example 1**\n1. Input: x\n1. Output: y"
    assert triples(parse_numbered_tasks(text)) == [("Pick one.\n**Example 1**", "x", "y")]


def test_every_fixture_is_in_the_table() -> None:
    assert {p.stem for p in COMPLETIONS.glob("*.txt")} == {c[0] for c in CASES}


def test_crlf_fixture_really_has_crlf() -> None:
    assert "\r\n" in load("windows_crlf")


def test_truncated_drops_the_last_item_even_when_it_looks_complete() -> None:
    result = parse_numbered_tasks(load("standard"), truncated=True)
    assert [c.instruction for c in result.candidates] == [
        "Give three tips for staying focused while studying.",
        "Classify the sentiment of the following review as positive, negative or neutral.",
        "Rewrite the sentence in the passive voice.",
    ]
    assert result.dropped_truncated == 1


def test_truncated_incomplete_last_item_counts_as_truncated_not_unparsed() -> None:
    text = "1. Instruction: Name a prime number below ten.\n1. Input: <noinput>\n1. Output: 7\n\n2. Instruct"
    result = parse_numbered_tasks(text + "ion: Give", truncated=True)
    assert triples(result) == [("Name a prime number below ten.", "", "7")]
    assert (result.dropped_truncated, result.unparsed_blocks) == (1, 0)


@pytest.mark.parametrize(
    "shown",
    ["<noinput>", "<No input>", "<no input>", "", "N/A", "n/a", "NA", "None", "none.", "(none)", "-",
     "No input", "No input required.", "[noinput]", "Not applicable"],
)  # fmt: skip
def test_no_input_spellings_become_empty(shown: str) -> None:
    text = f"1. Instruction: Name a colour of the rainbow.\n1. Input: {shown}\n1. Output: Green"
    assert triples(parse_numbered_tasks(text)) == [("Name a colour of the rainbow.", "", "Green")]


@pytest.mark.parametrize("real_input", ["None of the above", "No", "NASA", "- milk\n- eggs", "<p>none</p>"])
def test_inputs_that_only_resemble_no_input_are_kept(real_input: str) -> None:
    text = f"Instruction: Do something with the input text.\nInput: {real_input}\nOutput: Done"
    assert parse_numbered_tasks(text).candidates[0].input == real_input


NILE = "Instruction: Name the longest river in Africa.\nInput:\nOutput: The Nile.\n"
VOLGA = "Instruction: Name the longest river in Europe.\nInput:\nOutput: The Volga."


@pytest.mark.parametrize("separator", ["---", "***", "___", "===", "###", "  ---  "])
def test_separator_ends_the_item_and_prose_after_it_is_ignored(separator: str) -> None:
    text = f"{NILE}{separator}\nSome prose that belongs to no item.\n\n{VOLGA}"
    assert [c.output for c in parse_numbered_tasks(text).candidates] == ["The Nile.", "The Volga."]


@pytest.mark.parametrize("header", ["### Task 2", "## Task 2: Geography", "**Task 2**", "**Example 2:**"])
def test_header_followed_by_a_label_ends_the_item(header: str) -> None:
    text = f"{NILE}\n{header}\n\n{VOLGA}"
    assert [c.output for c in parse_numbered_tasks(text).candidates] == ["The Nile.", "The Volga."]


@pytest.mark.parametrize(
    ("text", "outputs"),
    [
        # issue 22: a bare "Item N" / "Task N" / "Example N" line in a field is the field's text
        ("1. Instruction: Name a list item.\n1. Output:\nItem 3\n\n2. Instruction: Say hi.\n2. Output: Hi",
         ["Item 3", "Hi"]),
        (f"{NILE}Task 2:\n\n{VOLGA}", ["The Nile.\nTask 2:", "The Volga."]),
        (f"{NILE}Example 7\n\n{VOLGA}", ["The Nile.\nExample 7", "The Volga."]),
        # ... unless the answer heads its items with bare headers of that shape
        (f"Task 1:\n{NILE}\nTask 2:\n\n{VOLGA}", ["The Nile.", "The Volga."]),
        (f"Item 1\n{NILE}\nItem 2\n{VOLGA}", ["The Nile.", "The Volga."]),
    ],
)  # fmt: skip
def test_bare_item_task_example_lines_are_field_text(text: str, outputs: list[str]) -> None:
    assert [c.output for c in parse_numbered_tasks(text).candidates] == outputs


def test_header_followed_by_text_is_text_of_the_output() -> None:
    text = (
        "1. Instruction: Give two example sentences that use the word 'brisk'.\n1. Input: <noinput>\n"
        "1. Output: **Example 1:**\nWe went for a brisk walk.\n\n**Example 2:**\nBusiness was brisk.\n\n"
        "2. Instruction: Name the longest river in Europe.\n2. Input:\n2. Output: The Volga."
    )
    assert [c.output for c in parse_numbered_tasks(text).candidates] == [
        "**Example 1:**\nWe went for a brisk walk.\n\n**Example 2:**\nBusiness was brisk.",
        "The Volga.",
    ]


def test_markup_at_the_start_of_a_value_is_kept() -> None:
    text = "**Instruction:** List two fruits as bullets.\n**Input:** <noinput>\n**Output:** * apples\n* pears"
    assert triples(parse_numbered_tasks(text)) == [("List two fruits as bullets.", "", "* apples\n* pears")]


def test_header_before_an_input_label_starts_an_item_without_instruction() -> None:
    text = f"{NILE}### Task 2\nInput: 12, 15, 9\nOutput: 36"
    result = parse_numbered_tasks(text)
    assert [c.output for c in result.candidates] == ["The Nile."]
    assert result.unparsed_blocks == 1


def test_task_lines_inside_an_output_are_text() -> None:
    text = (
        "1. Instruction: Turn the notes into a numbered to-do list.\n1. Input: milk, call mum\n"
        "1. Output: Task 1: buy milk\nTask 2: call mum\n1. Remember to ask about Sunday."
    )
    [candidate] = parse_numbered_tasks(text).candidates
    assert candidate.output == "Task 1: buy milk\nTask 2: call mum\n1. Remember to ask about Sunday."


def test_second_output_label_with_another_number_starts_an_unparsed_item() -> None:
    text = "1. Instruction: Name a noble gas used in signs.\n1. Output: Neon\n2. Output: Argon"
    result = parse_numbered_tasks(text)
    assert triples(result) == [("Name a noble gas used in signs.", "", "Neon")]
    assert result.unparsed_blocks == 1


def test_sign_off_glued_to_the_output_without_blank_line_is_kept() -> None:
    text = "1. Instruction: Name a month with 28 days.\n1. Input:\n1. Output: February\nI hope this helps!"
    assert parse_numbered_tasks(text).candidates[0].output == "February\nI hope this helps!"


def test_empty_output_is_a_candidate_for_the_filters() -> None:
    text = "1. Instruction: Name a month with 28 days.\n1. Input: <noinput>\n1. Output:\n"
    assert triples(parse_numbered_tasks(text)) == [("Name a month with 28 days.", "", "")]


def test_round_trip_of_our_own_prompt_format() -> None:
    examples = [
        Example("s1", "List two uses of baking soda.", "", "Cleaning and baking."),
        Example("s2", "Fix the spelling.", "Teh cat sat.", "The cat sat."),
        Example("s3", "Write a limerick about a cat.", "", "There once was a cat\nwho sat on a mat."),
    ]
    text = "\n\n".join(format_example(i, ex) for i, ex in enumerate(examples, start=1))
    assert triples(parse_numbered_tasks(text)) == [(e.instruction, e.input, e.output) for e in examples]


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("1. Instruction:Input:Output:*#-`\n\r\t <>abc")), max_size=400),
    st.booleans(),
)
def test_never_raises_on_arbitrary_text(text: str, truncated: bool) -> None:
    result = parse_numbered_tasks(text, truncated=truncated)
    assert result.dropped_truncated in (0, 1)
    assert all(c.instruction and c.instruction == c.instruction.strip() for c in result.candidates)


def _twenty_items() -> str:
    return "\n\n".join(
        f"{i}. Instruction: Explain idea number {i} to a ten-year-old in two or three sentences.\n"
        f"{i}. Input: <noinput>\n"
        f"{i}. Output: Here is a plain explanation of idea {i}, written with short words.\n"
        "It goes on for a second line, as real outputs often do."
        for i in range(1, 21)
    )


def test_twenty_items_parse() -> None:
    # How fast: benchmarks/parse_roundtrip.py --timing (timings are not asserted in tests).
    assert len(parse_numbered_tasks(_twenty_items()).candidates) == 20


@pytest.mark.parametrize(
    "garbage",
    [
        "".join(random.Random(7).choice("ab 1.:*#-_`\n\tInstruction") for _ in range(100_000)),
        " " * 100_000 + "x",
        "1. Instruction" + " \t" * 50_000 + "x",
        "*" * 100_000,
        "### Task 1" + " " * 100_000 + "x",
        "1. Instruction: a\n1. Input: none" + " " * 100_000 + "x\n1. Output: b",
    ],
    ids=["random", "spaces", "label-then-spaces", "stars", "header-then-spaces", "long-input"],
)
@pytest.mark.timeout(30)
def test_100kb_of_garbage_is_parsed_without_catastrophic_backtracking(garbage: str) -> None:
    # Quadratic backtracking on 100 KB takes minutes (the timeout fails the test); linear
    # parsing takes milliseconds. No wall-clock assert: a busy machine must not flake it.
    parse_numbered_tasks(garbage)
