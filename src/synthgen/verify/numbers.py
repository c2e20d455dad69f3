"""Reading numbers the way people and models write them, for the ``math`` checker.

Accepted: integers, decimals, thousands separators (``1,234,567.5``), fractions (``3/4``,
``\\frac{3}{4}``), mixed numbers (``2 3/4``), a sign (``-``, ``\\u2212``), scientific notation
(``1.5e3``), a percent sign (``25%``: read as 25, and matched against 0.25 too), and
currency symbols or unit words around the number (``$1,250``, ``12 km/h``, ``5 m^2``), which
are ignored. Anything symbolic (``\\sqrt``, ``\\pi``, powers, other LaTeX commands) is not a
plain number: :func:`read_answer_number` returns ``None`` for it, and the symbolic checker
(``math-verify``, optional) may take over.
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
      | (?P<decimal>(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?|\.\d+)(?:[eE](?P<exp>[-+]?\d{1,3})(?![\dA-Za-z]))?
    )
    (?P<percent>[ \t]*%)?
    """,
    re.X,
)

# LaTeX that only dresses a number: removed, or replaced by what it means.
_LATEX_TEXT = re.compile(r"\\(?:text|textbf|textrm|mathrm|mathbf|mbox|operatorname)\s*\{([^{}]*)\}")
_LATEX_FRAC = re.compile(r"\\[dt]?frac\s*\{\s*(-?\d+)\s*\}\s*\{\s*(\d+)\s*\}")
_LATEX_FRAC_SHORT = re.compile(r"\\[dt]?frac\s*(\d)\s*(\d)")  # \frac34
_LATEX_SPACING = re.compile(r"\\[,!;: ]|\\(?:left|right|displaystyle|quad|qquad)\b|~")
_UNIT_POWER = re.compile(r"(?<=[A-Za-z])\s*(?:\^\s*\{?\s*[23]\s*\}?|[\u00b2\u00b3])")
_SYMBOLIC = re.compile(r"\\[A-Za-z]+|[\^\u221a\u03c0]|\bsqrt\b|\bpi\b|\blog\b|\bsin\b|\bcos\b")


class Number(NamedTuple):
    """A number read from text; ``percent`` when it was written with ``%``."""

    value: Fraction
    percent: bool = False

    def readings(self) -> tuple[Fraction, ...]:
        """The values it may mean: 25% is 25 or 0.25 (a reference says "25" or "0.25")."""
        return (self.value, self.value / 100) if self.percent else (self.value,)


def numbers_match(answer: Number, reference: Number, rel_tol: float = 1e-6) -> bool:
    """Equal within a relative ``rel_tol`` (0.333333 matches 1/3; 33.33 does not match 100/3)."""
    return any(
        abs(a - r) <= Fraction(rel_tol) * max(1, abs(r))
        for a in answer.readings()
        for r in reference.readings()
    )


def read_answer_number(span: str) -> Number | None:
    """The number a final-answer span states: the first one (after the last ``=``, so
    ``x = 5`` is 5), or ``None`` when the span has no number or is symbolic (``2\\sqrt{2}``)."""
    text = _plain(span)
    if text is None:
        return None
    text = text.rsplit("=", 1)[-1]
    match = NUMBER.search(text)
    return _to_number(match) if match else None


def read_reference_number(reference: str) -> Number | None:
    """The number of a reference that holds exactly one (units and currency aside), else ``None``."""
    text = _plain(reference)
    if text is None:
        return None
    matches = list(NUMBER.finditer(text))
    if len(matches) != 1:
        return None
    return _to_number(matches[0])


def _plain(span: str) -> str | None:
    """``span`` with number-dressing LaTeX and units' powers removed; ``None`` if symbolic."""
    text = span.replace("\u2212", "-").replace("\\$", "$").replace("\\%", "%").replace("{,}", ",")
    text = _LATEX_TEXT.sub(r" \1 ", text)
    text = _LATEX_FRAC.sub(r"\1/\2", text)
    text = _LATEX_FRAC_SHORT.sub(r"\1/\2", text)
    text = _LATEX_SPACING.sub(" ", text)
    text = _UNIT_POWER.sub("", text)
    return None if _SYMBOLIC.search(text) else text


def _to_number(match: re.Match[str]) -> Number | None:
    sign = -1 if match["sign"] or match["sign_after"] else 1
    if match["whole"] is not None:
        den = int(match["mixed_den"])
        value = int(match["whole"]) + Fraction(int(match["mixed_num"]), den) if den else None
    elif match["num"] is not None:
        den = int(match["den"])
        value = Fraction(int(match["num"]), den) if den else None
    else:
        value = Fraction(match["decimal"].replace(",", ""))
        if match["exp"]:
            value *= Fraction(10) ** int(match["exp"])
    if value is None:  # a zero denominator
        return None
    return Number(sign * value, percent=match["percent"] is not None)
