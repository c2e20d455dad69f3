"""`synthgen respond --verify ...` end to end, over HTTP against the mock teacher, whose answers
the rows script (``[mock: answer]``, see synthgen/mock/scripted.py); and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import read_jsonl, run_cli

# A row asks the mock for exactly this answer; its reference; whether --verify math accepts it.
MATH_ROWS = [
    ("Work.\nSo $\\boxed{10,\\!000}$.", "10000", True),
    ("Work.\nSo $\\boxed{10,\\!000}$.", "10", False),
    ("$\\boxed{(2,3)}$", "2", False),
    ("$\\boxed{\\frac{4036082}{4036081}}$", "1", False),
    ("We get $\\boxed{3}$.\nFinal Answer: The final answer is $5$. I hope it is correct.", "5", True),
    ("this answer is not possible \u2026 so the answer is 5.", "5", True),
    ("She pays 3 x 6 = 18 dollars.\n#### 18", "18", True),
    ("So the result is $\\dfrac{3}{4}$.\n\nI hope this helps!", "0.75", True),
    ("The answer is $2$ or $3$.", "2", False),
]
SYMBOLIC_ROWS = [
    ("The answer is $\\sqrt3$.", "\\sqrt{3}", True),
    ("$\\boxed{x < 5}$", "x > 5", False),
    ("$\\boxed{y = x^2 + 2}$", "2", False),
    ("$\\boxed{[1, 5)}$", "[1,5)", True),
]


QUESTION = "Which gas do plants absorb?\nA. Oxygen\nB. Carbon dioxide\nC. Nitrogen\nD. Helium"
CHOICE_ROWS = [
    ("Oxygen is made, not absorbed. The answer is (B).", "B", True),
    ("The answer is A, B, C, D, or E.", "B", False),  # a hedge
    ("Helium is inert, so not D.\nAnswer: E", "B", False),  # E is no option here
    ("The answer is most likely B.", "B", True),
    ("The answer is Carbon dioxide.", "B", True),
    ("(A) is tempting, but (C) fits.", "B", False),
]


def _rows(path: Path, cases: list[tuple[str, str, bool]], question: str = "Problem") -> Path:
    lines = [
        json.dumps({"instruction": f"{question}\n[mock: answer]\n{answer}", "answer": reference})
        for answer, reference, _ in cases
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _verified(out: Path) -> list[bool]:
    meta = read_jsonl(out.with_name(out.name + ".meta.jsonl"))
    return [line["verified"] for line in sorted(meta, key=lambda m: m["row"])]


def _verify_over_http(url: str, source: Path, checker: str) -> list[bool]:
    """``respond --verify checker --keep all`` against the mock at ``url``: each row's flag."""
    out = source.with_name("out.jsonl")
    result = run_cli(
        "respond", source, "--base-url", url, "--model", "m", "-o", out, "-q",
        "--verify", checker, "--keep", "all", "--no-cache",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return _verified(out)


def test_math_answers_are_read_the_way_they_mean(tmp_path: Path, mock_server: Any) -> None:
    pytest.importorskip("math_verify")
    cases = MATH_ROWS + SYMBOLIC_ROWS
    flags = _verify_over_http(mock_server().url, _rows(tmp_path / "in.jsonl", cases), "math")
    assert flags == [expected for _, _, expected in cases]


def test_choice_answers_commit_to_exactly_one_option(tmp_path: Path, mock_server: Any) -> None:
    flags = _verify_over_http(
        mock_server().url, _rows(tmp_path / "in.jsonl", CHOICE_ROWS, QUESTION), "choice"
    )
    assert flags == [expected for _, _, expected in CHOICE_ROWS]


def _without_math_verify(*args: object) -> subprocess.CompletedProcess[str]:
    """The CLI in a fresh interpreter where ``math_verify`` cannot be imported."""
    code = (
        "import sys; sys.modules['math_verify'] = None; from synthgen.cli import main; "
        f"sys.argv = ['synthgen'] + {[str(a) for a in args]!r}; main()"
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_without_the_extra_numbers_work_and_other_references_are_refused(tmp_path: Path) -> None:
    numeric, out = _rows(tmp_path / "plain.jsonl", MATH_ROWS), tmp_path / "out.jsonl"
    done = _without_math_verify(
        "respond", numeric, "--teacher", "mock", "-o", out, "-q", "--verify", "math", "--keep", "all"
    )
    assert done.returncode == 0, done.stderr
    assert _verified(out) == [expected for _, _, expected in MATH_ROWS]

    symbolic, refused = _rows(tmp_path / "sym.jsonl", MATH_ROWS + SYMBOLIC_ROWS), tmp_path / "refused.jsonl"
    done = _without_math_verify("respond", symbolic, "--teacher", "mock", "-o", refused, "--verify", "math")
    assert done.returncode == 2
    line = f"{symbolic}:10: answer: reference '\\\\sqrt{{3}}' is not a plain number"
    assert done.stderr.startswith(f"synthgen: error: {line}"), done.stderr
    assert "synthgen[math]" in done.stderr and "3 of 13 rows need it" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and not refused.exists()


def test_bad_verify_input_is_one_line_before_any_request(tmp_path: Path, mock_server: Any) -> None:
    server = mock_server("--seed", "7")  # its own server: its request count must stay 0
    good = _rows(tmp_path / "in.jsonl", MATH_ROWS[:2])
    letters = _rows(tmp_path / "letters.jsonl", [("x", "B", True), ("y", "K", False)])
    letters_listed = _rows(tmp_path / "listed.jsonl", [("x", "E", False)], QUESTION)
    half = tmp_path / "half.jsonl"
    half.write_text('{"instruction": "a", "answer": "1"}\n{"instruction": "b"}\n{"instruction": "c"}\n')
    out = tmp_path / "out.jsonl"
    out.write_text('{"instruction": "kept", "input": "", "output": "as it was"}\n')
    before = out.read_bytes()
    teacher = ["--base-url", server.url, "--model", "m", "--no-cache"]
    cases = [
        ([good, "--verify", "regex", "--verify-pattern", "([a-"], "--verify-pattern: '([a-' is not a valid"),
        ([half, "--verify", "math"], f"{half}:2: answer: reference answer required by --verify math (2 of 3"),
        (
            [good, "--verify", "math", "--reference-field", "gold"],
            f"{good}:1: gold: reference answer required",
        ),
        ([letters, "--verify", "choice"], f"{letters}:2: answer: reference 'K' is not an option letter"),
        ([letters_listed, "--verify", "choice"], f"{letters_listed}:1: answer: reference 'E' is not one of"),
    ]
    for args, message in cases:
        result = run_cli("respond", *args, *teacher, "-o", out)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "Traceback" not in result.output
    assert out.read_bytes() == before
    assert server.stats()["requests_total"] == 0
