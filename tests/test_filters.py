"""Filters: a table of candidate -> expected reason, near misses included (they must pass)."""

from __future__ import annotations

import pytest

from synthgen.config import DEFAULT_BLOCKLIST, FilterOptions
from synthgen.recipes.filters import (
    REASONS,
    blocklist_filter,
    default_filters,
    first_rejection,
    is_refusal,
)
from synthgen.records import Candidate

GOOD_INSTRUCTION = "Summarize the following paragraph in one sentence."
GOOD_OUTPUT = "Remote work has reshaped how cities plan offices and transport."


def reason_for(
    instruction: str = GOOD_INSTRUCTION, output: str = GOOD_OUTPUT, **options: object
) -> str | None:
    candidate = Candidate(instruction=instruction, input="", output=output)
    return first_rejection(candidate, default_filters(FilterOptions(**options)))


# instruction, output, expected reason (None = kept)
TABLE = [
    # --- kept
    (GOOD_INSTRUCTION, GOOD_OUTPUT, None),
    ("Name four school subjects.", "Maths, reading, science, art.", None),  # exactly 4 words
    ("  Give a synonym for happy.  ", "Joyful", None),  # surrounding spaces do not count
    ("2 + 2 equals what number?", "4", None),  # a digit is not punctuation
    # --- too_short / too_long (self-instruct: 3 < words <= 150)
    ("Define entropy please.", "A measure of disorder.", "too_short"),  # 3 words
    ("Summarize.", "...", "too_short"),
    ("", "Something", "too_short"),
    (" ".join(["word"] * 150), "ok", None),  # exactly 150 words
    (" ".join(["word"] * 151), "ok", "too_long"),
    # --- blocklisted (whole words, plurals, phrases, any case)
    ("Describe the image in one sentence.", "A cat.", "blocklisted"),
    ("Compare these two IMAGES carefully please.", "They differ.", "blocklisted"),
    ("Explain the graphs shown in the report.", "Growth.", "blocklisted"),
    ("Go to the website and summarize it.", "No.", "blocklisted"),
    ("Please go  to\tthe nearest shop and report.", "No.", "blocklisted"),  # any whitespace
    ("Draw a map of your neighbourhood today.", "...", "blocklisted"),
    ("Summarize the attached file, focusing on costs.", "...", "blocklisted"),
    ("Describe the picture: a red barn.", "...", "blocklisted"),
    # near misses: the word inside another word, or a different word form
    ("Explain the imagery in this poem briefly.", "Vivid.", None),
    ("Describe the photographic technique called chiaroscuro.", "Light and shadow.", None),
    ("What are the main benefits of a mapping library?", "...", None),
    ("Explain what a profiler does for programmers.", "...", None),
    ("Where should I go tomorrow in Rome?", "The Colosseum.", None),  # "go" without "to"
    ("Tell me about the Gotoh alignment algorithm.", "...", None),
    ("Name three famous French filmmakers working today.", "...", None),  # "file" inside "filmmakers"
    # --- write_a_program (self-instruct/Alpaca: starts with "Write a program")
    ("Write a program that sorts a list of numbers.", "...", "write_a_program"),
    ("write a PROGRAM to reverse a string in C.", "...", "write_a_program"),
    ("  Write  a program computing primes below 100.", "...", "write_a_program"),
    # near misses
    ("Write a programming joke about recursion.", "...", None),
    ("Write a function that reverses a string.", "...", None),
    ("Explain how to write a program that sorts numbers.", "...", None),
    # --- bad_start (ASCII punctuation or non-ASCII first character)
    ('"Describe your ideal weekend in detail."', "...", "bad_start"),
    ("- Give three tips for better sleep.", "...", "bad_start"),
    ("(Optional) give three tips for better sleep.", "...", "bad_start"),
    ("¿Cómo se dice hello en español?", "Hola.", "bad_start"),
    ("Écris une phrase sur la mer.", "La mer est calme.", "bad_start"),
    ("\u201cDescribe your ideal weekend in detail.\u201d", "...", "bad_start"),  # curly quote
    # --- empty_output
    (GOOD_INSTRUCTION, "", "empty_output"),
    (GOOD_INSTRUCTION, "  \n\t ", "empty_output"),
    # --- refusal (an output whose substance is a decline)
    (GOOD_INSTRUCTION, "As an AI language model, I cannot browse the internet.", "refusal"),
    ("What is your favourite food and why?", "As an AI, I do not eat.", "refusal"),
    ("Describe the view from your window today.", "I'm sorry, but I cannot see anything.", "refusal"),
    (
        "Describe the view from your window today.",
        "I\u2019m sorry, but I can\u2019t see anything.",
        "refusal",
    ),
    ("Summarize the article at the given link.", "I am unable to access external links.", "refusal"),
    ("Summarize the article at the given link.", "Unfortunately, I cannot browse the web.", "refusal"),
    (
        "Tell me what you think of modern architecture.",
        "I don't have personal opinions, but it is...",
        "refusal",
    ),
    (
        "Suggest a good name for my new puppy.",
        "Sure! (Note: as an AI language model I...)",
        None,
    ),  # no decline
    ("I'm sorry, but I cannot generate more tasks.", GOOD_OUTPUT, "refusal"),  # in the instruction
    ("Answer the question.", "As an AI, I can't.", "refusal"),  # refusal wins over too_short
    # near misses: human sentences that start the same way
    ("Write an excited text message to a friend.", "I cannot wait to see you on Saturday!", None),
    ("Write an excited text message to a friend.", "I can't believe it's finally Friday!", None),
    ("Write a polite message declining an invitation.", "I'm sorry, but I can't make it on Friday.", None),
    ("Write a polite message declining an invitation.", "I am unable to attend, sadly.", None),
    ("Describe your job as an AI researcher.", "As an AI researcher, I study language models.", None),
    ("Explain what an AI language model is.", "An AI language model predicts the next word.", None),
]


