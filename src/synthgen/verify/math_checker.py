"""The ``math`` checker: the final answer (:func:`extract_final_answer`) against the reference.

Compared by what the reference is:

- a plain number (:mod:`synthgen.verify.numbers`): by value, when the answer's span is a plain
  number too; exactly when both are written exactly (integers, fractions), within a relative
  1e-6 when either is a decimal;
- anything else (tuples, intervals, sets, equations, inequalities, expressions, matrices), and
  a numeric reference whose answer is not a plain number (``\\sqrt{4}`` for 2): by math-verify
  (:mod:`synthgen.verify.symbolic`), when the ``synthgen[math]`` extra is installed. Never by
  the first number of either side.

Without the extra, a reference that is not a plain number is refused before any request
(:class:`NeedsSymbolic`), and an answer that is not a plain number is wrong.
"""

from __future__ import annotations

import functools

from synthgen.verify.extract import extract_final_answer, extract_marked_answer, is_prose
from synthgen.verify.numbers import NUMBER, Number, numbers_match, read_number
from synthgen.verify.symbolic import INSTALL_HINT, parse_reference, symbolic_available, symbolic_equal


class BadReference(ValueError):
    """A reference (or pattern) a checker cannot use; ``str()`` is the one-line reason."""


class NeedsSymbolic(BadReference):
    """A reference that only math-verify could compare (the extra is not installed)."""


def reads_as_math(span: str) -> bool:
    """Whether a "the answer is X" span is an answer to a math problem: a number, LaTeX, or an
    expression ("x + 1", "(2, 3)"); not words ("not possible", "x").

    >>> reads_as_math("not possible"), reads_as_math("$\\\\sqrt3$"), reads_as_math("x+1")
    (False, True, True)
    """
    if NUMBER.search(span) or "\\" in span:
        return True
    core = span.replace("$", "").strip()
    return len(core) > 1 and not is_prose(core) and any(c in "=+-*/^()[]{}<>|" for c in core)


@functools.lru_cache(maxsize=4096)
def reference_number(reference: str) -> Number | None:
    """A reference's plain number: the whole reference, or its marked final answer (a GSM8K
    worked solution ending ``#### 72``, a MATH solution with a ``\\boxed{}``)."""
    number = read_number(reference)
    if number is None and (marked := extract_marked_answer(reference)) is not None:
        number = read_number(marked)
    return number


def _reference_math(reference: str) -> str:
    """What of a reference math-verify should read: its marked answer, else all of it."""
    marked = extract_marked_answer(reference, reads_as_math)
    return marked if marked is not None else reference


class MathChecker:
    """Numbers by value; other math through math-verify when it is installed (or asked for)."""

    name = "math"
    needs_reference = True

    def __init__(self, *, symbolic: bool | None = None) -> None:
        """``symbolic``: ``None`` uses math-verify if installed; ``True`` requires it."""
        if symbolic and not symbolic_available():
            raise BadReference(f"symbolic math answers need math-verify: {INSTALL_HINT}")
        self.symbolic = symbolic_available() if symbolic is None else symbolic

    def validate_reference(self, reference: str, prompt: str = "") -> None:
        if reference_number(reference) is not None:
            return
        if not self.symbolic:
            raise NeedsSymbolic(
                f"reference {shorten(reference)} is not a plain number (math needs math-verify: {INSTALL_HINT})"
            )
        math = _reference_math(reference)
        if (is_prose(math) and "$" not in math) or not parse_reference(math):
            raise BadReference(
                f"reference {shorten(reference)} is not a number or math that math-verify reads"
            )

    def extract(self, answer_text: str, prompt: str = "") -> str | None:
        return extract_final_answer(answer_text, reads_as_math)

    def check(self, answer_text: str, reference: str, prompt: str = "") -> bool:
        span = self.extract(answer_text)
        if span is None:
            return False
        expected = reference_number(reference)
        if expected is not None:
            stated = read_number(span)
            if stated is not None:
                return numbers_match(stated, expected)
        return self.symbolic and symbolic_equal(span, _reference_math(reference))


def shorten(text: str, limit: int = 60) -> str:
    """``text`` quoted for a one-line message, cut to ``limit`` characters."""
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")
