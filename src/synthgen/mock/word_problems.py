"""Arithmetic word problems: posing them (:func:`make_problems`, for the seed file) and solving
them (:func:`solve_question`, for the mock teacher's answers).

Solving reads a question back with a regular expression built from each phrasing of
:data:`~synthgen.mock.word_problem_templates.TEMPLATES` (number fields capture numbers, word
fields capture words), then computes the answer and the worked steps with exact fractions
(:mod:`synthgen.mock.expressions`). A bare calculation ("What is 12 x (3 + 4)?") is solved too.
"""

from __future__ import annotations

import decimal
import random
import re
from dataclasses import dataclass
from fractions import Fraction

from synthgen.mock.expressions import ExpressionError, evaluate
from synthgen.mock.word_problem_templates import TEMPLATES, WORDS, Template

STATED = "\x00"  # where a worked solution states its final value (right or wrong)
_FIELD = re.compile(r"\{(\w+)\}")
_BRACKET = re.compile(r"\[([^\[\]]+)\]")
_NUMBER = r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?"
_NAME = r"[^\s,.?!:;']+"
_WORD = r"[^\n]+?"


@dataclass(frozen=True)
class Solution:
    """A solved question: the exact answer and the worked steps (the last states the answer)."""

    answer: Fraction
    steps: tuple[str, ...]  # the final value appears as STATED
    unit: str = ""
    as_fraction: bool = False
    template: str = ""

    def worked(self, stated: Fraction) -> list[str]:
        """The steps, with ``stated`` as the final value (a wrong one for a slip at the end)."""
        return [step.replace(STATED, format_answer(stated, self.as_fraction)) for step in self.steps]


def show_number(value: Fraction) -> str:
    """``12``, ``-3``, ``2.5``, ``0.125`` for finite decimals; ``5/6`` otherwise."""
    if value.denominator == 1:
        return str(value.numerator)
    if finite_decimal(value):  # exact: a finite decimal has at most ~50 digits here
        with decimal.localcontext(prec=60):
            return format((decimal.Decimal(value.numerator) / value.denominator).normalize(), "f")
    return f"{value.numerator}/{value.denominator}"


def finite_decimal(value: Fraction) -> bool:
    """Whether ``value`` has a finite decimal expansion (its denominator is 2^a 5^b)."""
    den = value.denominator
    for prime in (2, 5):
        while den % prime == 0:
            den //= prime
    return den == 1


def format_answer(value: Fraction, as_fraction: bool = False) -> str:
    """The reference form of an answer: a decimal, or ``a/b`` for fraction answers."""
    if as_fraction and value.denominator != 1:
        return f"{value.numerator}/{value.denominator}"
    return show_number(value)


def _show_step_value(value: Fraction) -> str:
    return show_number(value) if finite_decimal(value) else f"about {float(value):.2f}"


