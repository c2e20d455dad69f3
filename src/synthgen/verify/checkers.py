"""Checkers for rejection sampling: does an answer agree with the row's reference?

Every checker has one shape (:class:`Checker`): ``check(answer_text, reference) -> bool`` on the
answer's text (the reply without its reasoning trace), ``extract(answer_text)`` for the span it
judged (for the meta file), and ``validate_reference(reference)``, which the caller runs on every
row *before* any request and which raises :class:`BadReference` with a one-line reason (the
caller adds ``file:line:field``).

- ``math``: see :mod:`synthgen.verify.math_checker` (numbers by value; other math through
  ``math-verify`` when it is installed).
- ``exact``: the final answer equals the reference after normalisation (case, spacing,
  punctuation, articles).
- ``choice``: see :mod:`synthgen.verify.choice` (the answer commits to exactly the reference's
  option, among those the prompt lists or the reference's letter set).
- ``regex``: a regular expression (the row's reference, or one pattern for the whole run) is
  searched in the final answer.

``exact`` and ``regex`` look at the *final answer*: the span after an explicit marker
(``\\boxed{}``, ``####``, "The answer is", "Answer:"), or the whole answer when it has no marker.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Protocol

from synthgen.verify.choice import ChoiceChecker
from synthgen.verify.extract import extract_marked_answer
from synthgen.verify.math_checker import BadReference, MathChecker, shorten


class Checker(Protocol):
    """``prompt`` is the text the answer answers (``choice`` reads the options it lists)."""

    name: str
    needs_reference: bool  # False: the checker ignores the row's reference

    def validate_reference(self, reference: str, prompt: str = "") -> None: ...

    def extract(self, answer_text: str, prompt: str = "") -> str | None: ...

    def check(self, answer_text: str, reference: str, prompt: str = "") -> bool: ...


def as_reference(value: object) -> str:
    """A reference read from JSON as text: strings as they are, numbers in decimal."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise BadReference(f"reference must be a string or a number, got {type(value).__name__}")


def _final_or_whole(answer_text: str) -> str:
    marked = extract_marked_answer(answer_text)
    return marked if marked is not None else answer_text.strip()


# SQuAD-style normalisation (lower case, no punctuation, no articles, single spaces), except
# that punctuation between digits stays, so 3.5 and 35 differ.
_PUNCT_NOT_IN_NUMBER = re.compile(r"(?<!\d)[^\w\s]+|[^\w\s]+(?!\d)")
_ARTICLES = re.compile(r"\b(?:a|an|the)\b")
_LATEX_TEXT = re.compile(r"\\(?:text|textbf|mathrm|mbox)\s*\{([^{}]*)\}")


def normalize_text(text: str) -> str:
    """The form ``exact`` compares: NFKC, case-folded, LaTeX ``\\text{}`` unwrapped, punctuation
    (outside numbers) and articles removed, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", _LATEX_TEXT.sub(r"\1", text)).casefold()
    text = _PUNCT_NOT_IN_NUMBER.sub(" ", text)
    return " ".join(_ARTICLES.sub(" ", text).split())


class ExactChecker:
    """The final answer equals the reference, both normalised by :func:`normalize_text`."""

    name = "exact"
    needs_reference = True

    def validate_reference(self, reference: str, prompt: str = "") -> None:
        if not normalize_text(reference):
            raise BadReference(f"reference {shorten(reference)} is empty after normalisation")

    def extract(self, answer_text: str, prompt: str = "") -> str | None:
        return _final_or_whole(answer_text)

    def check(self, answer_text: str, reference: str, prompt: str = "") -> bool:
        return normalize_text(_final_or_whole(answer_text)) == normalize_text(reference)


class RegexChecker:
    """A regular expression found (``re.search``) in the final answer.

    With ``pattern``, one expression serves every row and the rows need no reference;
    without it, each row's reference is its expression.
    """

    name = "regex"

    def __init__(self, pattern: str | None = None) -> None:
        self.pattern = _compile(pattern) if pattern is not None else None
        self.needs_reference = pattern is None

    def validate_reference(self, reference: str, prompt: str = "") -> None:
        if self.pattern is None:
            _compile(reference)

    def extract(self, answer_text: str, prompt: str = "") -> str | None:
        return _final_or_whole(answer_text)

    def check(self, answer_text: str, reference: str, prompt: str = "") -> bool:
        pattern = self.pattern or _compile(reference)
        return pattern.search(_final_or_whole(answer_text)) is not None


def _compile(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)  # the re module caches compiled patterns
    except re.error as exc:
        raise BadReference(f"{shorten(pattern)} is not a valid regular expression: {exc}") from None


CHECKER_NAMES = ("math", "exact", "choice", "regex")


def get_checker(name: str, *, pattern: str | None = None, symbolic: bool | None = None) -> Checker:
    """The checker called ``name`` (one of :data:`CHECKER_NAMES`).

    ``pattern``: the run-wide expression of ``regex``; ``symbolic``: see :class:`MathChecker`.
    Raises :class:`BadReference` for a bad pattern or a missing math-verify, ``ValueError`` for
    an unknown name.
    """
    if name == "math":
        return MathChecker(symbolic=symbolic)
    if name == "exact":
        return ExactChecker()
    if name == "choice":
        return ChoiceChecker()
    if name == "regex":
        return RegexChecker(pattern)
    raise ValueError(f"unknown checker {name!r}: choose one of {', '.join(CHECKER_NAMES)}")