@pytest.mark.parametrize(("instruction", "output", "expected"), TABLE)
def test_table(instruction: str, output: str, expected: str | None) -> None:
    assert reason_for(instruction, output) == expected


def test_every_reason_appears_in_the_table() -> None:
    assert {row[2] for row in TABLE} - {None} == set(REASONS)


def test_first_rejection_reports_the_earliest_reason() -> None:
    # too short, blocklisted and a bad start at once: counted once, under the first in REASONS
    assert reason_for("*Draw a map.") == "too_short"
    assert reason_for("*Draw a detailed map here.") == "bad_start"
    assert reason_for("Write a program that draws images.") == "write_a_program"


def test_each_filter_returns_its_own_reason_in_reasons_order() -> None:
    filters = default_filters(FilterOptions())
    triggers = [
        Candidate(instruction="Give a reason here.", output="As an AI, no."),
        Candidate(instruction="Give a reason here.", output=""),
        Candidate(instruction="Give a reason.", output="x"),
        Candidate(instruction=" ".join(["word"] * 151), output="x"),
        Candidate(instruction="*Give a reason here.", output="x"),
        Candidate(instruction="Write a program that adds numbers.", output="x"),
        Candidate(instruction="Describe this image in words.", output="x"),
    ]
    assert [check(c) for check, c in zip(filters, triggers, strict=True)] == list(REASONS)


def test_word_limits_come_from_the_options() -> None:
    three_words = "Define entropy please."
    assert reason_for(three_words) == "too_short"
    assert reason_for(three_words, min_instruction_words=3) is None
    assert reason_for(GOOD_INSTRUCTION, max_instruction_words=5) == "too_long"


def test_custom_blocklist_replaces_the_default() -> None:
    assert reason_for("Describe the image in one sentence.", blocklist=["recipe"]) is None
    assert reason_for("Suggest three easy recipes for dinner.", blocklist=["recipe"]) == "blocklisted"
    assert reason_for("Please book a flight to Paris.", blocklist=["book a flight"]) == "blocklisted"


def test_empty_blocklist_blocks_nothing() -> None:
    assert blocklist_filter([]) is None
    assert blocklist_filter(["", "  "]) is None
    assert reason_for("Describe the image in one sentence.", blocklist=[]) is None
    assert len(default_filters(FilterOptions(blocklist=[]))) == len(REASONS) - 1


def test_blocklist_entries_with_symbols_and_regex_characters() -> None:
    check = blocklist_filter(["c++", "a.b"])
    assert check is not None
    assert check(Candidate(instruction="Explain templates in C++ briefly.")) == "blocklisted"
    assert check(Candidate(instruction="Explain templates in c briefly.")) is None
    assert check(Candidate(instruction="Explain what axb means here.")) is None  # "." is literal


@pytest.mark.parametrize("word", DEFAULT_BLOCKLIST)
def test_every_default_word_and_its_plural_is_blocked(word: str) -> None:
    for form in (word, word.upper(), f"{word}s"):
        assert reason_for(f"Please consider the {form} now and answer.") == "blocklisted", form


