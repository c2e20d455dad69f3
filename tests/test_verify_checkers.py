"""The checkers (math, exact, choice, regex), their reference validation, and pass@k."""

from __future__ import annotations

import itertools
import math
import re

import pytest

import synthgen.verify
from synthgen.verify import (
    BadReference,
    ChoiceChecker,
    ExactChecker,
    MathChecker,
    NeedsSymbolic,
    RegexChecker,
    as_reference,
    get_checker,
    mean_pass_at_k,
    normalize_text,
    pass_at_k,
)

NUMERIC = MathChecker(symbolic=False)


@pytest.mark.parametrize(
    ("answer", "reference", "expected"),
    [
        ("So she pays 3 x 4 = 12 dollars.\n#### 12", "12", True),
        ("The answer is $1,250.", "1250", True),
        ("The answer is 1250.00 dollars.", "$1,250", True),
        ("\\boxed{\\frac{3}{4}}", "0.75", True),
        ("\\boxed{0.75}", "3/4", True),
        ("Answer: 25%", "0.25", True),
        ("Answer: 25%", "25", True),
        ("Answer: 0.25", "25%", True),
        ("The answer is 2.5 hours.", "2.5", True),
        ("The answer is 0.333333.", "1/3", True),
        ("The answer is 33.33.", "100/3", False),
        ("#### 13", "12", False),
        ("The answer is -4.", "4", False),
        ("No idea.", "4", False),
        ("It takes 9 weeks; I checked 3 times, so 9.", "9", True),
        (
            "Janet earns 18 a day. #### 18",
            "She sells 9 eggs at $2 each.\n#### 18",
            True,
        ),  # GSM8K-style reference
        # MATH's ways of writing numbers, against plain references
        ("So $\\boxed{10,\\!000}$.", "10000", True),
        ("So $\\boxed{10,\\!000}$.", "10", False),
        ("$\\boxed{10{,}000}$", "10,000", True),
        ("$\\boxed{10\\,000}$", "10,\\!000", True),
        ("$\\boxed{\\dfrac{7}{2}}$", "3.5", True),
        ("$\\boxed{3\\tfrac{1}{2}}$", "\\frac{7}{2}", True),
        ("$\\boxed{25\\%}$", "25", True),
        ("$\\boxed{12\\text{ cm}^2}$", "12", True),
        ("$\\boxed{30^\\circ}$", "30", True),
        ("The answer is $\\$18.90$.", "18.9", True),
        ("$\\boxed{x = 5}$", "5", True),
        # first-number traps: never read a structure as its first number
        ("$\\boxed{(2,3)}$", "2", False),
        ("$\\boxed{y = x^2 + 2}$", "2", False),
        ("$\\boxed{x < 5}$", "5", False),
        ("$\\boxed{2x}$", "2", False),
        ("$\\boxed{2, 3}$", "2", False),
        ("It is $\\boxed{2}$ or $\\boxed{3}$.", "2", False),
        ("The answer is $2$ or $3$.", "2", False),
        # exact values compare exactly; a decimal within 1e-6 of the reference passes
        ("$\\boxed{\\frac{4036082}{4036081}}$", "1", False),
        ("$\\boxed{0.3333333}$", "\\frac{1}{3}", True),
        # the documented order
        ("We get $\\boxed{3}$.\nFinal Answer: The final answer is $5$. I hope it is correct.", "5", True),
        ("We get $\\boxed{3}$.\nFinal Answer: The final answer is $5$. I hope it is correct.", "3", False),
        ("So this answer is not possible \u2026 the answer is 5.", "5", True),
        ("Work: 3 + 4 = 7.\nSo the total is $\\$12$.\n\nI hope this helps!", "12", True),
    ],
)
def test_math_checker(answer: str, reference: str, expected: bool) -> None:
    NUMERIC.validate_reference(reference)
    assert NUMERIC.check(answer, reference) is expected


@pytest.mark.parametrize(
    "reference", ["forty-two", "3 or 4", "", "\\frac{\\sqrt{3}}{2}", "(2,3)", "x > 5", "y = x^2 + 2", "1,23"]
)
def test_math_reference_that_is_not_a_number_is_refused_without_the_extra(reference: str) -> None:
    with pytest.raises(NeedsSymbolic, match="is not a plain number") as raised:
        NUMERIC.validate_reference(reference)
    assert "\n" not in str(raised.value)
    assert "synthgen[math]" in str(raised.value)  # the hint names the extra


