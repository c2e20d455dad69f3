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
    ],
)
def test_symbolic_answers(checker: MathChecker, answer: str, reference: str, expected: bool) -> None:
    checker.validate_reference(reference)
    assert checker.check(answer, reference) is expected


def test_symbolic_reference_is_accepted_but_an_empty_one_is_not(checker: MathChecker) -> None:
    checker.validate_reference("\\frac{\\sqrt{3}}{2}")
    with pytest.raises(BadReference, match="is not a number"):
        checker.validate_reference("")