def _show_text_number(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{float(value):.2f}"


# --- solving ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Phrasing:
    template: Template
    key: str  # its longest literal piece: a cheap test before the regular expression
    pattern: re.Pattern[str]


def _compile(template: Template, text: str) -> _Phrasing:
    numbers = set(template.numbers) | set(template.derived)
    parts, seen, position = [], set(), 0
    for match in _FIELD.finditer(text):
        parts.append(re.escape(text[position : match.start()]).replace("\\ ", r"\s+"))
        name = match[1]
        if name in numbers:
            part = f"(?P={name})" if name in seen else f"(?P<{name}>{_NUMBER})"
        else:
            word = _NAME if name.rstrip("0123456789").lower() == "name" else _WORD
            part = word if name in seen else f"(?P<{name}>{word})"
        parts.append(part)
        seen.add(name)
        position = match.end()
    parts.append(re.escape(text[position:]).replace("\\ ", r"\s+"))
    literals = _FIELD.split(text)[::2]
    return _Phrasing(template, max(literals, key=len), re.compile("".join(parts)))


_PHRASINGS = tuple(_compile(t, text) for t in TEMPLATES for text in t.phrasings)

_CALCULATION = re.compile(
    r"(?:what\s+is|what's|calculate|compute|evaluate|work\s+out|how\s+much\s+is)\s+"
    r"(?P<expr>[-+*/x\u00d7\u00f7^().,\d\s]*\d[-+*/x\u00d7\u00f7^().,\d\s]*?)\s*[?.!]?\s*$",
    re.I | re.M,
)
_OPERATOR = re.compile(r"\d\s*[-+*/x\u00d7\u00f7^]\s*[-(\d]")


def solve_question(prompt: str) -> Solution | None:
    """The solution of the word problem or calculation in ``prompt``, or ``None``."""
    for phrasing in _PHRASINGS:
        if phrasing.key in prompt and (match := phrasing.pattern.search(prompt)):
            solution = _solve_match(phrasing.template, match)
            if solution is not None:
                return solution
    return _solve_calculation(prompt)


def _solve_match(template: Template, match: re.Match[str]) -> Solution | None:
    groups = {k: v for k, v in match.groupdict().items() if v is not None}
    numbers = set(template.numbers) | set(template.derived)
    values = {k: Fraction(v.replace(",", "")) for k, v in groups.items() if k in numbers}
    shown = {k: (v if k not in numbers else _show_text_number(values[k])) for k, v in groups.items()}
    try:
        return _solution(template, values, shown)
    except (ExpressionError, KeyError):
        return None  # e.g. a zero where the template divides


def _solution(template: Template, values: dict[str, Fraction], shown: dict[str, str]) -> Solution:
    answer = evaluate(template.answer, values)
    steps = [step.format_map(shown) for step in template.steps]

    def compute(match: re.Match[str]) -> str:
        return _show_step_value(evaluate(match[1], values))

    *body, last = steps
    head, final = last.rsplit("[", 1)
    expression, tail = final.split("]", 1)
    if evaluate(expression, values) != answer:
        raise ExpressionError(f"{template.id}: the last step does not compute the answer")
    steps = [_BRACKET.sub(compute, s) for s in body] + [_BRACKET.sub(compute, head) + STATED + tail]
    return Solution(answer, tuple(steps), template.unit, template.as_fraction, template.id)


def _solve_calculation(prompt: str) -> Solution | None:
    match = _CALCULATION.search(prompt)
    if match is None or not _OPERATOR.search(match["expr"]):
        return None
    shown = " ".join(match["expr"].split())
    python = re.sub(r"(?<=\d),(?=\d{3}\b)", "", shown).replace("^", "**")
    python = python.replace("\u00d7", "*").replace("x", "*").replace("X", "*").replace("\u00f7", "/")
    try:
        answer = evaluate(python)
    except ExpressionError:
        return None
    return Solution(answer, (f"{shown} = {STATED}.",), template="calculation")


# --- posing -------------------------------------------------------------------------------


def draw_problem(template: Template, rng: random.Random) -> tuple[str, Solution]:
    """A question from ``template`` with numbers and words drawn from ``rng``, and its solution."""
    for _ in range(10_000):
        values = {k: Fraction(rng.choice(pool)) for k, pool in template.numbers.items()}
        for name, expression in template.derived.items():
            values[name] = evaluate(expression, values)
        if not template.where or evaluate(template.where, values):
            break
    else:
        raise ValueError(f"template {template.id}: no draw satisfies {template.where!r}")
    text = rng.choice(template.phrasings)
    shown: dict[str, str] = {k: _show_text_number(v) for k, v in values.items()}
    for name in dict.fromkeys(_FIELD.findall(text)):
        if name not in shown:
            shown[name] = _draw_word(name, shown, rng)
    question = text.format_map(shown)
    question = question[:1].upper() + question[1:]
    return question, _solution(template, values, shown)


def _draw_word(field: str, drawn: dict[str, str], rng: random.Random) -> str:
    """A word for ``field`` ("name2": another name than "name"; "Product": capitalised)."""
    base = field.rstrip("0123456789").lower()
    pool = [w for w in WORDS[base] if w not in drawn.values()]
    word = rng.choice(pool)
    return word[:1].upper() + word[1:] if field[:1].isupper() else word


def make_problems(count: int, seed: int = 0) -> list[dict[str, str]]:
    """``count`` distinct problems, ``{"id", "instruction", "answer"}``, cycling through the
    templates; each answer is checked by solving the question text back (see the seed script)."""
    rng = random.Random(seed)
    problems: list[dict[str, str]] = []
    seen: set[str] = set()
    attempts = 0
    while len(problems) < count:
        template = TEMPLATES[attempts % len(TEMPLATES)]
        attempts += 1
        question, solution = draw_problem(template, rng)
        if question in seen:
            continue
        seen.add(question)
        answer = format_answer(solution.answer, solution.as_fraction)
        problems.append({"id": f"math_{len(problems) + 1:04d}", "instruction": question, "answer": answer})
    return problems
