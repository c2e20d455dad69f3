"""Final-answer extraction and number reading (tables of input -> expected)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from synthgen.verify import extract_final_answer, extract_marked_answer, last_boxed
from synthgen.verify.math_checker import reads_as_math
from synthgen.verify.numbers import last_number, read_answer_number, read_number, read_reference_number


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
        ("this answer is not possible \u2026 the answer is Paris.", "Paris"),
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


# The documented order (synthgen/verify/extract.py), one row per rule and per tie it settles.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 1. the last box; boxes joined by or/and/"," are one statement (a list, or a hedge)
        ("First \\boxed{1}, later \\boxed{2}.", "2"),
        ("So $\\boxed{10,\\!000}$.", "10,\\!000"),
        ("It is $\\boxed{2}$ or $\\boxed{3}$.", "$2$ or $3$"),
        ("\\fbox{7}", "7"),
        ("\\boxed 5", "5"),
        ("### Final Answer\n\\[\n\\boxed{\\dfrac{3}{4}}\n\\]", "\\dfrac{3}{4}"),
        #    ... unless "The final answer is" comes after it (Minerva's closing line)
        (
            "We get $\\boxed{3}$, then fix a case.\nFinal Answer: The final answer is $5$. I hope it is correct.",
            "5",
        ),
        ("Final Answer: The final answer is $\\frac{1}{2}$. I hope it is correct.", "\\frac{1}{2}"),
        ("Final Answer: The final answer is 18. I hope it is correct.", "18"),
        ("The final answer is $\\boxed{4}$.", "4"),
        # 2. GSM8K's ####
        ("Working...\n#### 1,234\n", "1,234"),
        ("The answer is 5.\n#### 6", "6"),
        # 3. the last "the answer is X" whose X reads as math
        ("The answer is 12.5.", "12.5"),
        ("this answer is not possible \u2026 taking the other case, the answer is $5$.", "5"),
        ("So the answer is $x = 5$, since it fits.", "x = 5"),
        ("The answer is $2$ or $3$.", "$2$ or $3$"),
        ("The answer is $\\$447.41$ and that is all.", "\\$447.41"),
        ("The answer is **18**.", "18"),
        ("Therefore, the answer is\n\\[\n(2, 3)\n\\]", "(2, 3)"),
        # 4. "Answer:"
        ("**Answer:** 7 apples", "7 apples"),
        ("Final answer: $\\sqrt{3}$", "\\sqrt{3}"),
        # 5. the last line's expression (lines of prose after it are passed over)
        ("We add them.\nSo the result is $\\frac{3}{4}$.", "\\frac{3}{4}"),
        ("Work.\n\\[\nx^2 + 1\n\\]", "x^2 + 1"),
        ("Work.\n\nSo it is $(2, 3)$.\n\nI hope this helps!", "(2, 3)"),
        ("Work $3$.\n**$\\sqrt 2$**", "\\sqrt 2"),
        ("It costs $5 and $3 more.\n= 8", "8"),
        # 6. the last number standing alone (not "2x", not an operand)
        ("She has 3 cats and 4 dogs, 7 pets.", "7"),
        ("So that makes 18 apples, not 18x or x + 5 of them.", "18"),
        ("Therefore, she makes **$18** every day.", "$18"),
        ("So that makes **978{,}364** in total.", "978,364"),
        ("I cannot tell.", None),
    ],
)
def test_extraction_order(text: str, expected: str | None) -> None:
    assert extract_final_answer(text, reads_as_math) == expected


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


@pytest.mark.parametrize(
    ("span", "value", "exact"),
    [
        # thousands in every written form, MATH's included
        ("10,000", 10000, True),
        ("10,\\!000", 10000, True),
        ("10{,}000", 10000, True),
        ("10\\,000", 10000, True),
        ("1,\\!234,\\!567", 1234567, True),
        ("10\u2009000", 10000, True),
        # fractions, mixed numbers, signs
        ("\\tfrac{3}{4}", Fraction(3, 4), True),
        ("-\\frac{1}{2}", Fraction(-1, 2), True),
        ("\\frac{-1}{2}", Fraction(-1, 2), True),
        ("2\\frac{1}{2}", Fraction(5, 2), True),
        ("2 \\frac{1}{2}", Fraction(5, 2), True),
        ("\\frac34", Fraction(3, 4), True),
        # dressing: dollars, units in \text{}, degrees, percent, a left-hand side
        ("\\$18.90", Fraction(189, 10), False),
        ("12\\text{ cm}^2", 12, True),
        ("5\\mbox{ meters}", 5, True),
        ("30^\\circ", 30, True),
        ("30^{\\circ}", 30, True),
        ("30\u00b0", 30, True),
        ("x = 5", 5, True),
        ("3 \\cdot 4 = 12", 12, True),
        ("5km", 5, True),
        ("18 dollars per day", 18, True),
        ("x \\approx 3.14", Fraction(314, 100), False),
    ],
)
def test_plain_numbers(span: str, value: Fraction | int, exact: bool) -> None:
    number = read_number(span)
    assert number is not None, span
    assert (number.value, number.exact) == (value, exact)


@pytest.mark.parametrize(
    "span",
    [
        # symbolic
        "2\\sqrt{2}", "\\pi/2", "x^2", "\u221a2", "2^{10}", "3 \\times 10^5",
        # not one value: tuples, intervals, sets, lists, hedges, inequalities, equations, expressions
        "(2,3)", "(2, 3)", "[1, 5)", "\\{1, 2\\}", "2, 3", "2 or 3", "5 \\pm 2", "x < 5", "x \\ge 5",
        "y = x^2 + 2", "2x", "2x + 1", "x-5", "5 - 3", "x = 5, y = 3", "x = 5 or x = -5",
        "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "\\text{(B)}",
        # nothing to read
        "no number", "3/0", "",
    ],
)  # fmt: skip
def test_not_a_plain_number(span: str) -> None:
    assert read_number(span) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("a 5 b 7", "7"), ("7 then 2x", "7"), ("5 + x", None), ("so x < 9", None), ("**12** done", "12")],
)
def test_last_number_standing_alone(text: str, expected: str | None) -> None:
    assert last_number(text) == expected


@pytest.mark.parametrize(
    ("span", "expected"),
    [
        ("not possible", False),
        ("x", False),
        ("$\\sqrt3$", True),
        ("x+1", True),
        ("(2, 3)", True),
        ("18", True),
    ],
)
def test_reads_as_math(span: str, expected: bool) -> None:
    assert reads_as_math(span) is expected


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
