"""A judge's grade of one answer: the prompt that asks for it, and the parser that reads it.

The judge is asked for a short reason and a whole score from 1 to 10 (``prompts/judge.txt``).
Where the endpoint supports structured output, the request also carries :data:`RESPONSE_FORMAT`
(a JSON schema, reason first so that the model explains before it commits to a number).
Whatever came back, :func:`parse_judgement` reads the grade the judge gives last in the format
its prompt asked for (:mod:`synthgen.recipes.verdict`: structured JSON first, then ``Score: 7``,
``[[7]]``, ``[RESULT] 7``, "7 out of 10"; half points round down).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synthgen.recipes.prompts import read_template
from synthgen.recipes.reasoning import split_reasoning
from synthgen.recipes.verdict import DEFAULT_ASKED, asked_formats, read_verdict
from synthgen.resources import data_dir
from synthgen.teacher.base import Message

# The strictest common subset of JSON Schema that structured-output servers accept (OpenAI's
# strict mode, vLLM's guided decoding): every field required, no extra fields, and no numeric
# bounds (not supported everywhere), so the range is stated in the description and checked here.
RESPONSE_FORMAT: dict[str, Any] = {
    "type": "json_schema",
    "json_schema": {
        "name": "judgement",
        "strict": True,
        "schema": {
            "type": "object",
            "properties": {
                "reason": {"type": "string", "description": "One or two sentences on the grade."},
                "score": {"type": "integer", "description": "A whole number from 1 to 10."},
            },
            "required": ["reason", "score"],
            "additionalProperties": False,
        },
    },
}

PLACEHOLDERS = ("{prompt}", "{answer}")
_PLACEHOLDER = re.compile(r"\{(prompt|answer)\}")


@dataclass(frozen=True)
class Judgement:
    score: int
    reason: str


@dataclass(frozen=True)
class JudgeTemplate:
    path: Path
    text: str

    @functools.cached_property
    def asked(self) -> tuple[str, ...]:
        """The verdict formats this prompt asks the judge for (see :func:`asked_formats`)."""
        return asked_formats(self.text)

    def messages(self, prompt: list[Message], answer: str) -> list[Message]:
        """The judge request for ``answer`` to the conversation ``prompt`` (one user message)."""
        values = {"prompt": prompt_text(prompt), "answer": answer}
        # One pass, so a placeholder inside the data itself is left alone.
        content = _PLACEHOLDER.sub(lambda m: values[m.group(1)], self.text)
        return [{"role": "user", "content": content}]


def default_judge_prompt() -> Path:
    return data_dir("prompts") / "judge.txt"


def load_judge_template(path: Path | None) -> JudgeTemplate:
    """The ``--prompt`` file (or the bundled one); InputError if unreadable or incomplete."""
    path = path or default_judge_prompt()
    text = read_template(path, PLACEHOLDERS, "judge prompt")
    return JudgeTemplate(path, text)


def prompt_text(prompt: list[Message]) -> str:
    """A conversation as the judge reads it: a lone user turn as is, else ``role: content``
    blocks."""
    if len(prompt) == 1 and prompt[0]["role"] == "user":
        return prompt[0]["content"]
    return "\n\n".join(f"{turn['role']}: {turn['content']}" for turn in prompt)


def judged_text(answer: str) -> str:
    """The part of an answer the judge sees: without a leading reasoning trace."""
    return split_reasoning(answer, None)[1]


# --- reading the judge's reply (synthgen/recipes/verdict.py) ------------------------------


def parse_judgement(text: str, asked: tuple[str, ...] = DEFAULT_ASKED) -> Judgement | None:
    """The grade in a judge's reply (the last one in a format of ``asked``, the prompt's; see
    :mod:`synthgen.recipes.verdict`), or ``None`` when it holds no valid grade."""
    found = read_verdict(text, asked)
    return None if found is None else Judgement(*found)