# Ordinary outputs that start like a refusal: the verb or its object is not about the task.
NOT_REFUSALS = [
    "I can't help but smile at you.",
    "I cannot see why anyone would disagree.",
    "I won't write to him again.",
    "I can't help it, I love chocolate.",
    "I cannot stress this enough: back up your files.",
    "I cannot believe how fast the year went by!",
    "I cannot wait to see you on Saturday!",
    "I can't see anything in this fog.",
    "I can't answer the phone right now; please leave a message.",
    "I can't answer your call right now.",
    "I will not provide my password to anyone.",
    "I don't have access to my email right now.",
    "I won't be able to make it to the meeting tomorrow, sorry.",
    "I am unable to attend, sadly.",
    "I'm sorry, but the shop closes at six.",
    "I'm sorry, but I can't make it on Friday.",
    "I'm sorry, but I won't do that again.",
    "Sorry, but I can't write back until Monday.",
    "Sorry, I can't talk right now. I'll call you back later.",
    "Unfortunately, I can't come to your party on Saturday.",
    "I'm sorry for your loss. Please let me know if there is anything I can do.",
    "Being an AI enthusiast, I read a lot.",
    "As an AI researcher, I study neural networks.",
    "The lab has an AI language model of its own.",
    "I can\u2019t help but laugh at that joke.",
    "Here is my answer. As an AI language model, I think both options are fine.",  # no decline
    # a disclaimer, then a real answer (issue 22: 70 of 101 flags on chat answers were these)
    "As an AI language model, I don't have feelings. However, I can explain how tides work. The moon's "
    "gravity pulls the oceans into two bulges, and the Earth rotates through them twice a day.",
    "As an AI, I don't have personal opinions, but here is an overview.\n\n1. Index funds are cheap.\n"
    "2. They follow the market.\n3. They suit long-term savers who do not want to pick stocks.",
    "I can't give you exact figures, but here is what matters: interest is added to the principal, so "
    "each period earns interest on the interest already earned.",
    "I'm sorry to hear that you're stressed. Keep a fixed schedule, take short walks, and write down "
    "what worries you before bed.",
]
REFUSALS = [
    "I'm sorry, but I can't help with that.",
    "I'm sorry, but I cannot fulfill this request.",
    "I apologize, but I cannot fulfill this request.",
    "I\u2019m sorry, but I can\u2019t comply with that request.",
    "Sorry, I can't assist with that request.",
    "Sorry, but I won't write that.",
    "My apologies, but I cannot complete this task.",
    "I'm afraid I can't do that.",
    "I'm sorry, but I cannot see anything.",
    "I'm sorry, but I cannot generate more tasks.",
    "  **I'm sorry, but as an AI I can't help.**",
    "Unfortunately, I am unable to access real-time data.",
    "As an AI language model, I cannot browse the internet.",
    "As an AI, I do not eat.",
    "As a language model, I have no feelings.",
    "As a text-based AI, I cannot view images.",
    "I apologize, but as an AI, I don't have personal opinions.",
    "I'm just an AI and can't browse the web.",
    "I can't help with that.",
    "I'm unable to help with your request.",
    "I cannot provide medical advice. Please consult a healthcare professional.",
    "I must decline to write that story.",
    "I cannot and will not provide instructions for that.",
    "I'm not able to generate images.",
    "I am unable to access external links.",
    "I don't have personal opinions, but it is...",
    "I apologize, but I do not actually have a visual perception of houses or locations.",
    "I apologize, but I am not able to browse the internet or access real-time data.",
    "I do not actually have a physical body, so I cannot taste food.",
    "As an AI language model, I cannot give legal advice. Laws differ between places and situations. "
    "For advice on your case, you should consult a licensed attorney.",
    "I'm sorry, but I can't help with that. Is there anything else I can help you with?",
]


@pytest.mark.parametrize("text", NOT_REFUSALS)
def test_not_a_refusal(text: str) -> None:
    assert not is_refusal(text)


@pytest.mark.parametrize("text", REFUSALS)
def test_refusal(text: str) -> None:
    assert is_refusal(text)


def test_the_substance_after_the_decline_decides() -> None:
    answer = "First, preheat the oven. Then mix the flour, water and starter, and bake for forty minutes."
    for opening in ("I can't help with that part of the plan.", "I'm sorry, but I can't help with that."):
        assert is_refusal(opening)
        assert not is_refusal(f"{opening} Here is the rest. {answer}")
        assert is_refusal(f"{opening} Please consult a professional. Is there anything else I can do?")


def test_mock_refusals_are_all_caught() -> None:
    from synthgen.mock import vocab

    texts = [line.format(topic="the weather") for line in vocab.FLAW_REFUSAL]
    assert texts and all(is_refusal(text) for text in texts)
