"""The mock teacher: deterministic, honours the requested count, realistic flaws, variety."""

from __future__ import annotations

import asyncio
import re
from collections import Counter

import pytest
from rapidfuzz.distance import LCSseq

from synthgen.mock import teacher as mock
from synthgen.mock.teacher import (
    MockTeacher,
    count_tokens,
    mock_reply,
    requested_task_count,
    truncate_to_tokens,
)
from synthgen.recipes.parse import parse_numbered_tasks
from synthgen.records import Completion

EXAMPLES = (
    "Give three tips for staying healthy.",
    "Classify the sentiment of the sentence.",
    "Convert 10 miles to kilometres.",
)
PROMPT = (
    "We are collecting a varied set of tasks. Please write 20 new tasks.\n\n"
    "Example tasks:\n\n"
    + "\n\n".join(
        f"{i}. Instruction: {text}\n{i}. Input: <noinput>\n{i}. Output: An answer."
        for i, text in enumerate(EXAMPLES, start=1)
    )
    + "\n\nNow write 20 new tasks in exactly the same format, numbered 1 to 20."
)

# One item starts at a numbered Instruction label in any of the three styles the mock uses.
ITEM = re.compile(r"^(?:(\d+)\. (?:\*\*)?Instruction:(?:\*\*)? |Instruction (\d+): )(.*)$", re.MULTILINE)
OUTPUT = re.compile(r"^(?:\d+\. (?:\*\*)?Output:(?:\*\*)?|Output \d+:)(.*)$", re.MULTILINE)

BLOCKED = re.compile(
    r"\b(?:image|picture|graph|plot|draw|map|file|video|audio|music|diagram|flowchart|go to)(?:e?s)?\b",
    re.IGNORECASE,
)
REFUSAL = re.compile(r"^(?:as an ai|i'm sorry|i am unable)", re.IGNORECASE)
TOKEN = re.compile(r"[a-z0-9]+")


def instructions(text: str) -> list[str]:
    return [m[3] for m in ITEM.finditer(text)]


def numbers(text: str) -> list[int]:
    return [int(m[1] or m[2]) for m in ITEM.finditer(text)]


_CHAR_OF: dict[str, str] = {}


def tokens(text: str) -> str:
    """rouge-score's tokenisation (lower case, runs of [a-z0-9]), one character per token so
    that rapidfuzz compares strings (fast) rather than lists."""
    return "".join(_CHAR_OF.setdefault(t, chr(0x4E00 + len(_CHAR_OF))) for t in TOKEN.findall(text.lower()))


def rouge_l(a: str, b: str) -> float:
    return 2 * LCSseq.similarity(a, b) / (len(a) + len(b)) if a and b else 0.0


# --- determinism ----------------------------------------------------------------------


def test_same_arguments_give_the_same_reply() -> None:
    assert mock_reply(PROMPT, seed=3, sample_index=7) == mock_reply(PROMPT, seed=3, sample_index=7)


@pytest.mark.parametrize("change", [{"sample_index": 8}, {"seed": 4}])
def test_another_sample_index_or_seed_gives_other_tasks(change: dict[str, int]) -> None:
    base = {"seed": 3, "sample_index": 7}
    first = set(instructions(mock_reply(PROMPT, **base)))
    second = set(instructions(mock_reply(PROMPT, **(base | change))))
    assert len(first) == len(second) == 20
    assert len(first & second) <= 1  # a shared copy of an example is possible, nothing more


def test_another_prompt_gives_other_tasks() -> None:
    other = PROMPT.replace("varied set", "diverse set")
    assert set(instructions(mock_reply(PROMPT, seed=0))).isdisjoint(instructions(mock_reply(other, seed=0)))


# --- what is asked for ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        (PROMPT, 20),
        ("Write 5 new tasks.", 5),
        ("Please generate 12 instructions about cooking.", 12),
        ("Give me exactly 7 tasks", 7),
        ("Now write twenty new tasks, numbered 1 to 20.", 20),
        ("Here are 3 example tasks. Write 30 new tasks.", 30),
        ("Write 30 new tasks. Here are 3 example tasks:\n1. Instruction: a", 30),
        ("Continue the list, numbered 1 to 8.", 8),
        ("Produce 15 more diverse instructions", 15),
        ("Write new tasks like these.", 20),  # asks for tasks, no number: the default
        ("1. Instruction: x\n1. Input: y\n1. Output: z\n\n2. Instruction:", 20),
        ("Write 500 new tasks", 100),  # capped
        ("write 0 tasks", 1),
        ("What is the capital of France?", None),
        ("Give three tips for staying healthy.", None),
        ("Keep it under about 150 words unless the task needs more.", None),
        ("Create a taskforce of 5 people", None),
    ],
)
def test_requested_task_count(prompt: str, expected: int | None) -> None:
    assert requested_task_count(prompt) == expected


@pytest.mark.parametrize("count", [1, 3, 20, 37, 100])
def test_the_requested_number_of_items_comes_back_numbered_in_order(count: int) -> None:
    prompt = PROMPT.replace("20", str(count))
    for sample_index in range(5):
        assert numbers(mock_reply(prompt, seed=1, sample_index=sample_index)) == list(range(1, count + 1))


def test_every_item_has_the_three_fields_and_the_project_parser_reads_them_all() -> None:
    styles = Counter()
    for sample_index in range(60):
        text = mock_reply(PROMPT, seed=2, sample_index=sample_index)
        styles[
            "bold" if "**Instruction:**" in text else "after" if "Instruction 1:" in text else "plain"
        ] += 1
        assert len(OUTPUT.findall(text)) == 20
        candidates = parse_numbered_tasks(text).candidates
        assert [c.instruction for c in candidates] == instructions(text)
    assert styles["plain"] > styles["bold"] > 0 and styles["after"] > 0  # mostly the standard format