def test_numeric_checker_does_not_take_symbolic_answers_for_numbers() -> None:
    assert NUMERIC.check("\\boxed{2\\sqrt{2}}", "2") is False


@pytest.mark.parametrize(
    ("answer", "reference", "expected"),
    [
        ("The capital is Paris.\nFinal answer: Paris.", "paris", True),
        ("The answer is The Beatles!", "beatles", True),
        ("Mount  Everest", "mount everest", True),
        ("The answer is 3.5", "35", False),
        ("Answer: \\text{blue}", "Blue", True),
        ("Answer: Lyon", "Paris", False),
        ("The Eiffel tower is in Paris", "paris", False),  # no marker: the whole answer is compared
    ],
)
def test_exact_checker(answer: str, reference: str, expected: bool) -> None:
    assert ExactChecker().check(answer, reference) is expected


def test_normalize_text() -> None:
    assert normalize_text("  The  U.S. Navy's ship!! ") == "u s navy s ship"
    assert normalize_text("1,000.5 km") == "1,000.5 km"


@pytest.mark.parametrize(
    ("answer", "letter"),
    [
        ("Answer: B", "B"),
        ("The answer is (C).", "C"),
        ("**D**", "D"),
        ("I think (A) is tempting, but (E) fits the data.", "E"),
        ("The correct option is B, since A and C miss the point.", "B"),
        ("Looking at the choices, **C.** is right.", "C"),
        ("B", "B"),
        ("b.", "B"),
        ("The answer is b", "B"),
        ("A car travels 60 km.", None),
        ("Answer: a car", None),
        ("I would choose C.", "C"),
        ("The answer is most likely E.", "E"),
        ("The answer is B, not C.", "B"),
        ("The answer is A, B, C, D, or E.", None),
        ("It is either B or D.", None),
        ("Option A looks wrong.\nThe answer is B. Wait, actually the answer is D.", "D"),
        ("Answer: D\n\nExplanation: A and B contradict the text.", "D"),
        ("$\\boxed{\\text{C}}$", "C"),
        ("The answer is (J).", "J"),
        ("The answer is (B) Vitamin C.", "B"),  # a letter in the option's text
        ("**A** Plan B", "A"),
        ("Either (B) or (D), hard to say.", None),
        ("I cannot tell.", None),
    ],
)
def test_choice_extraction(answer: str, letter: str | None) -> None:
    assert ChoiceChecker().extract(answer) == letter


MMLU_PROMPT = "Which gas do plants absorb?\nA. Oxygen\nB. Carbon dioxide\nC. Nitrogen\nD. Helium"
AQUA_PROMPT = "A train covers 60 km in 1.5 h. Its speed?\nAnswer Choices: A)30 B)40 C)45 D)50 E)60"


@pytest.mark.parametrize(
    ("answer", "prompt", "reference", "expected"),
    [
        ("Answer: (B)", "", "B", True),
        ("Answer: (B)", "", "(b)", True),
        ("Answer: (B)", "", "C", False),
        ("The answer is Carbon dioxide.", MMLU_PROMPT, "B", True),  # the option's text
        ("The answer is E.", MMLU_PROMPT, "B", False),  # E is no option of this prompt
        ("(F) is the one.", "", "B", False),  # no options listed: A-E for a reference B
        ("The answer is (G).", "", "G", True),  # a reference past E: the A-J set
        ("The answer is B)40.", AQUA_PROMPT, "B", True),
        ("The answer is A, B, C, D, or E.", AQUA_PROMPT, "A", False),
    ],
)
def test_choice_checker(answer: str, prompt: str, reference: str, expected: bool) -> None:
    checker = ChoiceChecker()
    checker.validate_reference(reference, prompt)
    assert checker.check(answer, reference, prompt) is expected


