"""seeds/code_problems.jsonl: the committed file is its script's output, every reference
solution passes its tests in the sandbox, and the mock teacher's faulty answers fail them."""

from __future__ import annotations

import asyncio
import importlib.util
import json
from pathlib import Path

import pytest

from sandbox_helpers import sandbox_or_skip
from synthgen.mock.code import ESCAPES, CodeFaults, code_problems, find_problem
from synthgen.mock.replies import mock_answer
from synthgen.verify.code_answer import extract_code
from synthgen.verify.code_check import CodeVerdict, code_job, read_result
from synthgen.verify.code_tests import read_tests
from synthgen.verify.sandbox import SandboxLimits, SandboxPool

SEEDS = Path(__file__).parents[1] / "seeds"
ROWS = [json.loads(line) for line in (SEEDS / "code_problems.jsonl").read_text().splitlines()]


def test_the_committed_file_is_the_script_s_output() -> None:
    spec = importlib.util.spec_from_file_location("make_code_problems", SEEDS / "make_code_problems.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (SEEDS / "code_problems.jsonl").read_text(encoding="utf-8") == module.render()


def test_every_shape_of_tests_is_there() -> None:
    plans = [read_tests(row["tests"], row.get("entry_point")) for row in ROWS]
    assert len(ROWS) >= 30
    assert sum(bool(p.cases) for p in plans) >= 8  # stdin/stdout
    assert sum(isinstance(r["tests"], str) and "def check" in r["tests"] for r in ROWS) >= 6
    assert sum(isinstance(r["tests"], list) and isinstance(r["tests"][0], str) for r in ROWS) >= 8
    assert sum(isinstance(r["tests"], str) and "def check" not in r["tests"] for r in ROWS) >= 4


def test_the_mock_finds_each_problem_in_its_prompt() -> None:
    assert len(code_problems()) == len(ROWS)
    for row in ROWS:
        problem = find_problem(f"Please help.\n\n{row['instruction']}")
        assert problem is not None and problem.solution == row["solution"]
    assert find_problem("What is 2 + 2?") is None


def _answers(faults: CodeFaults, wrong: float = 0.0) -> list[str | None]:
    return [
        extract_code(
            mock_answer(row["instruction"], seed=3, wrong_answer_rate=wrong, code_faults=faults).content
        )
        for row in ROWS
    ]


def _run_all(codes: list[str | None], limits: SandboxLimits) -> list[CodeVerdict]:
    plans = [read_tests(row["tests"], row.get("entry_point")) for row in ROWS]

    async def scenario() -> list[CodeVerdict]:
        pool = SandboxPool(2, limits)
        await pool.start()
        try:
            results = await asyncio.gather(
                *(pool.run(code_job(c or "", p)) for c, p in zip(codes, plans, strict=True))
            )
        finally:
            await pool.aclose()
        return [read_result(r, p.total) for r, p in zip(results, plans, strict=True)]

    return asyncio.run(scenario())


def test_reference_solutions_pass_and_wrong_answers_fail() -> None:
    sandbox_or_skip()
    right = _run_all([row["solution"] for row in ROWS], SandboxLimits(timeout=10))
    assert [v.status for v in right] == ["passed"] * len(ROWS), [v for v in right if not v.correct]
    assert _answers(CodeFaults()) == [row["solution"] for row in ROWS]
    wrong = _run_all(_answers(CodeFaults(), wrong=1.0), SandboxLimits(timeout=10))
    assert [v.status for v in wrong] == ["failed"] * len(ROWS)


@pytest.mark.parametrize(
    ("faults", "status"),
    [
        (CodeFaults(hang=1.0), "timeout"),
        (CodeFaults(crash=1.0), "failed"),
        (CodeFaults(flood=1.0), "output_limit"),
    ],
)
def test_faulty_answers_fail_with_their_reason(faults: CodeFaults, status: str) -> None:
    sandbox_or_skip()
    code = extract_code(mock_answer(ROWS[0]["instruction"], seed=1, code_faults=faults).content)
    [verdict] = _run_one(code, ROWS[0])
    assert verdict.status == status


def _run_one(code: str | None, row: dict) -> list[CodeVerdict]:  # type: ignore[type-arg]
    plan = read_tests(row["tests"], row.get("entry_point"))

    async def scenario() -> list[CodeVerdict]:
        pool = SandboxPool(1, SandboxLimits(timeout=0.5, output_kb=64))
        await pool.start()
        try:
            return [read_result(await pool.run(code_job(code or "", plan)), plan.total)]
        finally:
            await pool.aclose()

    return asyncio.run(scenario())


def test_every_escape_is_a_known_kind() -> None:
    for kind in ESCAPES:
        faults = CodeFaults(escape=1.0, escapes=(kind,))
        code = extract_code(mock_answer(ROWS[0]["instruction"], seed=1, code_faults=faults).content)
        assert code is not None and ROWS[0]["solution"] not in code