def test_a_question_gets_a_short_paragraph_about_its_own_words() -> None:
    for sample_index in range(20):
        text = mock_reply("How do tides depend on the moon?", seed=0, sample_index=sample_index)
        assert "\n" not in text and not ITEM.search(text) and not re.search(r"^\s*\d+[.)]", text)
        assert 10 <= len(text.split()) <= 120
        assert re.search(r"\b(tides|moon|depend)\b", text, re.IGNORECASE)


# --- flaws --------------------------------------------------------------------------------


def flaw_of(instruction: str, output: str, earlier: list[str]) -> str | None:
    """Which of the documented flaws an item has, judged independently of the generator
    (``earlier``: the tokens of the reply's previous instructions)."""
    words = tokens(instruction)
    checks = (
        ("too_short", len(instruction.split()) <= 3),
        ("blocklisted", BLOCKED.search(instruction) is not None),
        ("write_a_program", instruction.lower().startswith("write a program")),
        ("bad_start", not instruction[:1].isascii() or not instruction[:1].isalnum()),
        ("empty_output", not output.strip()),
        ("refusal", REFUSAL.match(output.strip()) is not None),
        ("copy_example", instruction in EXAMPLES),
        ("near_duplicate", any(rouge_l(words, e) > 0.7 for e in earlier)),
    )
    return next((name for name, failed in checks if failed), None)


def test_flawed_items_come_at_the_documented_rate_and_in_every_kind() -> None:
    kinds: Counter[str | None] = Counter()
    for sample_index in range(300):  # 6000 items: the bounds below are about 5 standard deviations
        text = mock_reply(PROMPT, seed=5, sample_index=sample_index)
        earlier: list[str] = []
        for instruction, output in zip(instructions(text), OUTPUT.findall(text), strict=True):
            kinds[flaw_of(instruction, output.strip(), earlier)] += 1
            earlier.append(tokens(instruction))
    total = sum(kinds.values())
    flawed = total - kinds[None]
    assert 0.08 <= flawed / total <= 0.12, kinds
    assert set(kinds) - {None} == set(mock.FLAW_KINDS), kinds
    assert abs(flawed / total - mock.FLAW_RATE) < 0.02


# --- variety ------------------------------------------------------------------------------


def test_instructions_rarely_overlap_by_rouge_l() -> None:
    texts = [t for i in range(50) for t in instructions(mock_reply(PROMPT, seed=9, sample_index=i))]
    kept: list[str] = []
    for candidate in map(tokens, texts):  # self-instruct's greedy filter: drop if > 0.7 against any kept
        if not any(rouge_l(candidate, other) > 0.7 for other in kept):
            kept.append(candidate)
    assert len(texts) == 1000
    assert len(kept) / len(texts) >= 0.93  # the flawed copies and near-duplicates go, little else


# --- the Teacher ----------------------------------------------------------------------------


def test_mock_teacher_completes_with_usage_and_a_stable_request_id() -> None:
    teacher = MockTeacher(seed=3, model="mock-x")
    messages = [{"role": "system", "content": "Be helpful."}, {"role": "user", "content": PROMPT}]

    async def run() -> tuple[Completion, Completion]:
        first = await teacher.complete(messages, sample_index=4)
        again = await teacher.complete(messages, sample_index=4)
        await teacher.aclose()
        return first, again

    completion, again = asyncio.run(run())
    prompt = "Be helpful.\n" + PROMPT
    assert completion.text == mock_reply(prompt, seed=3, sample_index=4)
    assert completion.finish_reason == "stop"
    assert completion.model == "mock-x"
    assert completion.usage.prompt_tokens == count_tokens(prompt)
    assert completion.usage.completion_tokens == count_tokens(completion.text)
    assert re.fullmatch(r"mock-[0-9a-f]{12}", completion.request_id)
    assert again == completion


def test_mock_teacher_cuts_at_max_tokens_with_finish_reason_length() -> None:
    messages = [{"role": "user", "content": PROMPT}]
    full = asyncio.run(MockTeacher(seed=1).complete(messages, sample_index=0))
    cut = asyncio.run(MockTeacher(seed=1, max_tokens=100).complete(messages, sample_index=0))
    roomy = asyncio.run(MockTeacher(seed=1, max_tokens=100_000).complete(messages, sample_index=0))
    assert cut.finish_reason == "length"
    assert cut.usage.completion_tokens == 100 and full.text.startswith(cut.text)
    assert len(cut.text) == 400
    assert roomy.finish_reason == "stop" and roomy.text == full.text


@pytest.mark.parametrize(
    ("text", "max_tokens", "expected"),
    [
        ("abcdefgh", 2, ("abcdefgh", False)),  # exactly 2 tokens
        ("abcdefghi", 2, ("abcdefgh", True)),
        ("short", 100, ("short", False)),
        ("abc", 0, ("", True)),
    ],
)
def test_truncate_to_tokens(text: str, max_tokens: int, expected: tuple[str, bool]) -> None:
    assert truncate_to_tokens(text, max_tokens) == expected


@pytest.mark.parametrize(("text", "expected"), [("", 1), ("abcd", 1), ("abcde", 2), ("x" * 400, 100)])
def test_count_tokens_is_about_four_characters_a_token(text: str, expected: int) -> None:
    assert count_tokens(text) == expected


def test_public_names() -> None:
    assert set(mock.__all__) == {
        "FLAW_KINDS",
        "FLAW_RATE",
        "MockAnswer",
        "MockTeacher",
        "ReasoningMode",
        "count_tokens",
        "fit_answer",
        "mock_answer",
        "mock_reply",
        "requested_task_count",
        "truncate_to_tokens",
    }
