"""The mock teacher as a judge: a score that follows a visible property of the judged answer.

A prompt is a judge request when it shows the answer between an ``<answer>`` line and an
``</answer>`` line and mentions a score (``prompts/judge.txt`` does). The grade, so that tests
can check that a judge's ranking is what decides:

* an answer containing :data:`NO_SCORE_MARKER` gets a reply with no score at all;
* an answer with a ``[mock: verdict]`` line gets the text after it (:mod:`synthgen.mock.scripted`);
* an empty answer, or one that opens like a refusal, scores 1;
* any other answer scores ``1 + words // 6``, at most 10 (a reasoning trace is not counted).

The reply is JSON (``{"reason", "score"}``) when the request's ``response_format`` asks for
JSON; otherwise it is text in one of a few styles real judges use (``Score: 7``,
``**Rating:** 7/10``, ``7 out of 10``, JSON in a code fence), picked by the reply's seed.
"""

from __future__ import annotations

import json
import random
from typing import Any

from synthgen.mock.scripted import scripted_verdict
from synthgen.recipes.filters import is_refusal
from synthgen.recipes.judgement import judged_text

NO_SCORE_MARKER = "[mock: no score]"
WORDS_PER_POINT = 6
_OPEN, _CLOSE = "<answer>\n", "\n</answer>"


def judged_answer(prompt: str) -> str | None:
    """The answer a judge prompt shows, or ``None`` when ``prompt`` is no judge request."""
    start = prompt.find(_OPEN)
    end = prompt.rfind(_CLOSE)
    if start < 0 or end < start or "score" not in prompt.lower():
        return None
    return prompt[start + len(_OPEN) : end]


def wants_json(response_format: Any) -> bool:
    """Whether a request's ``response_format`` asks for JSON (a schema, or any object)."""
    return isinstance(response_format, dict) and response_format.get("type") in ("json_schema", "json_object")


def mock_score(answer: str) -> int | None:
    """The mock's grade of ``answer`` (see the module docstring); ``None``: it gives none."""
    text = judged_text(answer)
    if NO_SCORE_MARKER in text:
        return None
    if not text.strip() or is_refusal(text):
        return 1
    return min(10, 1 + len(text.split()) // WORDS_PER_POINT)


def judge_reply(answer: str, *, json_mode: bool, rng: random.Random) -> str:
    """The mock judge's whole reply to a request that shows ``answer``."""
    scripted = scripted_verdict(answer)
    if scripted is not None:
        return scripted
    score = mock_score(answer)
    reason = _reason(answer, score)
    if json_mode:
        return json.dumps({"reason": reason, "score": score})
    if score is None:
        return f"{reason} I would rather not put a number on it."
    style = int(rng.random() * 4)
    if style == 0:
        return f"{reason}\nScore: {score}"
    if style == 1:
        return f"{reason}\n\n**Rating:** {score}/10"
    if style == 2:
        return f"I would give this answer {score} out of 10. {reason}"
    return "```json\n" + json.dumps({"score": score, "explanation": reason}) + "\n```"


def _reason(answer: str, score: int | None) -> str:
    text = judged_text(answer)
    words = len(text.split())
    if score is None:
        return "The answer is hard to grade."
    if not text.strip():
        return "The answer is empty."
    if is_refusal(text):
        return "The answer refuses the request."
    if score <= 4:
        return f"At {words} words the answer is too brief to help much."
    if score <= 7:
        return f"At {words} words the answer covers the request but leaves things out."
    return f"At {words} words the answer is thorough and stays on topic."
