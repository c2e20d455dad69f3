"""The mock teacher's answers to ``synthgen evolve``'s prompts: an evolved task that visibly
follows the operation asked for.

A prompt is an evolve prompt when it has an ``[Original task]`` label line (the bundled
prompts do). The operation is read from the prompt's wording before that label (the
phrases in :data:`OPERATION_MARKERS`; ``add-constraint`` when none is found), the parent
task from the block after it. What each operation does here:

- ``add-constraint``: the parent plus one requirement sentence;
- ``deepen``: an opening that asks for depth, the parent, and a sentence asking for causes,
  trade-offs or exceptions;
- ``concretize``: the parent plus a named person, place, budget or deadline;
- ``more-reasoning``: the parent plus a demand for explicit steps;
- ``complicate-input``: the parent asked to use its input, with a table, notes or a JSON
  record added to the input;
- ``breadth``: a new task, drawn like the tasks of a task list.

About :data:`FLAW_RATE` of the answers fail as evolutions do in practice, one of
:data:`FLAW_KINDS`: the prompt's label copied, the parent returned with only "Please"
added, or a refusal. The answer is a pure function of the prompt and the random generator
:func:`synthgen.mock.replies.mock_answer` seeds from ``(prompt, seed, sample_index)``.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from synthgen.mock import vocab
from synthgen.mock.slots import Slots
from synthgen.recipes.evolve_prompts import format_task, parse_evolved
from synthgen.recipes.prompts import NO_INPUT

ORIGINAL_LABEL = "[Original task]"
COPIED_LABEL = "[Evolved task]"
OPERATION_MARKERS: tuple[tuple[str, str], ...] = (
    ("add-constraint", "one new constraint"),
    ("deepen", "more depth"),
    ("concretize", "more concrete"),
    ("more-reasoning", "more steps of reasoning"),
    ("complicate-input", "more complicated input"),
    ("breadth", "brand-new task"),
)
FLAW_RATE = 0.10
FLAW_KINDS: tuple[str, ...] = ("copied_label", "unchanged", "refusal")

_LABEL_LINE = re.compile(r"\n[ \t]*\[[^\]\n]{3,60}\][ \t]*(?:\n|$)")
Task = tuple[str, str]  # instruction, input
NewTask = Callable[[random.Random], tuple[str, str, str]]  # a fresh (instruction, input, output)


def is_evolve_prompt(prompt: str) -> bool:
    return any(line.strip() == ORIGINAL_LABEL for line in prompt.splitlines())


def evolve_reply(prompt: str, rng: random.Random, new_task: NewTask) -> str:
    """The mock's answer to an evolve prompt (see the module docstring)."""
    head, _, rest = prompt.partition(ORIGINAL_LABEL)
    operation = _operation(head)
    instruction, input = parse_evolved(_LABEL_LINE.split(rest, maxsplit=1)[0])
    if rng.random() < FLAW_RATE:
        return _flawed(rng.choice(FLAW_KINDS), instruction, input, rng)
    slots = Slots(rng)
    if operation == "breadth":
        fresh, shown_input, _ = new_task(rng)
        evolved = (fresh, "" if shown_input == NO_INPUT else shown_input)
    else:
        evolved = _EVOLVERS[operation](instruction, input, slots)
    return format_task(*evolved)


def _operation(head: str) -> str:
    text = " ".join(head.lower().split())
    return next((op for op, marker in OPERATION_MARKERS if marker in text), "add-constraint")


def _pick(pool: tuple[str, ...], slots: Slots) -> str:
    """An entry of ``pool`` drawn with the item's generator, its fields filled from ``slots``."""
    return pool[int(slots.random() * len(pool))].format_map(slots)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _add_constraint(instruction: str, input: str, slots: Slots) -> Task:
    return f"{instruction} {_pick(vocab.EVOLVE_CONSTRAINT, slots)}", input


def _deepen(instruction: str, input: str, slots: Slots) -> Task:
    lead, tail = _pick(vocab.EVOLVE_DEEPEN_LEAD, slots), _pick(vocab.EVOLVE_DEEPEN_TAIL, slots)
    return f"{lead} {_lower_first(instruction)} {tail}", input


def _concretize(instruction: str, input: str, slots: Slots) -> Task:
    return f"{instruction} {_pick(vocab.EVOLVE_CONCRETE, slots)}", input


def _more_reasoning(instruction: str, input: str, slots: Slots) -> Task:
    return f"{instruction} {_pick(vocab.EVOLVE_REASONING, slots)}", input


def _complicate_input(instruction: str, input: str, slots: Slots) -> Task:
    data = _pick(vocab.EVOLVE_DATA, slots)
    richer = f"{input}\n\n{data}" if input else data
    return f"{instruction} {_pick(vocab.EVOLVE_INPUT_LEAD, slots)}", richer


_EVOLVERS: dict[str, Callable[[str, str, Slots], Task]] = {
    "add-constraint": _add_constraint,
    "deepen": _deepen,
    "concretize": _concretize,
    "more-reasoning": _more_reasoning,
    "complicate-input": _complicate_input,
}


def _flawed(kind: str, instruction: str, input: str, rng: random.Random) -> str:
    if kind == "copied_label":
        return f"{COPIED_LABEL}\n{format_task(f'{instruction} Answer in full sentences.', input)}"
    if kind == "unchanged":
        return format_task(f"Please {_lower_first(instruction)}", input)
    return rng.choice(vocab.EVOLVE_FLAW_REFUSAL)
