"""Prompt templates: rendering, sampling, and a user's own template."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from conftest import read_jsonl, run_cli
from synthgen.errors import InputError
from synthgen.recipes.prompts import build_messages, load_template, sample_examples
from synthgen.records import AlpacaRecord, SeedTask
from synthgen.resources import default_prompt_path


def _seed(i: int, inp: str = "") -> SeedTask:
    return SeedTask.model_validate(
        {
            "id": f"s{i}",
            "instruction": f"Task number {i} here",
            "instances": [{"input": inp, "output": f"o{i}"}],
        }
    )


def test_bundled_template_renders_examples_and_count() -> None:
    template = load_template(default_prompt_path())
    seeds = [_seed(1), _seed(2, "some input")]
    examples = sample_examples(seeds, [], k=2, mix_generated=0, rng=random.Random(0))
    text = build_messages(template, examples, 17)[0]["content"]
    assert "17 new tasks" in text and "{" not in text
    assert "Input: <noinput>" in text and "Input: some input" in text
    assert "1. Instruction: Task number" in text and "2. Output: o" in text


def test_sampling_is_deterministic_and_mixes_generated_when_asked() -> None:
    seeds = [_seed(i) for i in range(10)]
    generated = [AlpacaRecord(instruction=f"Generated {i}", input="", output="x") for i in range(5)]
    a = sample_examples(seeds, generated, k=3, mix_generated=1, rng=random.Random(4))
    b = sample_examples(seeds, generated, k=3, mix_generated=1, rng=random.Random(4))
    assert a == b and len(a) == 3
    assert sum(e.source_id.startswith("generated:") for e in a) == 1
    none_yet = sample_examples(seeds, [], k=3, mix_generated=2, rng=random.Random(4))
    assert len(none_yet) == 3 and all(e.source_id.startswith("s") for e in none_yet)


def test_template_without_examples_placeholder_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.txt"
    path.write_text("Write {num_tasks} tasks.")
    with pytest.raises(InputError, match="placeholder"):
        load_template(path)


def test_user_template_is_used_end_to_end(tmp_path: Path) -> None:
    prompt = tmp_path / "mine.txt"
    prompt.write_text("Examples:\n{examples}\n\nGive me {num_tasks} new tasks, numbered.\n")
    out = tmp_path / "out.jsonl"
    result = run_cli("generate", "--teacher", "mock", "--prompt", prompt, "-o", out, "-n", "10", "-q")
    assert result.exit_code == 0, result.output
    assert len(read_jsonl(out)) == 10
    missing = run_cli("generate", "--teacher", "mock", "--prompt", tmp_path / "nope.txt", "-o", out)
    assert missing.exit_code == 2 and "nope.txt: prompt template not found" in missing.stderr