@pytest.mark.parametrize(
    ("reference", "prompt", "message"),
    [
        ("Paris", "", "is not an option letter"),
        ("K", "", "is not an option letter"),
        ("AB", "", "is not an option letter"),
        ("E", MMLU_PROMPT, "not one of the options the prompt lists (A-D)"),
    ],
)
def test_choice_references_outside_a_letter_set_are_refused(
    reference: str, prompt: str, message: str
) -> None:
    with pytest.raises(BadReference, match=re.escape(message)):
        ChoiceChecker().validate_reference(reference, prompt)


def test_regex_checker_uses_the_row_reference_as_the_pattern() -> None:
    checker = RegexChecker()
    assert checker.needs_reference
    assert checker.check("Reasoning... The answer is 42 apples.", r"^42\b")
    assert not checker.check(
        "I counted 42 and then 43.\nThe answer is 43.", r"^42\b"
    )  # the final answer only
    assert checker.check("no marker here, 42 somewhere", r"\b42\b")  # no marker: the whole answer
    with pytest.raises(BadReference, match="not a valid regular expression"):
        checker.validate_reference("(unclosed")


def test_regex_checker_with_one_pattern_for_the_run() -> None:
    checker = RegexChecker(r"(?i)^yes\b")
    assert not checker.needs_reference
    assert checker.check("Answer: Yes, it is.", "")
    assert not checker.check("Answer: no", "")
    with pytest.raises(BadReference):
        RegexChecker("[")


def test_get_checker_and_names() -> None:
    assert [get_checker(n).name for n in synthgen.verify.CHECKER_NAMES] == [
        "math",
        "exact",
        "choice",
        "regex",
    ]
    with pytest.raises(ValueError, match="unknown checker"):
        get_checker("fuzzy")


def test_as_reference() -> None:
    assert as_reference(42) == "42"
    assert as_reference(0.5) == "0.5"
    assert as_reference("x") == "x"
    for bad in (True, None, [1], {"a": 1}):
        with pytest.raises(BadReference):
            as_reference(bad)


# --- pass@k -------------------------------------------------------------------------------


def _pass_at_k_by_enumeration(n: int, c: int, k: int) -> float:
    """The definition: the share of k-subsets of n samples that hold a correct one."""
    samples = [True] * c + [False] * (n - c)
    subsets = list(itertools.combinations(samples, k))
    return sum(any(s) for s in subsets) / len(subsets)


@pytest.mark.parametrize(
    ("n", "c", "k"), [(n, c, k) for n in range(1, 8) for c in range(n + 1) for k in (1, 2, n)]
)
def test_pass_at_k_matches_its_definition(n: int, c: int, k: int) -> None:
    if k > n:
        return
    assert pass_at_k(n, c, k) == pytest.approx(_pass_at_k_by_enumeration(n, c, k))
    assert pass_at_k(n, c, k) == pytest.approx(1 - math.comb(n - c, k) / math.comb(n, k))


def test_pass_at_k_is_stable_for_large_n() -> None:
    # math.comb(10_000, 100) does not fit in a float; the product form does not need it.
    value = pass_at_k(10_000, 10, 100)
    assert 0 < value < 1
    assert value == pytest.approx(1 - math.prod(1 - 100 / i for i in range(9_991, 10_001)))
    assert pass_at_k(4, 1, 1) == pytest.approx(0.25)


def test_pass_at_k_rejects_impossible_counts() -> None:
    for n, c, k in [(4, 5, 1), (4, -1, 1), (4, 2, 0), (4, 2, 5)]:
        with pytest.raises(ValueError):
            pass_at_k(n, c, k)


def test_mean_pass_at_k_skips_rows_with_too_few_samples() -> None:
    assert mean_pass_at_k([(4, 0), (4, 4), (2, 2)], k=4) == pytest.approx(0.5)
    assert mean_pass_at_k([(2, 1)], k=4) is None


def test_public_surface() -> None:
    assert sorted(synthgen.verify.__all__) == [
        "BadReference", "CHECKER_NAMES", "Checker", "ChoiceChecker", "ExactChecker", "MathChecker",
        "NeedsSymbolic", "RegexChecker", "as_reference", "extract_final_answer", "extract_marked_answer", "get_checker",
        "last_boxed", "mean_pass_at_k", "normalize_text", "pass_at_k", "symbolic_available",
    ]  # fmt: skip
