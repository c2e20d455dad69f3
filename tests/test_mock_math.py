"""The mock teacher as a teacher of arithmetic: right answers, wrong ones at the set rate, and
reasoning traces, in-process (``MockTeacher``)."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest

from synthgen.mock.teacher import MockTeacher, count_tokens, mock_answer, mock_reply
from synthgen.recipes.reasoning import split_reasoning
from synthgen.verify import MathChecker, extract_final_answer

SEEDS = Path(__file__).resolve().parents[1] / "seeds" / "math_word_problems.jsonl"
ROWS = [json.loads(line) for line in SEEDS.read_text(encoding="utf-8").splitlines()]
CHECK = MathChecker(symbolic=False)
TASKS_PROMPT = "Come up with 5 new tasks. Use the numbered format: 1. Instruction: ..."


def _correct(text: str, reference: str) -> bool:
    return CHECK.check(split_reasoning(text, None)[1], reference)


def test_every_seed_problem_is_answered_right_by_default() -> None:
    for row in ROWS:
        assert _correct(mock_reply(row["instruction"], seed=0), row["answer"]), row


def test_final_answer_forms_vary() -> None:
    forms = {"boxed": 0, "hashes": 0, "sentence": 0}
    for row in ROWS:
        text = mock_reply(row["instruction"], seed=1)
        key = "boxed" if "\\boxed{" in text else "hashes" if "\n#### " in text else "sentence"
        forms[key] += 1
        assert extract_final_answer(text) is not None
    assert min(forms.values()) > len(ROWS) / 5, forms


@pytest.mark.parametrize("rate", [0.1, 0.3, 0.7])
def test_wrong_answer_rate_is_close_to_the_setting(rate: float) -> None:
    samples = [(row, i) for row in ROWS for i in range(3)]  # 960 answers
    wrong = sum(
        not _correct(
            mock_answer(row["instruction"], seed=0, sample_index=i, wrong_answer_rate=rate).content,
            row["answer"],
        )
        for row, i in samples
    )
    # binomial: sd = sqrt(0.3 * 0.7 / 960) ~ 0.015; the draws are deterministic anyway
    assert wrong / len(samples) == pytest.approx(rate, abs=0.05)


def test_wrong_answers_are_deterministic_and_nested_across_rates() -> None:
    def wrong_set(rate: float) -> set[tuple[str, int]]:
        return {
            (row["id"], i)
            for row in ROWS[:100]
            for i in range(4)
            if not _correct(mock_reply_with(row["instruction"], i, rate), row["answer"])
        }

    low, high = wrong_set(0.2), wrong_set(0.5)
    assert low and low < high
    assert wrong_set(0.2) == low
    assert wrong_set(0.0) == set()
    assert len(wrong_set(1.0)) == 400


def mock_reply_with(prompt: str, sample_index: int, rate: float) -> str:
    return mock_answer(prompt, seed=3, sample_index=sample_index, wrong_answer_rate=rate).content


def test_a_wrong_answer_is_a_slip_in_the_last_step_only() -> None:
    row = ROWS[0]
    right = mock_answer(row["instruction"], seed=0, wrong_answer_rate=0.0).content
    wrong = mock_answer(row["instruction"], seed=0, wrong_answer_rate=1.0).content
    right_lines, wrong_lines = right.splitlines(), wrong.splitlines()
    assert len(right_lines) == len(wrong_lines)
    differing = [i for i, (a, b) in enumerate(zip(right_lines, wrong_lines, strict=True)) if a != b]
    assert differing == [len(right_lines) - 3, len(right_lines) - 1]  # the last step and the final line


def test_reasoning_field_keeps_the_content_and_adds_a_trace() -> None:
    for row in ROWS[:50]:
        plain = mock_answer(row["instruction"], seed=2, wrong_answer_rate=0.5)
        field = mock_answer(row["instruction"], seed=2, wrong_answer_rate=0.5, reasoning="field")
        inline = mock_answer(row["instruction"], seed=2, wrong_answer_rate=0.5, reasoning="inline")
        assert plain.reasoning is None and field.content == plain.content
        assert field.reasoning and "<think>" not in field.reasoning
        assert inline.reasoning is None
        assert split_reasoning(inline.content, None) == (field.reasoning, field.content)
        # the trace reaches the same final value as the answer, right or wrong
        concluded = re.search(r"So the result is (.+)\.$", field.reasoning, re.M)
        assert concluded is not None
        assert CHECK.check(field.content, concluded[1])


def test_task_lists_are_unchanged_and_get_a_trace_in_reasoning_mode() -> None:
    plain = mock_reply(TASKS_PROMPT, seed=4)
    field = mock_answer(TASKS_PROMPT, seed=4, reasoning="field", wrong_answer_rate=0.9)
    assert field.content == plain
    assert field.reasoning and re.search(r"\b5 (new )?tasks\b", field.reasoning)
    other = mock_answer("How do tides depend on the moon?", seed=0, reasoning="field")
    assert other.content == mock_reply("How do tides depend on the moon?", seed=0)
    assert other.reasoning


def test_mock_teacher_sends_the_trace_in_completion_reasoning() -> None:
    row = ROWS[5]
    messages = [{"role": "user", "content": row["instruction"]}]
    teacher = MockTeacher(seed=1, reasoning="field", wrong_answer_rate=0.0)
    completion = asyncio.run(teacher.complete(messages, sample_index=0))
    assert completion.reasoning and _correct(completion.text, row["answer"])
    assert completion.usage.completion_tokens == count_tokens(completion.text) + count_tokens(
        completion.reasoning
    )
    inline = asyncio.run(MockTeacher(seed=1, reasoning="inline").complete(messages, sample_index=0))
    assert inline.reasoning is None and inline.text.startswith("<think>\n")
    assert asyncio.run(MockTeacher(seed=1).complete(messages, sample_index=0)).reasoning is None


def test_mock_teacher_wrong_answers() -> None:
    teacher = MockTeacher(seed=0, wrong_answer_rate=1.0)
    messages = [{"role": "user", "content": ROWS[0]["instruction"]}]
    completion = asyncio.run(teacher.complete(messages, sample_index=0))
    assert not _correct(completion.text, ROWS[0]["answer"])
    with pytest.raises(ValueError, match="wrong_answer_rate"):
        MockTeacher(wrong_answer_rate=1.5)


def test_max_tokens_cuts_the_trace_first() -> None:
    messages = [{"role": "user", "content": ROWS[3]["instruction"]}]
    full = asyncio.run(MockTeacher(reasoning="field").complete(messages, sample_index=0))
    trace_tokens = count_tokens(full.reasoning or "")
    cut = asyncio.run(
        MockTeacher(reasoning="field", max_tokens=trace_tokens // 2).complete(messages, sample_index=0)
    )
    assert cut.finish_reason == "length" and cut.text == ""
    assert cut.reasoning and full.reasoning and full.reasoning.startswith(cut.reasoning)
    roomy = MockTeacher(reasoning="field", max_tokens=trace_tokens + 2)
    partial = asyncio.run(roomy.complete(messages, sample_index=0))
    assert partial.finish_reason == "length" and partial.reasoning == full.reasoning
    assert full.text.startswith(partial.text) and partial.text != full.text
