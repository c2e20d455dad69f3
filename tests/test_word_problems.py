"""Arithmetic word problems: the seed file, the templates, and solving questions back."""

from __future__ import annotations

import importlib.util
import json
import random
import re
from fractions import Fraction
from pathlib import Path

import pytest

from synthgen.mock import math_tasks
from synthgen.mock.expressions import ExpressionError, evaluate
from synthgen.mock.slots import Slots
from synthgen.mock.word_problem_templates import TEMPLATES
from synthgen.mock.word_problems import draw_problem, format_answer, show_number, solve_question
from synthgen.verify import MathChecker

ROOT = Path(__file__).resolve().parents[1]
SEED_FILE = ROOT / "seeds" / "math_word_problems.jsonl"


def _seed_script():
    spec = importlib.util.spec_from_file_location("make_math", ROOT / "seeds" / "make_math_word_problems.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_seed_file_is_the_scripts_output() -> None:
    assert SEED_FILE.read_text(encoding="utf-8") == _seed_script().render()


def test_seed_file_rows() -> None:
    rows = [json.loads(line) for line in SEED_FILE.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 300
    assert all(set(row) == {"id", "instruction", "answer"} for row in rows)
    assert len({row["id"] for row in rows}) == len(rows)
    assert len({row["instruction"] for row in rows}) == len(rows)
    used = {solve_question(row["instruction"]).template for row in rows}  # type: ignore[union-attr]
    assert used == {t.id for t in TEMPLATES}
    checker = MathChecker(symbolic=False)
    for row in rows:
        checker.validate_reference(row["answer"])  # every reference is a number
        assert checker.check(f"#### {row['answer']}", row["answer"])


def test_seed_script_refuses_a_wrong_answer() -> None:
    script = _seed_script()
    row = {"id": "x", "instruction": "A film lasts 90 minutes. How long is that in hours?", "answer": "1.5"}
    script.check(row)
    with pytest.raises(ValueError, match="computed from the text"):
        script.check({**row, "answer": "1.6"})


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.id)
def test_every_phrasing_reads_back_to_its_answer(template) -> None:
    rng = random.Random(template.id)
    phrasings_seen = set()
    for _ in range(40):
        question, solution = draw_problem(template, rng)
        literals = [max(re.split(r"\{\w+\}", p), key=len) for p in template.phrasings]
        phrasings_seen.add(next(i for i, literal in enumerate(literals) if literal in question))
        solved = solve_question(f"Please solve this.\n\n{question}")
        assert solved is not None, question
        assert (solved.template, solved.answer) == (template.id, solution.answer), question
        assert solved.worked(solved.answer) == solution.worked(solution.answer)
        assert format_answer(solution.answer, template.as_fraction) in solution.worked(solution.answer)[-1]
    assert len(phrasings_seen) == len(template.phrasings)


@pytest.mark.parametrize(
    ("make", "template"),
    [
        (math_tasks._math_change, "change"),
        (math_tasks._math_travel, "travel_time"),
        (math_tasks._math_discount, "discount"),
        (math_tasks._math_savings, "savings_weeks"),
        (math_tasks._math_average, "average"),
        (math_tasks._math_recipe, "recipe"),
    ],
)
def test_the_mocks_generated_math_tasks_are_solved_like_their_own_worked_answers(make, template) -> None:
    """Problems from ``generate --teacher mock`` (a two-stage run answers them) get the answer
    their generator wrote: the last number of its worked answer (computed there separately)."""
    rng = random.Random(7)
    for _ in range(30):
        _, problem, worked = make(rng, Slots(rng))
        solved = solve_question(problem)
        assert solved is not None and solved.template == template, problem
        last_number = re.findall(r"-?\d+(?:\.\d+)?", worked)[-1]
        if template == "savings_weeks":
            last_number = re.search(r"takes (\d+) weeks", worked)[1]  # type: ignore[index]
        # (the generator prints with %g: six significant digits)
        assert float(solved.answer) == pytest.approx(float(last_number), rel=1e-5), (problem, worked)


@pytest.mark.parametrize(
    ("prompt", "value"),
    [
        ("What is 12 x (3 + 4)?", 84),
        ("Calculate 1,000 / 8.", 125),
        ("compute 2^10 - 24", 1000),
        ("How much is 7 \u00d7 6?", 42),
        ("Evaluate 3/4 + 1/8", Fraction(7, 8)),
    ],
)
def test_calculations(prompt: str, value: Fraction | int) -> None:
    solved = solve_question(prompt)
    assert solved is not None and solved.answer == value


@pytest.mark.parametrize(
    "prompt",
    ["What is the capital of France?", "What is 42?", "Compute 1/0.", "Write 20 new tasks.", ""],
)
def test_questions_the_mock_cannot_compute(prompt: str) -> None:
    assert solve_question(prompt) is None


def test_show_number() -> None:
    assert [show_number(Fraction(x)) for x in ("12", "-3", "2.5", "1/128", "5/6")] == [
        "12", "-3", "2.5", "0.0078125", "5/6",
    ]  # fmt: skip


def test_expressions_are_exact_and_closed() -> None:
    assert evaluate("0.1 * 3 + x", {"x": Fraction(1, 3)}) == Fraction(3, 10) + Fraction(1, 3)
    assert evaluate("ceil(7 / 2) + floor(-0.5)") == 3
    assert evaluate("a > 2 and a < 5", {"a": Fraction(3)}) == 1
    for bad in ("__import__('os')", "x.y", "2 ** 100", "1 / 0", "y + 1", "[1]", "'a'"):
        with pytest.raises(ExpressionError):
            evaluate(bad, {"x": Fraction(1)})
