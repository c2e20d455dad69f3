"""The prompts of ``synthgen evolve``: one template per operation, the task block they show, and
the reader of the teacher's answer in the same form.

A template is ``prompts/evolve/<operation>.txt`` (or the same name in ``--prompt-dir``, which
replaces the bundled file of that operation only). ``{task}`` is replaced by the parent task
in the block format of :func:`format_task`, the format the teacher is asked to answer in. A
template's own labels (a line that is only ``[Evolved task]``, ``Evolved task:`` or ``###
Evolved task``, and WizardLM's ``#Given Prompt#``-style labels anywhere) are the prompt's own
words: an evolved task that repeats one copied the prompt and is rejected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from synthgen.errors import InputError
from synthgen.recipes.prompts import load_template
from synthgen.resources import default_evolve_prompt_dir
from synthgen.teacher.base import Message

TASK_PLACEHOLDER = "{task}"
INSTRUCTION_LABEL = "Instruction:"
INPUT_LABEL = "Input:"
# The prompt's own labels, in the forms templates write them: a line that is only "[Evolved
# task]"; or only a phrase of two words or more marked as a label ("Evolved task:", "**Evolved
# task:**", "### Evolved task"); and WizardLM's "#Given Prompt#" / "#Rewritten Prompt#" wherever
# they stand (its templates use them inside sentences). One-word headings ("### Rules") are not
# taken: a task may well say "rules".
_PHRASE = r"([A-Za-z][A-Za-z0-9'-]*(?:[ \t]+[A-Za-z0-9'-]+){1,6})"
_LABEL_LINE = re.compile(
    r"^[ \t]*(?:\[([^\]\n]{3,60})\]"
    rf"|[*_]*{_PHRASE}[ \t]*:[*_ \t]*|[*_]+{_PHRASE}[*_]+[ \t]*|\#{{1,6}}[ \t]+{_PHRASE}[ \t#]*)$",
    re.MULTILINE,
)
_HASH_LABEL = re.compile(r"(?<![#\w])#([A-Za-z][A-Za-z0-9 '-]{2,40}?)#(?![#\w])")
_ANSWER_LABELS = frozenset({INSTRUCTION_LABEL.rstrip(":").lower(), INPUT_LABEL.rstrip(":").lower()})
_NO_INPUT = frozenset({"", "none", "n/a", "(none)", "<noinput>", "no input", "-"})


@dataclass(frozen=True)
class EvolvePrompt:
    """One operation's template."""

    operation: str
    path: Path
    text: str

    def messages(self, instruction: str, input: str) -> list[Message]:
        return [
            {"role": "user", "content": self.text.replace(TASK_PLACEHOLDER, format_task(instruction, input))}
        ]

    def labels(self) -> list[str]:
        """The template's own labels (see ``_LABEL_LINE``), lower-cased, without their marks;
        not the ``Instruction:``/``Input:`` labels the answer is asked to use."""
        found = [next(g for g in m.groups() if g).strip().lower() for m in _LABEL_LINE.finditer(self.text)]
        found += [m[1].strip().lower() for m in _HASH_LABEL.finditer(self.text)]
        return [label for label in dict.fromkeys(found) if label not in _ANSWER_LABELS]


def format_task(instruction: str, input: str) -> str:
    """``Instruction: ...`` and, when there is an input, ``Input: ...`` on the next line."""
    block = f"{INSTRUCTION_LABEL} {instruction.strip()}"
    return f"{block}\n{INPUT_LABEL} {input.strip()}" if input.strip() else block


def load_evolve_prompts(prompt_dir: Path | None, operations: list[str]) -> dict[str, EvolvePrompt]:
    """The template of each operation: ``prompt_dir/<operation>.txt`` if it exists, else bundled."""
    if prompt_dir is not None and not prompt_dir.is_dir():
        raise InputError(f"--prompt-dir {prompt_dir}: not a directory")
    prompts = {}
    for operation in operations:
        path = default_evolve_prompt_dir() / f"{operation}.txt"
        if prompt_dir is not None and (prompt_dir / f"{operation}.txt").is_file():
            path = prompt_dir / f"{operation}.txt"
        template = load_template(path, required=(TASK_PLACEHOLDER,))
        prompts[operation] = EvolvePrompt(operation, path, template.text)
    return prompts


def _label_pattern(label: str) -> re.Pattern[str]:
    # "Instruction:", "**Instruction:**", "Instruction :" at the start of a line
    word = re.escape(label.rstrip(":"))
    return re.compile(rf"^[ \t]*[*_]*{word}[ \t]*:[*_]*[ \t]*", re.IGNORECASE | re.MULTILINE)


_INSTRUCTION = _label_pattern(INSTRUCTION_LABEL)
_INPUT = _label_pattern(INPUT_LABEL)


def parse_evolved(text: str) -> tuple[str, str]:
    """(instruction, input) from an answer in the :func:`format_task` form; the labels are
    optional, and an input written as "none" is no input."""
    text = text.strip()
    label = _INSTRUCTION.match(text)
    if label:
        text = text[label.end() :]
    split = _INPUT.search(text)
    if split is None:
        return text.strip(), ""
    instruction, input = text[: split.start()].strip(), text[split.end() :].strip()
    return instruction, "" if input.lower() in _NO_INPUT else input
