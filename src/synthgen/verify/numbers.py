"""Reading plain numbers the way people and models write them, for the ``math`` checker.

A span is a *plain number* when, once its dressing is gone, exactly one number is left and
nothing that makes it something else. Dressing: a sign (``-``, ``\\u2212``), currency
(``$1,250``, ``\\$18.90``), thousands separators in every written form (``10,000``, MATH's
``10,\\!000``, ``10{,}000``, ``10\\,000``, a thin space), ``\\frac``/``\\dfrac``/``\\tfrac`` of
integers, mixed numbers (``2 3/4``, ``2\\frac{3}{4}``), a percent sign (``25%``, ``25\\%``: read as
25, and matched against 0.25 too), degrees (``30^\\circ``, ``30°``), units and words (``12
\\text{ cm}^2``, ``5 m^2``, ``18 dollars``), math delimiters, and a left-hand side (``x = 5``,
``3 x 4 = 12``: the value after the last ``=``).

Not plain numbers, whatever digits they hold (:func:`read_number` returns ``None``): tuples,
intervals and sets (``(2,3)``, ``[1, 5)``), lists and hedges (``2, 3``, ``2 or 3``, ``\\pm 2``),
inequalities (``x < 5``), expressions (``x^2 + 2``, ``2x``, ``2\\sqrt{2}``, ``\\pi/2``), matrices.
Those are compared as math by the symbolic checker (``math-verify``), never by a first number.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import NamedTuple

NUMBER = re.compile(
    r"""
    (?<![\w.])(?P<sign>-)?(?:[$\u20ac\u00a3\u00a5][ \t]?)?(?P<sign_after>-)?  # -$5, $-5
    (?:
        (?P<whole>\d+)[ \t]+(?P<mixed_num>\d+)[ \t]*/[ \t]*(?P<mixed_den>\d+)(?![\d.])
      | (?P<num>\d+)[ \t]*/[ \t]*(?P<den>\d+)(?![\d.])
      | (?P<decimal>(?:\d{1,3}(?:,\d{3})+(?![\d,])|\d+)(?:\.\d+)?|\.\d+)(?:[eE](?P<exp>[-+]?\d{1,3})(?![\dA-Za-z]))?
    )
    (?P<percent>[ \t]*%)?
    """,
    re.X,
)

# LaTeX and symbols that only dress a number: removed, or replaced by what they mean.
_THOUSANDS = re.compile(r"(?<=\d)(?:,\\!|\{,\}|\\,|\\ |\\!|[\u2009\u202f])(?=\d{3}(?!\d))")
_LATEX_TEXT = re.compile(r"\\(?:text|textbf|textrm|textit|mathrm|mathbf|mbox|operatorname)\s*\{([^{}]*)\}")
_MIXED = re.compile(r"(\d)\s*\\[dt]?frac\s*\{\s*(\d+)\s*\}\s*\{\s*(\d+)\s*\}")
_LATEX_FRAC = re.compile(r"\\[dt]?frac\s*\{\s*(-?\d+)\s*\}\s*\{\s*(\d+)\s*\}")
_LATEX_FRAC_SHORT = re.compile(r"\\[dt]?frac\s*(\d)\s*(\d)")  # \frac34
_DEGREES = re.compile(r"\^\s*\{?\s*\\circ\s*\}?|\u00b0|\\degree\b")
_LATEX_SPACING = re.compile(r"\\[,!;: ]|\\(?:left|right|displaystyle|quad|qquad)\b|~")
_UNIT_POWER = re.compile(r"(?<=[A-Za-z])\s*(?:\^\s*\{?\s*[23]\s*\}?|[\u00b2\u00b3])")
_SYMBOLIC = re.compile(
    r"\\[A-Za-z]+|[\^\u221a\u03c0\u221e\u00b1]|\bsqrt\b|\bpi\b|\blog\b|\bsin\b|\bcos\b|\bi\b"
)
# More than one value, or not a value: lists, hedges, inequalities, brackets, arithmetic left over.
# (Numbers are replaced by "0" before this is searched, so "3/4" and "1,000" are not caught.)
_NOT_ONE_VALUE = re.compile(
    r"[,;<>\u2264\u2265\u2260(){}\[\]|+*\u00d7]|/\s*0\b|\b0\s*/|\bor\b|\band\b|\bplus\b|\bminus\b|\s-\s", re.I
)
_EQUALS = re.compile(r"=|\\approx|\u2248")
_SEPARATED = re.compile(r"[,;]|\bor\b|\band\b|\\pm|\u00b1", re.I)
# A letter right after a number is a variable ("2x") unless it starts a unit or an ordinal.
_GLUED_UNITS = frozenset({
    "cm", "mm", "km", "m", "kg", "g", "mg", "s", "ms", "h", "hr", "hrs", "min", "ft", "in", "mi", "yd",
    "lb", "lbs", "oz", "l", "ml", "mph", "kph", "st", "nd", "rd", "th", "k", "sq", "am", "pm",
})  # fmt: skip
_GLUED = re.compile(r"[A-Za-z]+")
# An arithmetic operator next to a number ("**" is markdown bold, not an operator).
_OPERAND = re.compile(
    r"(?:[-+/^<>\u00d7\u00b7\u2264\u2265]|(?<!\*)\*|\\(?:cdot|times|le|ge|leq|geq|lt|gt))\s*$"
)
_OPERATOR_AFTER = re.compile(r"\s*(?:[-+/^\u00d7\u00b7(]|\*(?!\*)|\\(?:cdot|times)\b)")


class Number(NamedTuple):
    """A number read from text; ``percent`` when written with ``%``; ``exact`` unless it was
    written as a decimal (a decimal may be a rounded value)."""

    value: Fraction
    percent: bool = False
    exact: bool = True

    def readings(self) -> tuple[Fraction, ...]:
        """The values it may mean: 25% is 25 or 0.25 (a reference says "25" or "0.25")."""
        return (self.value, self.value / 100) if self.percent else (self.value,)


def numbers_match(answer: Number, reference: Number, rel_tol: float = 1e-6) -> bool:
    """Equal; within a relative ``rel_tol`` when either side is a decimal (0.333333 matches 1/3;
    33.33 does not match 100/3; 4036082/4036081 does not match 1)."""
    tolerance = Fraction(0) if answer.exact and reference.exact else Fraction(rel_tol)
    return any(
        abs(a - r) <= tolerance * max(1, abs(r)) for a in answer.readings() for r in reference.readings()
    )


def read_number(span: str) -> Number | None:
    """The number ``span`` states when it is a plain number (see the module docstring), else ``None``."""
    *head, value = _EQUALS.split(_THOUSANDS.sub(",", span))
    if head and _SEPARATED.search(_numbers_as_zero("=".join(head))):
        return None  # "x = 5, y = 3", "x = 5 or x = -5": several statements
    text = _undressed(value)
    if text is None or _NOT_ONE_VALUE.search(_numbers_as_zero(text)):
        return None
    matches = list(NUMBER.finditer(text))
    if len(matches) != 1 or _glued_variable(text, matches[0]):
        return None
    return _to_number(matches[0])


def last_number(text: str) -> str | None:
    """The last number written in ``text`` that stands alone: not a variable's coefficient
    (``2x``) nor an operand (``x^2 + 5``, ``5 - 3``; after ``=`` is a result)."""
    text = _THOUSANDS.sub(",", text)
    for match in reversed(list(NUMBER.finditer(text))):
        operand = _OPERAND.search(text, max(0, match.start() - 8), match.start())
        operand = operand or _OPERATOR_AFTER.match(text, match.end())
        if not operand and not _glued_variable(text, match):
            return match.group(0).strip()
    return None


# The readers of earlier versions, kept for their callers: both are now the strict reading.
read_answer_number = read_number
read_reference_number = read_number


def _undressed(span: str) -> str | None:
    """``span`` with number-dressing LaTeX, currency marks and units' powers removed; ``None``
    if anything symbolic is left."""
    text = span.replace("\u2212", "-").replace("\\$", "").replace("$", "").replace("\\%", "%")
    text = _THOUSANDS.sub(",", text)
    text = _LATEX_TEXT.sub(r" \1 ", text)
    text = _DEGREES.sub(" degrees ", text)
    text = _MIXED.sub(r"\1 \2/\3", text)
    text = _LATEX_FRAC.sub(r"\1/\2", text)
    text = _LATEX_FRAC_SHORT.sub(r"\1/\2", text)
    text = _LATEX_SPACING.sub(" ", text)
    text = _UNIT_POWER.sub("", text)
    text = re.sub(r"\bpercent\b", "%", text)
    return None if _SYMBOLIC.search(text) else text


def _numbers_as_zero(text: str) -> str:
    """``text`` with each number (fractions and thousands included) replaced by `` 0 ``, so
    that only what lies between and around numbers is looked at."""
    return NUMBER.sub(" 0 ", text)


def _glued_variable(text: str, match: re.Match[str]) -> bool:
    """Whether letters touch the number (``2x``, ``x2``) other than as a unit (``5km``, ``3rd``)."""
    before = text[: match.start()]
    if before[-1:].isalpha() or before[-1:] == "-":  # "x5", "x-5"
        return True
    glued = _GLUED.match(text, match.end())
    return glued is not None and glued.group(0).lower() not in _GLUED_UNITS


def _to_number(match: re.Match[str]) -> Number | None:
    sign = -1 if match["sign"] or match["sign_after"] else 1
    exact = True
    if match["whole"] is not None:
        den = int(match["mixed_den"])
        value = int(match["whole"]) + Fraction(int(match["mixed_num"]), den) if den else None
    elif match["num"] is not None:
        den = int(match["den"])
        value = Fraction(int(match["num"]), den) if den else None
    else:
        value = Fraction(match["decimal"].replace(",", ""))
        exact = "." not in match["decimal"] and not match["exp"]
        if match["exp"]:
            value *= Fraction(10) ** int(match["exp"])
    if value is None:  # a zero denominator
        return None
    return Number(sign * value, percent=match["percent"] is not None, exact=exact)
