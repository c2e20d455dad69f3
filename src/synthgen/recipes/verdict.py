"""Reading a judge's reply: the grade it gives last, in the format its prompt asked for.

Formats (``asked`` names them; :func:`asked_formats` reads them off a judge prompt):

- ``brackets``: ``[[7]]``, MT-Bench's single-answer grading ("strictly following this format:
  "[[rating]]"", Zheng et al. 2023);
- ``label:score`` / ``label:rating`` / ``label:grade``: ``Score: 7``, ``**Rating:** 7/10``,
  ``Final score: 7`` (``prompts/judge.txt`` asks for ``Score: N``); the colon is required;
- ``result``: ``[RESULT] 7``, Prometheus's feedback format (Kim et al. 2023);
- ``out_of_ten``: "7 out of 10", "7/10" (not "1/10 of the text").

Order (the first step that finds a grade wins):

1. the whole reply is a JSON object with a score (structured output; alone or in a code fence);
2. the last grade in a format the prompt asked for;
3. the last grade in any format above (so a closing "8 out of 10" beats a draft "Rating: 4");
4. a JSON object with a score that ends the reply;
5. "the score is 7" phrasing.

Numbers in the judge's reasoning ("a score of 6 for clarity", "grade 5 students", "3 of 10
steps") and JSON quoted from the answer do not count: they are in no format above, or lose to
the verdict that follows them. A verdict that cannot be read ("Rating: [[?]]", "Score: N/A")
after the last readable one means no grade. A leading reasoning trace (``<think>``) is not
read. A draft grade followed by a refusal to grade ("My first impression was Rating: 4 ... I
would rather not put a number on it") is read as the draft: nothing tells them apart.

Half points: a grade is a whole number from 1 to 10; "7.5" is read as 7 (rounded down), so a
half point never lifts a row over ``--min-score``. A grade out of range is no grade.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from synthgen.recipes.reasoning import split_reasoning

SCORE_MIN, SCORE_MAX = 1, 10
DEFAULT_ASKED = ("label:score",)  # prompts/judge.txt: "a last line of the form Score: N"

_N = r"(\d{1,2}(?:\.\d+)?)"
_LABELS = ("score", "rating", "grade")
_FORMATS: dict[str, re.Pattern[str]] = {
    "brackets": re.compile(r"\[\[\s*" + _N + r"\s*\]\]"),
    "result": re.compile(r"\[RESULT\]\s*" + _N),
    "out_of_ten": re.compile(r"(?<![\d.])" + _N + r"\s*(?:/|out\s+of)\s*10\b(?!\s+of\b)", re.I),
    **{
        f"label:{label}": re.compile(
            rf"\b(?:final\s+|overall\s+)?{label}\b[*_ \t]*[:=][*_ \t]*(?:\[\[\s*)?" + _N
            + r"(?:\s*(?:/|out\s+of)\s*10\b)?",
            re.I,
        )
        for label in _LABELS
    },
}  # fmt: skip
# A verdict that cannot be read: "[[?]]", "Score: N/A", "[RESULT] none".
_ATTEMPT = re.compile(
    r"\[\[[^\]\d\n]{0,12}\]\]|\[RESULT\]\s*(?!\d)\S"
    r"|\b(?:score|rating|grade)\s*[*_]*\s*[:=][*_ \t]*(?![\d\[ \t])[^\s*_]",
    re.I,
)
_SCORE_IS = re.compile(r"\b(?:score|rating|grade)\s+is\s*:?\s*" + _N + r"(?!\s*of\b)", re.I)
_FENCED = re.compile(r"^```(?:json)?\s*(\{.*\})\s*```$", re.S)
_SCORE_KEYS = ("score", "rating", "grade")
_REASON_KEYS = ("reason", "explanation", "rationale", "justification", "feedback")
_DECODER = json.JSONDecoder()
REASON_CHARS = 400  # a reason longer than this is cut (it goes into every meta line)


def asked_formats(template: str) -> tuple[str, ...]:
    """The verdict formats a judge prompt asks for (:data:`DEFAULT_ASKED` if it names none)."""
    asked = []
    if "[[" in template:
        asked.append("brackets")
    if "[RESULT]" in template:
        asked.append("result")
    for label in _LABELS:
        if re.search(rf"\b{label}\s*:", template, re.I):
            asked.append(f"label:{label}")
    return tuple(asked) or DEFAULT_ASKED


def read_verdict(text: str, asked: tuple[str, ...] = DEFAULT_ASKED) -> tuple[int, str] | None:
    """``(score, reason)`` from a judge's reply (see the module docstring), or ``None``."""
    body = split_reasoning(text, None)[1].strip()
    whole = _whole_json(body)
    if whole is not None:
        return whole
    attempt = _last_match_of(_ATTEMPT, body)  # "Rating: [[?]]", "Score: N/A": a verdict, unreadable
    for formats in (asked, tuple(_FORMATS)):
        last = _last_match(body, formats)
        if last is not None:
            score = _score(last.group(1))
            if score is None or (attempt is not None and attempt.start() >= last.end()):
                return None
            return score, _short(_reason_around(body, last))
    if attempt is not None:
        return None
    found = _trailing_json(body)
    if found is not None:
        return found
    match = _last_match_of(_SCORE_IS, body)
    if match is None:
        return None
    score = _score(match.group(1))
    return None if score is None else (score, _short(_reason_around(body, match)))


