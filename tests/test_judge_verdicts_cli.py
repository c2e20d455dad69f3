"""`synthgen judge` and `pairs` end to end over HTTP: the grade read from scripted verdicts
(``[mock: verdict]``, synthgen/mock/scripted.py), the format a custom prompt asks for, and rows
with an empty answer skipped before any request."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import read_jsonl, run_cli

# (the judge's whole reply, the grade synthgen must read)
VERDICTS = [
    ("It would earn a score of 6 for clarity, but every step is right.\nScore: 8", 8),
    ("Fine for grade 5 students.\nScore: 9", 9),
    ('It returns {"score": 3, "name": "lamp"}, valid JSON.\nScore: 7', 7),
    ("My first impression was Score: 4, but it holds up.\nScore: 6", 6),
    ("Correct.\nScore: 7.5", 7),  # half points round down
    ('{"reason": "Solid.", "score": 10}', 10),
]


def _write(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _report(out: Path) -> dict[str, Any]:
    return json.loads(out.with_name(out.name + ".report.json").read_text())


def _scripted(verdicts: list[tuple[str, int]]) -> list[dict[str, str]]:
    return [
        {"instruction": f"Task {i}.", "input": "", "output": f"An answer.\n[mock: verdict]\n{reply}"}
        for i, (reply, _) in enumerate(verdicts)
    ]


def test_the_grade_is_the_last_one_in_the_asked_format(tmp_path: Path, mock_server: Any) -> None:
    server = mock_server()
    source, out = _write(tmp_path / "in.jsonl", _scripted(VERDICTS)), tmp_path / "out.jsonl"
    common = ["--base-url", server.url, "--model", "judge", "-q", "--no-cache", "--min-score", "1"]
    result = run_cli("judge", source, "-o", out, "--no-structured", *common)
    assert result.exit_code == 0, result.output
    assert [m["score"] for m in read_jsonl(out.with_name("out.jsonl.meta.jsonl"))] == [g for _, g in VERDICTS]


def test_a_custom_prompt_asking_for_brackets_is_read_in_that_format(tmp_path: Path, mock_server: Any) -> None:
    server = mock_server()
    prompt = tmp_path / "mt_bench.txt"
    prompt.write_text(
        "[Question]\n{prompt}\n<answer>\n{answer}\n</answer>\nRate the answer with a score from 1 to 10 "
        'by strictly following this format: "[[rating]]", for example: "Rating: [[5]]".\n'
    )
    verdicts = [("Score: 3 for style only; overall Rating: [[8]]", 8), ("[[4]] Score: 9 was my draft", 4)]
    source, out = _write(tmp_path / "in.jsonl", _scripted(verdicts)), tmp_path / "out.jsonl"
    result = run_cli(
        "judge", source, "-o", out, "--prompt", prompt, "--no-structured", "--min-score", "1",
        "--base-url", server.url, "--model", "judge", "-q", "--no-cache",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert [m["score"] for m in read_jsonl(out.with_name("out.jsonl.meta.jsonl"))] == [8, 4]


def test_judge_skips_empty_answers_before_any_request(tmp_path: Path, mock_server: Any) -> None:
    server = mock_server("--seed", "11")  # its own server: it counts the requests
    rows = [
        {"instruction": "Empty first.", "input": "", "output": ""},
        {"instruction": "Explain tides.", "input": "", "output": "The moon pulls the sea. " * 8},
        {"instruction": "Blank.", "input": "", "output": "   \n"},
        {"instruction": "Name a river.", "input": "", "output": "The Nile, in Africa, is long."},
        {"instruction": "Empty last.", "input": "", "output": ""},
    ]
    source, out = _write(tmp_path / "in.jsonl", rows), tmp_path / "out.jsonl"
    common = ["--base-url", server.url, "--model", "judge", "--no-cache", "--min-score", "1"]
    result = run_cli("judge", source, "-o", out, *common)
    assert result.exit_code == 0, result.output
    assert "3 of 5 rows have an empty answer, skipped (empty_answer)" in result.stderr
    assert "synthgen respond" in result.stderr  # the hint
    assert server.stats()["requests_total"] == 2
    assert [r["instruction"] for r in read_jsonl(out)] == ["Explain tides.", "Name a river."]
    counts = _report(out)["last_run"]["counts"]
    assert counts["rejected"] == {"empty_answer": 3} and counts["candidates"] == 5
    rejected = read_jsonl(out.with_name("out.jsonl.rejected.jsonl"))
    assert [(r["instruction"], r["_rejected"]["reason"]) for r in rejected] == [
        ("Empty first.", "empty_answer"), ("Blank.", "empty_answer"), ("Empty last.", "empty_answer"),
    ]  # fmt: skip


def test_judging_instructions_only_output_sends_nothing(tmp_path: Path, mock_server: Any) -> None:
    server = mock_server("--seed", "12")
    instructions = tmp_path / "ins.jsonl"
    made = run_cli(
        "generate", "--teacher", "mock", "--mode", "instructions", "-n", "20", "-o", instructions, "-q"
    )
    assert made.exit_code == 0, made.output
    out = tmp_path / "judged.jsonl"
    result = run_cli("judge", instructions, "-o", out, "--base-url", server.url, "--model", "judge")
    assert result.exit_code == 2
    assert "every answer is empty (20 rows)" in result.stderr and "synthgen respond" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not out.exists()
    assert server.stats()["requests_total"] == 0


def test_pairs_skip_empty_answers_before_any_request(tmp_path: Path, mock_server: Any) -> None:
    server = mock_server("--seed", "13")
    long, short = "The moon pulls the sea toward it. " * 6, "Tides."
    rows = [
        {"instruction": "Explain tides.", "input": "", "output": long},
        {"instruction": "Explain tides.", "input": "", "output": ""},
        {"instruction": "Explain tides.", "input": "", "output": short},
        {"instruction": "Name a river.", "input": "", "output": "The Nile."},
        {"instruction": "Name a river.", "input": "", "output": ""},
    ]
    source, out = _write(tmp_path / "in.jsonl", rows), tmp_path / "pairs.jsonl"
    result = run_cli("pairs", source, "-o", out, "--base-url", server.url, "--model", "judge", "--no-cache")
    assert result.exit_code in (0, 3), result.output
    assert "2 of 5 answers are empty, skipped (empty_answer)" in result.stderr
    assert server.stats()["requests_total"] == 2  # the two answers with text to "Explain tides."
    (pair,) = read_jsonl(out)
    assert pair["chosen"] == long and pair["rejected"] == short
    counts = _report(out)["last_run"]["counts"]
    assert counts["rejected"] == {"empty_answer": 1} and counts["metrics"]["empty_answers"] == 2
