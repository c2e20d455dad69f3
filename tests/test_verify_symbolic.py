"""The math checker with Hugging Face's math-verify (the ``synthgen[math]`` extra); skipped
when it is not installed. The numeric checker's own tests are in test_verify_checkers.py."""

from __future__ import annotations

import pytest

from synthgen.verify import BadReference, MathChecker, symbolic_available

pytest.importorskip("math_verify")


@pytest.fixture(scope="module")
def checker() -> MathChecker:
    return MathChecker(symbolic=True)


def test_installed_extra_is_used_by_default() -> None:
    assert symbolic_available()
    assert MathChecker().symbolic


@pytest.mark.parametrize(
    ("answer", "reference", "expected"),
    [
        ("So $\\boxed{\\frac{\\sqrt{3}}{2}}$.", "\\frac{\\sqrt{3}}{2}", True),
        ("\\boxed{\\frac{\\sqrt{3}}{2}}", "\\frac{\\sqrt{12}}{4}", True),
        ("The answer is $(x+1)^2$.", "x^2 + 2x + 1", True),
        ("\\boxed{\\{2, 1\\}}", "\\{1, 2\\}", True),
        ("\\boxed{2\\sqrt{2}}", "2", False),
        ("\\boxed{2\\sqrt{2}}", "\\sqrt{8}", True),
        ("\\boxed{\\pi/2}", "\\frac{\\pi}{2}", True),
        ("\\boxed{\\frac{\\pi}{3}}", "\\frac{\\pi}{2}", False),
        ("#### 12", "12", True),  # numbers still go the numeric way
        ("Answer: $\\frac{1}{2}$", "0.5", True),
        # answers without a digit are asked too
        ("The answer is $\\sqrt3$.", "\\sqrt{3}", True),
        ("$\\boxed{\\pi}$", "\\pi", True),
        ("$\\boxed{\\sqrt{4}}$", "2", True),  # a numeric reference, an answer that is not plain
        # structures by what they are, never by a first number
        ("$\\boxed{(2,3)}$", "(2,3)", True),
        ("$\\boxed{(3,2)}$", "(2,3)", False),
        ("$\\boxed{(2,3)}$", "2", False),
        ("$\\boxed{[1, 5)}$", "[1,5)", True),
        ("$\\boxed{(1, 5]}$", "[1,5)", False),
        ("$\\boxed{x < 5}$", "x > 5", False),
        ("$\\boxed{x > 5}$", "x > 5", True),
        ("$\\boxed{y = x^2 + 2}$", "y = x^2 + 2", True),
        ("$\\boxed{y = x^2 + 2}$", "2", False),
        ("$\\boxed{2, 1}$", "1, 2", True),
        ("It is $\\boxed{1}$ or $\\boxed{2}$.", "1, 2", True),  # a list of solutions
        ("It is $\\boxed{1}$ or $\\boxed{7}$.", "1", False),  # a hedge
        ("$\\boxed{\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}}$", "\\begin{pmatrix}1\\\\2\\end{pmatrix}", True),
        ("$\\boxed{\\text{(C)}}$", "\\text{(C)}", True),
        ("$\\boxed{\\frac{4036082}{4036081}}$", "1", False),
        ("The answer is 12 apples and 3 pears.", "3", False),  # prose is not handed to math-verify
        (
            "We get $\\boxed{1}$.\nFinal Answer: The final answer is $(2, 3)$. I hope it is correct.",
            "(2,3)",
            True,
        ),
        ("Therefore\n\\[\n\\frac{\\sqrt{3}}{2}\n\\]", "\\frac{\\sqrt{12}}{4}", True),
    ],
)
def test_symbolic_answers(checker: MathChecker, answer: str, reference: str, expected: bool) -> None:
    checker.validate_reference(reference)
    assert checker.check(answer, reference) is expected


def test_symbolic_reference_is_accepted_but_an_empty_one_is_not(checker: MathChecker) -> None:
    checker.validate_reference("\\frac{\\sqrt{3}}{2}")
    checker.validate_reference("Half of it: $\\boxed{\\frac{\\sqrt{3}}{2}}$")  # a MATH solution
    with pytest.raises(BadReference, match="math-verify reads"):
        checker.validate_reference("")
