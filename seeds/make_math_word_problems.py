"""Write seeds/math_word_problems.jsonl: arithmetic word problems with checked reference answers.

    PYTHONPATH=src python seeds/make_math_word_problems.py

The problems come from the templates of ``synthgen.mock.word_problem_templates`` (written for
synthgen), with names, objects and numbers drawn from a fixed seed, so a rerun writes the same
bytes (tests/test_word_problems.py checks that the committed file is this script's output).
Every answer is computed with exact fractions and then checked twice before the file is
written: the question text is solved again from scratch (read back by the mock teacher's parser)
and must give the same answer, and the answer string must read back as that number.
"""

from __future__ import annotations

import json
import sys
from fractions import Fraction
from pathlib import Path

from synthgen.mock.word_problems import format_answer, make_problems, solve_question

COUNT = 320
SEED = 14
OUTPUT = Path(__file__).with_name("math_word_problems.jsonl")


def check(problem: dict[str, str]) -> None:
    """Raise if the problem's answer is not what its text computes to."""
    solution = solve_question(problem["instruction"])
    if solution is None:
        raise ValueError(f"{problem['id']}: the question cannot be read back: {problem['instruction']}")
    if format_answer(solution.answer, solution.as_fraction) != problem["answer"]:
        raise ValueError(f"{problem['id']}: {problem['answer']} != {solution.answer} computed from the text")
    if Fraction(problem["answer"]) != solution.answer:
        raise ValueError(f"{problem['id']}: {problem['answer']!r} does not read back as {solution.answer}")


def render(count: int = COUNT, seed: int = SEED) -> str:
    """The file's text: one JSON object a line."""
    problems = make_problems(count, seed)
    for problem in problems:
        check(problem)
    return "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in problems)


def main() -> int:
    OUTPUT.write_text(render(), encoding="utf-8")
    print(f"wrote {COUNT} problems to {OUTPUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