def _last_match(body: str, formats: tuple[str, ...]) -> re.Match[str] | None:
    """The match that ends last among ``formats`` (unknown names are ignored)."""
    matches = [m for name in formats if name in _FORMATS if (m := _last_match_of(_FORMATS[name], body))]
    return max(matches, key=lambda m: m.end(), default=None)


def _last_match_of(pattern: re.Pattern[str], body: str) -> re.Match[str] | None:
    last = None
    for last in pattern.finditer(body):  # noqa: B007 - only the last match is wanted
        pass
    return last


def _whole_json(body: str) -> tuple[int, str] | None:
    fenced = _FENCED.match(body)
    candidate = fenced.group(1) if fenced else body
    if not candidate.startswith("{"):
        return None
    try:
        value = json.loads(candidate)
    except ValueError:
        return None
    return _from_object(value)


def _trailing_json(body: str) -> tuple[int, str] | None:
    """A JSON object with a score that ends the reply (a code fence aside): one quoted from the
    judged answer in the middle of the reasoning is not the judge's grade."""
    for start in (m.start() for m in re.finditer(r"\{", body)):
        try:
            value, end = _DECODER.raw_decode(body, start)
        except ValueError:
            continue
        if not body[end:].strip(" \t\n`."):
            return _from_object(value)
    return None


def _from_object(value: Any) -> tuple[int, str] | None:
    if not isinstance(value, dict):
        return None
    fields = {str(k).lower(): v for k, v in value.items()}
    raw = next((fields[k] for k in _SCORE_KEYS if k in fields), None)
    score = _score(raw) if raw is not None else None
    if score is None:
        return None
    return score, _short(next((str(fields[k]) for k in _REASON_KEYS if k in fields), ""))


def _score(raw: Any) -> int | None:
    """A whole score in range: an int, or a number or numeric string (x.5 rounds down)."""
    if isinstance(raw, bool):
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(value):
        return None
    score = math.floor(value)
    return score if SCORE_MIN <= score <= SCORE_MAX and value <= SCORE_MAX else None


def _reason_around(body: str, match: re.Match[str]) -> str:
    """The reply without its score: the words leading up to the score on its line go too
    (``I would give it 7 out of 10``), unless they end a sentence of their own."""
    start = body.rfind("\n", 0, match.start()) + 1
    before = body[start : match.start()]
    if not before.rstrip().endswith((".", "!", "?")):
        before = ""
    return body[:start] + before + body[match.end() :]


def _short(reason: str) -> str:
    return " ".join(reason.split()).lstrip(" -:*_,;.#").rstrip(" -:*_,;#")[:REASON_CHARS]
