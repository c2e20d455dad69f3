"""`generate` and `respond` with --judge-model: a second teacher grades every kept row inline.

In-process and over HTTP: grades decide what is written, scores land in the meta file, rows
turned away in OUT.rejected.jsonl, the budgets cover both teachers, a killed run resumes to
the same files, and bad flags are one line with exit 2.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from conftest import read_jsonl, run_cli


def _expected_score(answer: str) -> int:
    """The mock judge's documented rule, computed here independently: refusals 1, else one
    point per six words."""
    if answer.lower().startswith("i'm sorry, but i cannot"):
        return 1
    return min(10, 1 + len(answer.split()) // 6)


def _report(out: Path) -> dict[str, Any]:
    return json.loads(out.with_name(out.name + ".report.json").read_text())


def _side(out: Path, name: str = "rejected") -> list[dict[str, Any]]:
    path = out.with_name(f"{out.name}.{name}.jsonl")
    return read_jsonl(path) if path.exists() else []


def _meta(out: Path) -> list[dict[str, Any]]:
    return read_jsonl(out.with_name(out.name + ".meta.jsonl"))


def _accounted(counts: dict[str, Any]) -> int:
    rejected = sum(counts["rejected"].values())
    return (
        counts["kept"] + rejected + counts["duplicates_exact"] + counts["duplicates_similar"]
        + counts["unused_after_target"]
    )  # fmt: skip


def test_generate_writes_only_rows_scored_at_least_min_score(tmp_path: Path) -> None:
    out = tmp_path / "a.jsonl"
    result = run_cli("generate", "--teacher", "mock", "--num", "60", "--judge-model", "mock",
                     "--min-score", "6", "-o", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    rows, meta, rejected = read_jsonl(out), _meta(out), _side(out)
    assert len(rows) == len(meta) == 60
    for row, line in zip(rows, meta, strict=True):
        assert line["score"] == _expected_score(row["output"]) >= 6
        assert line["score_reason"]
    assert rejected, "the mock's short answers score below 6"
    for row in rejected:
        assert row["_rejected"]["reason"] == "low_score"
        assert row["_rejected"]["score"] == _expected_score(row["output"]) < 6
    run = _report(out)["last_run"]
    counts = run["counts"]
    assert counts["rejected"]["low_score"] >= len(rejected)
    assert counts["candidates"] == _accounted(counts)
    assert counts["metrics"]["judged"] == run["judge_usage"]["requests_sent"]
    assert _report(out)["content_config"]["min_score"] == 6
    assert "graded:" in result.output and "judge:" in result.output


def test_without_min_score_every_row_is_kept_with_its_grade(tmp_path: Path) -> None:
    out = tmp_path / "a.jsonl"
    plain = tmp_path / "plain.jsonl"
    assert (
        run_cli("generate", "--teacher", "mock", "--num", "30", "--judge-model", "mock", "-o", out).exit_code
        == 0
    )
    assert run_cli("generate", "--teacher", "mock", "--num", "30", "-o", plain).exit_code == 0
    assert out.read_bytes() == plain.read_bytes()  # grading alone changes no row
    assert [m["score"] for m in _meta(out)] == [_expected_score(r["output"]) for r in read_jsonl(out)]
    assert not _side(out)


def test_inline_grades_match_synthgen_judge_on_the_same_rows(tmp_path: Path) -> None:
    out, judged = tmp_path / "a.jsonl", tmp_path / "judged.jsonl"
    assert (
        run_cli("generate", "--teacher", "mock", "--num", "25", "--judge-model", "mock", "-o", out).exit_code
        == 0
    )
    assert run_cli("judge", out, "--teacher", "mock", "-o", judged).exit_code == 0
    assert [m["score"] for m in _meta(out)] == [m["score"] for m in _meta(judged)]


def test_respond_judges_each_answer_and_keeps_the_good_ones(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"instruction": f"Explain topic {i} in detail.", "input": "",
                                          "output": ""}) + "\n" for i in range(12)))  # fmt: skip
    out = tmp_path / "answers.jsonl"
    result = run_cli("respond", source, "--teacher", "mock", "--judge-model", "mock", "--min-score", "4",
                     "--samples", "2", "-o", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    rows, meta, rejected = read_jsonl(out), _meta(out), _side(out)
    assert len(rows) + len(rejected) == 24  # every answer graded once, written to one file
    assert all(m["score"] == _expected_score(r["output"]) >= 4 for r, m in zip(rows, meta, strict=True))
    assert all(r["_rejected"]["score"] < 4 for r in rejected)
    assert _report(out)["last_run"]["counts"]["metrics"]["judged"] == 24


def test_bad_judge_flags_are_one_line_and_exit_2(tmp_path: Path) -> None:
    out = tmp_path / "a.jsonl"
    cases = [
        (["--min-score", "6"], "--min-score needs --judge-model"),
        (["--judge-model", "mock", "--min-score", "11"], "--min-score"),
        (["--judge-model", "mock", "--mode", "instructions"], "--mode instructions"),
        (["--judge-model", "mock", "--judge-prompt", tmp_path / "missing.txt"], "missing.txt"),
        (["--judge-model", "mock", "--judge-base-url", "localhost:1"], "http://localhost:1"),
    ]
    for flags, expected in cases:
        result = run_cli("generate", "--teacher", "mock", "-o", out, *flags)
        assert result.exit_code == 2, (flags, result.output)
        assert expected in result.output
        assert "Traceback" not in result.output
        assert not out.exists()


GENERATE_JUDGED = ("generate", "--model", "mock", "--concurrency", "4", "--seed", "5", "--num", "120",
                   "--judge-model", "mock", "--min-score", "6", "--judge-concurrency", "8")  # fmt: skip


def test_over_http_a_killed_run_resumes_to_the_uninterrupted_files(kill_and_resume: Any) -> None:
    drill = kill_and_resume(*GENERATE_JUDGED)
    reference = drill.reference()
    answers = drill.server.stats()["requests_total"]  # the teacher's and the judge's
    rng = random.Random(7)
    for _ in range(2):  # killed after a random number of answers, teacher's or judge's
        out = drill.kill_after(rng.randrange(answers // 2))
    drill.resume()
    assert out.read_bytes() == reference.read_bytes()
    assert _side(out) == _side(reference)
    assert [m["score"] for m in _meta(out)] == [m["score"] for m in _meta(reference)]


def test_budgets_cover_the_teacher_and_the_judge_together(tmp_path: Path, mock_server: Any) -> None:
    server = mock_server()
    out = tmp_path / "a.jsonl"
    result = run_cli("generate", "--base-url", server.url, "--model", "mock", "--num", "500",
                     "--judge-model", "mock", "--min-score", "6", "--max-requests", "30", "-o", out,
                     "--cache-path", tmp_path / "c.sqlite3")  # fmt: skip
    assert result.exit_code == 3, result.output
    assert server.stats()["requests_total"] <= 30
    run = _report(out)["last_run"]
    assert run["usage"]["requests_sent"] + run["judge_usage"]["requests_sent"] <= 30
    assert run["judge_usage"]["requests_sent"] > 0
    # Every row written was graded and passed.
    assert all(m["score"] >= 6 for m in _meta(out))


def test_a_judge_that_refuses_the_key_stops_the_run_with_exit_1(tmp_path: Path, mock_server: Any) -> None:
    teacher, judge = mock_server(), mock_server("--require-api-key", "right")
    out = tmp_path / "a.jsonl"
    result = run_cli("generate", "--base-url", teacher.url, "--model", "mock", "--num", "50",
                     "--judge-model", "mock", "--judge-base-url", judge.url, "-o", out,
                     "--cache-path", tmp_path / "c.sqlite3")  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "401" in result.output or "key" in result.output
    assert not out.exists() or out.read_text() == ""  # nothing ungraded was written


def test_curriculum_order_uses_the_inline_grades_from_the_meta_file(tmp_path: Path) -> None:
    out, ordered = tmp_path / "a.jsonl", tmp_path / "ordered.jsonl"
    assert (
        run_cli("generate", "--teacher", "mock", "--num", "30", "--judge-model", "mock", "-o", out).exit_code
        == 0
    )
    result = run_cli("convert", out, "-o", ordered, "--to", "alpaca", "--order", "curriculum")
    assert result.exit_code == 0, result.output
    score_of = {
        json.dumps(r, sort_keys=True): m["score"] for r, m in zip(read_jsonl(out), _meta(out), strict=True)
    }
    scores = [score_of[json.dumps(r, sort_keys=True)] for r in read_jsonl(ordered)]
    assert scores == sorted(scores) and len(set(scores)) > 1


def test_respond_over_http_grades_chat_rows_with_a_judge_of_its_own(tmp_path: Path, mock_server: Any) -> None:
    teacher, judge = mock_server(), mock_server("--model", "grader")
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"messages": [{"role": "user", "content": f"Describe city {i}."}]})
                              + "\n" for i in range(10)))  # fmt: skip
    out = tmp_path / "chat.jsonl"
    result = run_cli("respond", source, "--base-url", teacher.url, "--model", "mock", "--format", "messages",
                     "--judge-model", "grader", "--judge-base-url", judge.url, "--min-score", "3",
                     "-o", out, "--cache-path", tmp_path / "c.sqlite3")  # fmt: skip
    assert result.exit_code == 0, result.output
    rows, rejected = read_jsonl(out), _side(out)
    assert len(rows) + len(rejected) == 10
    for row, meta in zip(rows, _meta(out), strict=True):
        assert row["messages"][-1]["role"] == "assistant"
        assert meta["score"] == _expected_score(row["messages"][-1]["content"]) >= 3
    assert judge.stats()["requests_total"] == 10  # every grade went to the judge's own server
    assert teacher.stats()["requests_total"] == 10
