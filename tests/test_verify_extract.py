"""Final-answer extraction and number reading (tables of input -> expected)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from synthgen.verify import extract_final_answer, extract_marked_answer, last_boxed
from synthgen.verify.numbers import read_answer_number, read_reference_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("So the total is \\boxed{42}.", "42"),
        ("\\boxed{\\frac{3}{4}}", "\\frac{3}{4}"),
        ("first \\boxed{1} then \\boxed{\\{1, \\{2\\}\\}}", "\\{1, \\{2\\}\\}"),
        ("$\\boxed{x^{2}}$ is it", "x^{2}"),
        ("Working...\n#### 1,234\n", "1,234"),
        ("#### 72", "72"),
        ("The answer is 12.5.", "12.5"),
        ("So the final answer is: $18$. Done.", "18"),
        ("The answer is (B) because it fits. More text.", "(B) because it fits"),
        ("**Answer:** 7 apples", "7 apples"),
        ("Final answer: Paris.", "Paris"),
        ("Answer: 3/4", "3/4"),
        ("She has 3 cats and 4 dogs, 7 pets.", "7"),
        ("There were 1,500 people, then 2,250.", "2,250"),
        ("I cannot tell.", None),
        ("", None),
    ],
)
def test_extract_final_answer(text: str, expected: str | None) -> None:
    assert extract_final_answer(text) == expected


def test_boxed_wins_over_other_markers_and_the_last_box_counts() -> None:
    text = "The answer is 5.\n#### 6\n\\boxed{7} and later \\boxed{8}"
    assert extract_final_answer(text) == "8"


def test_unclosed_box_is_not_an_answer() -> None:
    assert last_boxed("\\boxed{12") is None
    assert extract_marked_answer("cut off in \\boxed{12") is None


def test_marked_answer_has_no_number_fallback() -> None:
    assert extract_marked_answer("It is 5 and then 6") is None


@pytest.mark.parametrize(
    ("span", "value", "percent"),
    [
        ("42", 42, False),
        ("-7", -7, False),
        ("\u22127", -7, False),
        ("$1,250.50", Fraction(250100, 200), False),
        ("-$5", -5, False),
        ("3/4", Fraction(3, 4), False),
        ("\\frac{3}{4}", Fraction(3, 4), False),
        ("\\dfrac{-1}{2}", Fraction(-1, 2), False),
        ("2 3/4 cups", Fraction(11, 4), False),
        ("25%", 25, True),
        ("25\\%", 25, True),
        ("12 \\text{ apples}", 12, False),
        ("x = 5 km", 5, False),
        ("5 + 3 = 8", 8, False),
        ("1.5e3", 1500, False),
        ("12 m^2", 12, False),
        ("1{,}000", 1000, False),
        (".5", Fraction(1, 2), False),
    ],
)
def test_read_answer_number(span: str, value: Fraction | int, percent: bool) -> None:
    number = read_answer_number(span)
    assert number is not None
    assert number.value == value
    assert number.percent is percent


@pytest.mark.parametrize("span", ["2\\sqrt{2}", "\\pi/2", "x^2", "no number", "3/0", "\u221a2"])
def test_symbolic_or_missing_is_not_a_plain_number(span: str) -> None:
    assert read_answer_number(span) is None


@pytest.mark.parametrize(
    ("reference", "value"),
    [("18", 18), (" 0.75 ", Fraction(3, 4)), ("$1,000", 1000), ("12 km/h", 12), ("3 cm^2", 3)],
)
def test_reference_number(reference: str, value: int | Fraction) -> None:
    number = read_reference_number(reference)
    assert number is not None and number.value == value


@pytest.mark.parametrize("reference", ["five", "3 or 4", "", "1,23"])
def test_reference_must_hold_exactly_one_number(reference: str) -> None:
    assert read_reference_number(reference) is None
