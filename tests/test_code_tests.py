"""Reading a row's tests (both shapes), finding the code in an answer, and the harness's
verdicts, through a real sandbox where code runs."""

from __future__ import annotations

import asyncio
import json
import re

import pytest

from sandbox_helpers import FAST, sandbox_or_skip
from synthgen.verify.code_answer import extract_code
from synthgen.verify.code_check import CodeVerdict, code_job, read_result
from synthgen.verify.code_harness import compare
from synthgen.verify.code_tests import BadTests, TestPlan, read_tests
from synthgen.verify.sandbox import SandboxLimits, SandboxPool, SandboxResult

HUMANEVAL = "METADATA = {}\n\ndef check(candidate):\n    assert candidate(1, 2) == 3\n    assert candidate(0, 0) == 0\n"


def test_asserts_are_tests_and_what_lies_between_is_setup() -> None:
    plan = read_tests("import math\nassert f(1) == 2\nx = 3; assert f(x) == 4\n")
    assert plan.units == (
        ("setup", "import math"),
        ("test", "assert f(1) == 2"),
        ("setup", "x = 3"),
        ("test", "assert f(x) == 4"),
    )
    assert plan.total == 2


def test_a_check_function_is_called_with_the_entry_point() -> None:
    plan = read_tests(HUMANEVAL, "add")
    assert plan.units[-1] == ("test", "check(add)")
    assert plan.total == 1


def test_a_list_of_asserts_is_one_test_each() -> None:
    plan = read_tests(["assert f(1) == 1", "assert f(2) == 4"], "f")
    assert plan.units == (("test", "assert f(1) == 1"), ("test", "assert f(2) == 4"))


@pytest.mark.parametrize(
    "value",
    [
        [{"input": "1 2\n", "output": "3\n"}],
        json.dumps([{"input": "1 2\n", "output": "3\n"}]),
        {"inputs": ["1 2\n"], "outputs": ["3\n"]},
        json.dumps({"inputs": ["1 2\n"], "outputs": ["3\n"]}),
    ],
)
def test_input_output_pairs_in_every_spelling(value: object) -> None:
    assert read_tests(value).cases == (("1 2\n", "3\n"),)


def test_code_without_assert_or_check_is_one_test() -> None:
    assert read_tests("f(1)\n").units == (("test", "f(1)\n"),)


@pytest.mark.parametrize(
    ("value", "entry_point", "path", "reason"),
    [
        ("assert f(1) ==", None, "", "not valid Python: line 1"),
        (["assert f(1) == 1", "assert ("], None, "[1]", "not valid Python: line 1"),
        (HUMANEVAL, None, "", "names no entry point"),
        ("assert f(1) == 1", "g", "", "never use the entry point 'g'"),
        ("assert f(1) == 1", "not a name", "", "is not a Python name"),
        ([], None, "", "got an empty list"),
        (None, None, "", "got nothing"),
        (42, None, "", "got a int"),
        ([{"input": "1"}], None, "[0]", 'expected test code or an {"input", "output"} pair, got a dict'),
        ([{"input": 1, "output": "1"}], None, "[0].input", "expected a string, got a int"),
        ({"inputs": ["1"], "outputs": []}, None, "", "1 inputs and 0 outputs"),
        ({"inputs": ["1"], "outputs": ["1"], "fn_name": "f"}, None, "", "call-based"),
    ],
)
def test_tests_that_cannot_run_say_why(
    value: object, entry_point: str | None, path: str, reason: str
) -> None:
    with pytest.raises(BadTests, match=re.escape(reason)) as raised:
        read_tests(value, entry_point)
    assert raised.value.path == path


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        ("Here:\n```python\nprint(1)\n```\nand better:\n```python\nprint(2)\n```\n", "print(2)\n"),
        ("```python\nprint(1)\n```\n```\nprint(2)\n```\n", "print(1)\n"),  # tagged first
        ("```\nprint(2)\n```", "print(2)\n"),
        ("```bash\nls\n```", None),  # another language is not Python
        ("def f(x):\n    return x\n", "def f(x):\n    return x\n"),  # the whole answer parses
        ("The answer is 42.", None),
        ("~~~py\nprint(3)\n~~~\n", "print(3)\n"),
        ("```python\n\n```", None),
    ],
)
def test_the_code_is_the_last_python_block(answer: str, code: str | None) -> None:
    assert extract_code(answer) == code


