"""Precision and recall of synthgen's checkers on a regression set written here (issue 22).

    python benchmarks/verify_accuracy.py                 # every checker
    python benchmarks/verify_accuracy.py --only math --show 5

The sets live in ``benchmarks/verify_cases/`` (each module cites the conventions it follows):
math answers in MATH's, Minerva's, GSM8K's and chat models' formats, with first-number traps
and a 5,000-pair cross-check (answers checked against another problem's reference);
multiple-choice phrasings; judge verdicts; refusals and ordinary answers. For each checker the
script prints precision (accepted answers that are right) and recall (right answers accepted),
per set, and with ``--show N`` the first N errors of each.

Targets (issue 22): math precision >= 0.999 and recall >= 0.99 on marked answers, recall >= 0.90
on unmarked final lines, 0 accepted in the cross-check; choice precision >= 0.99; judge 100% on
integer verdicts. The script exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from verify_cases import Case

Check = Callable[[Case], bool]


class Score:
    """Confusion counts of one checker on one set, and its errors by format."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.counts: Counter[str] = Counter()
        self.errors: list[tuple[str, Case]] = []
        self.error_forms: Counter[str] = Counter()
        self.seconds = 0.0

    def add(self, case: Case, accepted: bool) -> None:
        kind = ("tp" if case.expected else "fp") if accepted else ("fn" if case.expected else "tn")
        self.counts[kind] += 1
        if kind in ("fp", "fn"):
            self.errors.append((kind, case))
            self.error_forms[f"{kind}:{case.form}/{case.family}"] += 1

    @property
    def precision(self) -> float:
        accepted = self.counts["tp"] + self.counts["fp"]
        return self.counts["tp"] / accepted if accepted else 1.0

    @property
    def recall(self) -> float:
        right = self.counts["tp"] + self.counts["fn"]
        return self.counts["tp"] / right if right else 1.0

    def line(self) -> str:
        c = self.counts
        total = sum(c.values())
        return (
            f"  {self.name:<34} {total:>6} cases  precision {self.precision:.4f}  recall {self.recall:.4f}"
            f"  (tp {c['tp']}, fp {c['fp']}, fn {c['fn']}, tn {c['tn']}; {self.seconds:.1f} s)"
        )


def run(name: str, cases: Sequence[Case], check: Check) -> Score:
    score = Score(name)
    start = time.perf_counter()
    for case in cases:
        score.add(case, check(case))
    score.seconds = time.perf_counter() - start
    return score


def show(score: Score, limit: int) -> None:
    if not limit or not score.errors:
        return
    for form, count in score.error_forms.most_common(8):
        print(f"      {count:>4}  {form}")
    for kind, case in score.errors[:limit]:
        tail = case.text[-160:].replace("\n", "\\n")
        print(f"      {kind} [{case.form}/{case.family}] ref={case.reference[-60:]!r}  ...{tail!r}")


def math_scores(per_family: int) -> list[tuple[Score, Callable[[Score], bool]]]:
    from verify_cases.math_answers import cases, cross_pairs

    from synthgen.verify import MathChecker, symbolic_available

    sets = cases(per_family=per_family)
    cross = cross_pairs(per_family=per_family)
    full = MathChecker()
    numeric = MathChecker(symbolic=False)
    numeric_ok = _numeric_references(numeric)
    extra = "with math-verify" if symbolic_available() else "WITHOUT math-verify"
    marked = run(f"math marked ({extra})", sets["marked"], lambda c: full.check(c.text, c.reference))
    unmarked = run(f"math unmarked ({extra})", sets["unmarked"], lambda c: full.check(c.text, c.reference))
    crossed = run(f"math cross-check ({extra})", cross, lambda c: full.check(c.text, c.reference))
    plain = [c for c in sets["marked"] if numeric_ok(c.reference)]
    no_extra = run("math marked, numbers, no extra", plain, lambda c: numeric.check(c.text, c.reference))
    return [
        (marked, lambda s: s.precision >= 0.999 and s.recall >= 0.99),
        (unmarked, lambda s: s.recall >= 0.90),
        (crossed, lambda s: s.counts["fp"] == 0),
        (no_extra, lambda s: s.precision >= 0.999 and s.recall >= 0.99),
    ]


def _numeric_references(checker: object) -> Callable[[str], bool]:
    def ok(reference: str) -> bool:
        try:
            checker.validate_reference(reference)  # type: ignore[attr-defined]
        except ValueError:
            return False
        return True

    return ok


def choice_scores(_: int) -> list[tuple[Score, Callable[[Score], bool]]]:
    from verify_cases.choice_answers import cases

    from synthgen.verify.choice import ChoiceChecker

    checker = ChoiceChecker()
    found = cases()
    score = run("choice", found, lambda c: checker.check(c.text, c.reference, c.prompt))
    return [(score, lambda s: s.precision >= 0.99)]


def judge_scores(_: int) -> list[tuple[Score, Callable[[Score], bool]]]:
    """A grade read right is a true positive, a wrong grade a false positive, no grade where
    there is one a miss; replies without a grade must give none (true negatives)."""
    from verify_cases.judge_verdicts import cases

    from synthgen.recipes.verdict import asked_formats, read_verdict

    asked = {
        "brackets": asked_formats('"[[rating]]"'),
        "labelled": asked_formats("Score: N"),
        "result": asked_formats("[RESULT] N"),
    }
    found = cases()
    score = Score("judge (integer and half-point verdicts)")
    start = time.perf_counter()
    for case in found:
        got = read_verdict(case.text, asked[case.family])
        right = got is not None and str(got[0]) == case.reference
        kind = ("tp" if right else "fp") if got is not None else ("fn" if case.expected else "tn")
        score.counts[kind] += 1
        if kind in ("fp", "fn"):
            score.errors.append((kind, case))
            score.error_forms[f"{kind}:{case.form}/{case.family}"] += 1
    score.seconds = time.perf_counter() - start
    return [(score, lambda s: s.counts["fp"] == 0 and s.counts["fn"] == 0)]


def refusal_scores(_: int) -> list[tuple[Score, Callable[[Score], bool]]]:
    """Positive: a refusal. Precision: flags that are refusals; recall: refusals flagged."""
    from verify_cases.refusal_answers import cases

    from synthgen.recipes.filters import is_refusal

    found = cases()
    score = run("refusal filter", found, lambda c: is_refusal(c.text))
    return [(score, lambda s: s.precision >= 0.95 and s.recall >= 0.95)]  # no target in the issue: ours


SECTIONS: dict[str, Callable[[int], list[tuple[Score, Callable[[Score], bool]]]]] = {
    "math": math_scores,
    "choice": choice_scores,
    "judge": judge_scores,
    "refusal": refusal_scores,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=sorted(SECTIONS), action="append")
    parser.add_argument("--per-family", type=int, default=40, help="problems per math family")
    parser.add_argument("--show", type=int, default=0, help="print the first N errors of each set")
    args = parser.parse_args(argv)
    missed = []
    for name in args.only or list(SECTIONS):
        print(f"{name}:")
        for score, target in SECTIONS[name](args.per_family):
            met = target(score)
            print(score.line() + ("" if met else "  << target missed"))
            show(score, args.show)
            if not met:
                missed.append(score.name)
    print("targets met" if not missed else f"targets missed: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
