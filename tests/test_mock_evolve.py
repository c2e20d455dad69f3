"""The mock teacher's evolved tasks: deterministic, visibly the operation asked for, some flawed."""

from __future__ import annotations

from collections import Counter

import pytest

from synthgen.config import EVOLVE_OPERATIONS
from synthgen.mock.teacher import mock_reply
from synthgen.recipes.evolve_prompts import load_evolve_prompts, parse_evolved

PROMPTS = load_evolve_prompts(None, list(EVOLVE_OPERATIONS))
PARENT = ("Summarize the text for a busy reader.", "Cats sleep a lot. They also purr.")


def _reply(operation: str, seed: int, sample: int = 0) -> str:
    prompt = PROMPTS[operation].messages(*PARENT)[0]["content"]
    return mock_reply(prompt, seed=seed, sample_index=sample)


def _kind(operation: str, text: str) -> str:
    """Which flaw the reply has, or "ok" when it visibly did ``operation``."""
    if text.startswith("[Evolved task]"):
        return "copied_label"
    if not text.startswith("Instruction:"):
        return "refusal"
    instruction, input = parse_evolved(text)
    if instruction == "Please s" + PARENT[0][1:]:
        return "unchanged"
    if operation == "deepen":
        assert "summarize the text for a busy reader." in instruction and len(instruction) > 60
    elif operation == "complicate-input":
        assert instruction.startswith(PARENT[0] + " ")
        assert input.startswith(PARENT[1] + "\n\n") and len(input) > len(PARENT[1]) + 10
    elif operation == "breadth":
        assert PARENT[0] not in instruction
    else:
        assert instruction.startswith(PARENT[0] + " ") and input == PARENT[1]
    return "ok"


@pytest.mark.parametrize("operation", EVOLVE_OPERATIONS)
def test_each_operation_is_visible_and_about_one_in_ten_fails(operation: str) -> None:
    kinds = Counter(_kind(operation, _reply(operation, seed)) for seed in range(300))
    assert set(kinds) <= {"ok", "copied_label", "unchanged", "refusal"}
    assert 0.04 < 1 - kinds["ok"] / 300 < 0.18


def test_replies_are_deterministic_per_seed_and_sample() -> None:
    assert _reply("add-constraint", 3) == _reply("add-constraint", 3)
    assert len({_reply("add-constraint", seed) for seed in range(20)}) > 10
    assert len({_reply("deepen", 3, sample) for sample in range(20)}) > 5
