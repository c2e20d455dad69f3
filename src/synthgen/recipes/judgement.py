"""A judge's grade of one answer: the prompt that asks for it, and the parser that reads it.

The judge is asked for a short reason and a whole score from :data:`SCORE_MIN` to
:data:`SCORE_MAX` (``prompts/judge.txt``). Where the endpoint supports structured output, the
request also carries :data:`RESPONSE_FORMAT` (a JSON schema, reason first so that the model
explains before it commits to a number). Whatever came back, :func:`parse_judgement` reads it:
a JSON object (alone, in a code fence or inside prose), or a labelled score in text
(``Score: 7``, ``**Rating:** 7/10``, ``[[7]]``), or a bare ``7/10`` / ``7 out of 10``.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synthgen.recipes.prompts import read_template
from synthgen.recipes.reasoning import split_reasoning
from synthgen.resources import data_dir
from synthgen.teacher.base import Message

SCORE_MIN, SCORE_MAX = 1, 10
REASON_CHARS = 400  # a reason longer than this is cut (it goes into every meta line)

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


# --- reading the judge's reply ------------------------------------------------------------

_NUMBER = r"(\d{1,2}(?:\.\d+)?)"
_LABELLED = re.compile(
    r"\b(?:final\s+)?(?:score|rating|grade)\b(?:\s+(?:is|of))?[*_\s]*[:=]?[*_\s]*"
    + _NUMBER
    + r"(?:\s*(?:/|out\s+of)\s*10\b)?",
    re.IGNORECASE,
)
_BRACKETED = re.compile(r"\[\[\s*" + _NUMBER + r"\s*\]\]")
_OUT_OF_TEN = re.compile(_NUMBER + r"\s*(?:/|out\s+of)\s*10\b", re.IGNORECASE)
_SCORE_KEYS = ("score", "rating", "grade")
_REASON_KEYS = ("reason", "explanation", "rationale", "justification", "feedback")
_DECODER = json.JSONDecoder()


def parse_judgement(text: str) -> Judgement | None:
    """The score (and reason) in a judge's reply, or ``None`` when it holds no valid score."""
    body = judged_text(text)
    found = _from_json(body)
    if found is not None:
        return found
    for pattern in (_LABELLED, _BRACKETED, _OUT_OF_TEN):
        matches = list(pattern.finditer(body))
        if matches:  # the last one: a verdict line closes the reply
            last = matches[-1]
            score = _score(last.group(1))
            if score is None:
                return None
            return Judgement(score, _short(_reason_around(body, last)))
    return None


def _from_json(body: str) -> Judgement | None:
    """The last JSON object in ``body`` that has a score field."""
    found = None
    for start in (m.start() for m in re.finditer(r"\{", body)):
        try:
            value, _ = _DECODER.raw_decode(body, start)
        except ValueError:
            continue
        if not isinstance(value, dict):
            continue
        fields = {str(k).lower(): v for k, v in value.items()}
        raw = next((fields[k] for k in _SCORE_KEYS if k in fields), None)
        if raw is None:
            continue
        score = _score(raw)
        reason = next((str(fields[k]) for k in _REASON_KEYS if k in fields), "")
        found = None if score is None else Judgement(score, _short(reason))
    return found


def _score(raw: Any) -> int | None:
    """A whole score in range: an int, or a number or numeric string (x.5 rounds up)."""
    if isinstance(raw, bool):
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(value):
        return None
    score = math.floor(value + 0.5)
    return score if SCORE_MIN <= score <= SCORE_MAX else None


def _reason_around(body: str, match: re.Match[str]) -> str:
    """The reply without its score: the words leading up to the score on its line go too
    (``I would give it 7 out of 10``), unless they end a sentence of their own."""
    start = body.rfind("\n", 0, match.start()) + 1
    before = body[start : match.start()]
    if not before.rstrip().endswith((".", "!", "?")):
        before = ""
    return body[:start] + before + body[match.end() :]


def _short(reason: str) -> str:
    return " ".join(reason.split()).lstrip(" -:*_,;.").rstrip(" -:*_,;")[:REASON_CHARS]
