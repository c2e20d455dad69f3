"""The mock teacher's answers to arithmetic questions, and its reasoning traces.

:func:`math_reply` writes a worked solution that ends in one of three final-answer forms
(``\\boxed{}``, ``#### N``, "The answer is N."), with the number written as people write it
(``$1,250``, ``3.5 hours``, ``50%``, ``\\frac{5}{8}``), so that a checker meets the variety of
real answers. A *wrong* answer is a slip in the last step: the stated value differs from the
right one by at least one unit of its last digit (2% or more for large values), so no numeric
checker can take it for the right one. :func:`math_trace` and :func:`plain_trace` are the
"thinking" of a reasoning model, for ``--reasoning field|inline``.
"""

from __future__ import annotations

import random
from fractions import Fraction

from synthgen.mock.word_problems import Solution, format_answer, show_number

_OPENINGS = (
    "Here is the working.",
    "Let's solve it step by step.",
    "Working it out:",
    "",
)
_THINK_OPENINGS = (
    "Okay, let me work through this carefully.",
    "Let me pull the numbers out of the question first.",
    "Alright, this is an arithmetic question. Let me set it up.",
    "Hmm, let me think about what is being asked.",
)
_THINK_LINKS = ("First,", "Then", "Next,", "After that,", "And")
_THINK_CHECKS = (
    "Let me double-check the arithmetic... yes, that holds.",
    "Quick sanity check: the size of the result looks reasonable.",
    "I'll re-read the question to be sure I answered what was asked. I did.",
)
_TASK_THOUGHTS = (
    "The user wants {n} new tasks in the same numbered format as the examples.",
    "I need to write {n} tasks, each with an instruction, an input and an output.",
)
_TASK_PLANS = (
    "I should vary the kinds of task and keep every instruction self-contained.",
    "Different task types, clear instructions, and inputs only where they help.",
)
_PLAIN_THOUGHTS = (
    "The question is fairly open. A short, concrete paragraph should do.",
    "Let me give a direct answer and one or two specifics rather than a long essay.",
    "I'll answer plainly and keep it brief.",
)


def wrong_value(right: Fraction, rng: random.Random) -> Fraction:
    """A value that is not ``right``: off by a few units of its last digit, or 2-25% when large;
    never negative when ``right`` is not."""
    unit = Fraction(1, right.denominator) if right.denominator <= 100 else Fraction(1)
    size = abs(right) / unit
    steps = rng.randint(1, 3) if size < 20 else max(1, round(size * rng.uniform(0.02, 0.25)))
    delta = steps * unit
    if (rng.random() < 0.5 and right - delta >= 0) or right < 0:
        return right - delta
    return right + delta


def math_reply(solution: Solution, stated: Fraction, rng: random.Random) -> str:
    """The worked solution stating ``stated`` (the answer, or a wrong value) and a final line."""
    opening = rng.choice(_OPENINGS)
    steps = solution.worked(stated)
    body = "\n".join([opening, *steps] if opening else steps)
    return f"{body}\n\n{_final_line(solution, stated, rng)}"


def _final_line(solution: Solution, stated: Fraction, rng: random.Random) -> str:
    form = rng.randrange(3)
    if form == 0:
        if solution.as_fraction and stated.denominator != 1:
            inner = f"\\frac{{{stated.numerator}}}{{{stated.denominator}}}"
        else:
            inner = _written(solution, stated, rng, latex=True)
        return rng.choice(("So the answer is $\\boxed{{{}}}$.", "Final answer: $\\boxed{{{}}}$")).format(
            inner
        )
    if form == 1:
        return f"#### {_number(stated, rng, solution.as_fraction)}"
    return f"The answer is {_written(solution, stated, rng)}."


def _number(value: Fraction, rng: random.Random, as_fraction: bool = False) -> str:
    """``value`` as digits, with thousands separators half the time."""
    if as_fraction and value.denominator != 1:
        return f"{value.numerator}/{value.denominator}"
    text = show_number(value)
    if abs(value) >= 1000 and value.denominator == 1 and rng.random() < 0.5:
        text = f"{value.numerator:,}"
    return text


def _written(solution: Solution, value: Fraction, rng: random.Random, latex: bool = False) -> str:
    """``value`` with its unit the way a person might write it: ``$12.50``, ``3.5 hours``, ``50%``."""
    number = _number(value, rng, solution.as_fraction)
    unit, style = solution.unit, rng.randrange(3)
    if unit == "dollars":
        if value.denominator != 1:
            number = f"{float(value):,.2f}" if "," in number else f"{float(value):.2f}"
        dollar = "\\$" if latex else "$"
        sign, digits = ("-", number[1:]) if number.startswith("-") else ("", number)
        return (f"{sign}{dollar}{digits}", f"{number} dollars", number)[style]
    if unit == "%":
        return (f"{number}\\%" if latex else f"{number}%") if style else number
    if unit and style == 0:
        return f"{number}\\text{{ {unit}}}" if latex else f"{number} {unit}"
    return number


def math_trace(solution: Solution, stated: Fraction, rng: random.Random) -> str:
    """A reasoning model's thinking before it writes :func:`math_reply` (it states ``stated`` too)."""
    lines = [rng.choice(_THINK_OPENINGS)]
    for number, step in enumerate(solution.worked(stated)):
        link = _THINK_LINKS[min(number, len(_THINK_LINKS) - 1)]
        lines.append(f"{link} {step[:1].lower()}{step[1:]}")
    lines.append(f"So the result is {format_answer(stated, solution.as_fraction)}.")
    lines.append(rng.choice(_THINK_CHECKS))
    return "\n".join(lines)


def plain_trace(task_count: int | None, rng: random.Random) -> str:
    """A short thinking for any other prompt: a task list (``task_count``) or a plain answer."""
    if task_count is not None:
        return f"{rng.choice(_TASK_THOUGHTS).format(n=task_count)} {rng.choice(_TASK_PLANS)}"
    return rng.choice(_PLAIN_THOUGHTS)
