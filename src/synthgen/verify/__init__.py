"""Answer extraction and checkers for rejection sampling, and the pass@k estimator.

text -> extract_final_answer -> span -> checker.check(answer_text, reference) -> bool
"""

from synthgen.verify.checkers import (
    CHECKER_NAMES,
    Checker,
    ChoiceChecker,
    ExactChecker,
    RegexChecker,
    as_reference,
    get_checker,
    normalize_text,
)
from synthgen.verify.extract import extract_final_answer, extract_marked_answer, last_boxed
from synthgen.verify.math_checker import BadReference, MathChecker, NeedsSymbolic
from synthgen.verify.passk import mean_pass_at_k, pass_at_k
from synthgen.verify.symbolic import symbolic_available

__all__ = [
    "CHECKER_NAMES",
    "BadReference",
    "Checker",
    "ChoiceChecker",
    "ExactChecker",
    "MathChecker",
    "NeedsSymbolic",
    "RegexChecker",
    "as_reference",
    "extract_final_answer",
    "extract_marked_answer",
    "get_checker",
    "last_boxed",
    "mean_pass_at_k",
    "normalize_text",
    "pass_at_k",
    "symbolic_available",
]