@pytest.mark.parametrize(
    ("expected", "got", "exact", "failure"),
    [
        ("3\n", "3", False, None),
        ("1 2\n3\n", "1  2 3", False, None),
        ("3\n", "4\n", False, "line 1: expected '3', got '4'"),
        ("1\n2\n", "1\n", False, "line 2: expected '2', got '<end of output>'"),
        ("3\n", "3", True, "line 2: expected '', got '<end of output>'"),
        ("3\n", "3\n", True, None),
    ],
)
def test_outputs_compare_by_tokens_or_exactly(
    expected: str, got: str, exact: bool, failure: str | None
) -> None:
    assert compare(expected, got, exact) == failure


def _result(report: list[dict[str, object]], **fields: object) -> SandboxResult:
    base = {"exit_code": 0, "timed_out": False, "output_limited": False, "seconds": 0.1, "stdout": "",
            "stderr": "", "report": "\n".join(json.dumps(e) for e in report), "output_bytes": 0}  # fmt: skip
    return SandboxResult(**{**base, **fields})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("result", "status", "passed", "failure"),
    [
        (_result([{"test": 0, "ok": True}, {"test": 1, "ok": True}, {"done": True}]), "passed", 2, None),
        (_result([{"test": 0, "ok": True}, {"test": 1, "ok": False, "error": "E: x"}, {"done": True}]),
         "failed", 1, "test 2: E: x"),
        (_result([{"error": "the code failed to run: SyntaxError"}, {"done": True}]), "failed", 0,
         "the code failed to run: SyntaxError"),
        (_result([{"test": 0, "ok": True}], timed_out=True, seconds=2.0), "timeout", 1,
         "timed out after 2.0 s (1 of 2 tests passed)"),
        (_result([], output_limited=True, output_bytes=9), "output_limit", 0,
         "stopped: wrote more than the output limit (9 bytes)"),
        (_result([{"test": 0, "ok": True}], exit_code=0), "crashed", 1,
         "exited with code 0 before the tests finished"),
        (_result([{"test": 0, "ok": True}, {"test": 0, "ok": True}, {"test": 0, "ok": True}, {"done": True}]),
         "failed", 3, None),  # more passes than tests: written by the code, not the harness
        (_result([], exit_code=None, error="boom"), "sandbox_error", 0, "sandbox failed: boom"),
    ],
)  # fmt: skip
def test_a_run_s_verdict(result: SandboxResult, status: str, passed: int, failure: str | None) -> None:
    verdict = read_result(result, total=2)
    assert (verdict.status, verdict.passed, verdict.first_failure) == (status, passed, failure)
    assert verdict.correct is (status == "passed")


def _verdicts(pairs: list[tuple[str, TestPlan]], limits: SandboxLimits = FAST) -> list[CodeVerdict]:
    async def scenario() -> list[CodeVerdict]:
        pool = SandboxPool(2, limits)
        await pool.start()
        try:
            futures = [pool.run(code_job(code, plan)) for code, plan in pairs]
            results = await asyncio.gather(*futures)
        finally:
            await pool.aclose()
        return [read_result(r, plan.total) for r, (_, plan) in zip(results, pairs, strict=True)]

    return asyncio.run(scenario())


def test_the_harness_runs_both_shapes_in_the_sandbox() -> None:
    sandbox_or_skip()
    add = "def add(a, b):\n    return a + b\n"
    io = "a, b = map(int, input().split())\nprint(a + b)\n"
    pairs = [
        (add, read_tests("assert add(1, 2) == 3\nassert add(2, 2) == 4")),
        (add.replace("+", "-"), read_tests("assert add(1, 2) == 3\nassert add(0, 0) == 0")),
        (add, read_tests(HUMANEVAL, "add")),
        (io, read_tests([{"input": "1 2\n", "output": "3\n"}, {"input": "2 2", "output": "5"}])),
        ("import sys\nsys.exit(0)\n", read_tests("assert True")),
        ("def add(a, b)\n", read_tests("assert add(1, 2) == 3")),
        ("raise SystemExit(3)\n", read_tests([{"input": "", "output": ""}])),
    ]
    verdicts = _verdicts(pairs)
    assert [(v.status, v.passed, v.total) for v in verdicts] == [
        ("passed", 2, 2),
        ("failed", 1, 2),
        ("passed", 1, 1),
        ("failed", 1, 2),
        ("failed", 0, 1),
        ("failed", 0, 1),
        ("failed", 0, 1),
    ]
    assert verdicts[1].first_failure == "test 1: AssertionError: assert add(1, 2) == 3"
    assert verdicts[3].first_failure == "test 2: line 1: expected '5', got '4'"
    assert verdicts[4].first_failure == "the code failed to run: SystemExit: 0"
    assert verdicts[5].first_failure is not None and "SyntaxError" in verdicts[5].first_failure
    assert verdicts[6].first_failure == "test 1: exit code 3: SystemExit: 3"
