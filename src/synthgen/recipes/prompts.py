"""Prompt templates: load one, sample example tasks into it."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from synthgen.errors import InputError
from synthgen.records import AlpacaRecord, SeedTask
from synthgen.teacher.base import Message

REQUIRED_PLACEHOLDERS = ("{examples}",)
NO_INPUT = "<noinput>"


@dataclass(frozen=True)
class Example:
    """An example shown to the teacher, and where it came from (for the metadata)."""

    source_id: str
    instruction: str
    input: str
    output: str


@dataclass(frozen=True)
class PromptTemplate:
    path: Path
    text: str

    def render(self, examples: list[Example], num_tasks: int, *, instructions_only: bool = False) -> str:
        if instructions_only:  # a bare numbered list, the shape the answer should take
            blocks = "\n".join(f"{i}. {ex.instruction.strip()}" for i, ex in enumerate(examples, start=1))
        else:
            blocks = "\n\n".join(format_example(i, ex) for i, ex in enumerate(examples, start=1))
        return self.text.replace("{examples}", blocks).replace("{num_tasks}", str(num_tasks))


def load_template(path: Path, required: tuple[str, ...] = REQUIRED_PLACEHOLDERS) -> PromptTemplate:
    """The template at ``path``; InputError when unreadable or lacking a ``required`` placeholder."""
    return PromptTemplate(path=path, text=read_template(path, required, "prompt template"))


def read_template(path: Path, placeholders: tuple[str, ...], what: str) -> str:
    """The text of template file ``path``; InputError when unreadable or a placeholder is missing."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError(f"{path}: {what} not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read {what}: {exc}") from exc
    missing = [p for p in placeholders if p not in text]
    if missing:
        raise InputError(f"{path}: {what} lacks the placeholder {missing[0]}")
    return text


def format_example(number: int, example: Example) -> str:
    shown_input = example.input.strip() or NO_INPUT
    return (
        f"{number}. Instruction: {example.instruction.strip()}\n"
        f"{number}. Input: {shown_input}\n"
        f"{number}. Output: {example.output.strip()}"
    )


def seed_example(seed: SeedTask, rng: random.Random) -> Example:
    instance = rng.choice(seed.instances)
    return Example(seed.id, seed.instruction, instance.input, instance.output)


def sample_examples(
    seeds: list[SeedTask],
    generated: list[AlpacaRecord],
    *,
    k: int,
    mix_generated: int,
    rng: random.Random,
) -> list[Example]:
    """K examples: ``mix_generated`` of them from generated records once there are enough."""
    from_generated = min(mix_generated, k, len(generated))
    picked_gen = [
        Example(f"generated:{i}", generated[i].instruction, generated[i].input, generated[i].output)
        for i in rng.sample(range(len(generated)), from_generated)
    ]
    picked_seeds = [seed_example(s, rng) for s in rng.sample(seeds, min(k - from_generated, len(seeds)))]
    examples = picked_seeds + picked_gen
    rng.shuffle(examples)
    return examples


def build_messages(
    template: PromptTemplate, examples: list[Example], num_tasks: int, *, instructions_only: bool = False
) -> list[Message]:
    return [
        {"role": "user", "content": template.render(examples, num_tasks, instructions_only=instructions_only)}
    ]
