"""Reasoning traces: reading them from a field or a think block, and the inline format."""

from __future__ import annotations

import pytest

from synthgen.recipes.reasoning import format_inline, split_reasoning


@pytest.mark.parametrize(
    ("content", "reasoning", "expected"),
    [
        ("The answer is 4.", "2 + 2 is 4.", ("2 + 2 is 4.", "The answer is 4.")),
        ("\n\nThe answer is 4.\n", "  thinking  \n", ("thinking", "The answer is 4.")),
        ("<think>\nadd them\n</think>\n\nThe answer is 4.", None, ("add them", "The answer is 4.")),
        ("  <think>add</think>4", None, ("add", "4")),
        ("add them up\n</think>\n\n4", None, ("add them up", "4")),  # opened by the chat template
        ("<think>\ncut off while thinking", None, ("cut off while thinking", "")),
        ("<think>\n\n</think>\n\nJust 4.", None, (None, "Just 4.")),  # thinking switched off
        ("Plain answer.", None, (None, "Plain answer.")),
        ("Plain answer.", "", (None, "Plain answer.")),
        ("Plain answer.", "   ", (None, "Plain answer.")),
        ("<think>dup</think>\n4", "from the field", ("from the field", "4")),  # the field wins; no tag leaks
        ("Use <think> tags like this.", None, (None, "Use <think> tags like this.")),
    ],
)
def test_split_reasoning(content: str, reasoning: str | None, expected: tuple[str | None, str]) -> None:
    assert split_reasoning(content, reasoning) == expected


def test_format_inline_is_the_r1_training_format() -> None:
    assert format_inline("step 1\nstep 2", "42") == "<think>\nstep 1\nstep 2\n</think>\n\n42"
    assert format_inline(None, "42") == "42"
    assert format_inline("", "42") == "42"


def test_inline_round_trip() -> None:
    trace, answer = "Let me add 2 and 2.", "The answer is 4."
    assert split_reasoning(format_inline(trace, answer), None) == (trace, answer)
