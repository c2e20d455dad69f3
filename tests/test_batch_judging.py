"""``--batch`` with an inline judge (``--judge-model``): answers, then their grades, through
batches of their own (``OUT.batch.json``, ``OUT.judge.batch.json``); the files of a live run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import run_cli, run_until_done

from synthgen.exit_codes import PENDING

JUDGED = (".meta.jsonl", ".rejected.jsonl")


def _rows(path: Path, count: int, *, no_score: int | None = None) -> Path:
    """Rows whose mock answers have 1, 6, 11... words (the mock judge scores by length); row
    ``no_score``'s answer gets no score from the judge."""
    with path.open("w") as handle:
        for i in range(count):
            words = " ".join(["word"] * (i * 5 + 1)) + (" [mock: no score]" if i == no_score else "")
            handle.write(json.dumps({"instruction": f"Say something number {i}.\n[mock: answer]\n{words}", "input": ""}) + "\n")  # fmt: skip
    return path


def _state(out: Path, series: str = "") -> dict[str, Any]:
    return json.loads(out.with_name(f"{out.name}.{series}batch.json").read_text())


def _same_files(live: Path, batched: Path, beside: tuple[str, ...] = JUDGED) -> None:
    assert batched.read_bytes() == live.read_bytes()
    for suffix in beside:
        assert Path(f"{batched}{suffix}").read_bytes() == Path(f"{live}{suffix}").read_bytes(), suffix


def test_respond_batch_with_a_judge_answers_then_grades_and_writes_the_live_files(tmp_path: Path) -> None:
    rows = _rows(tmp_path / "rows.jsonl", 8, no_score=2)
    live, batched = tmp_path / "live.jsonl", tmp_path / "batched.jsonl"
    common = ("respond", rows, "--teacher", "mock", "--judge-model", "judge", "--min-score", "3", "--quiet")
    assert run_cli(*common, "-o", live).exit_code == 0
    first = run_cli(*common, "-o", batched, "--batch")
    assert first.exit_code == PENDING, first.output
    assert [b["requests"] for b in _state(batched)["batches"]] == [8]
    assert not batched.with_name("batched.jsonl.judge.batch.json").exists()  # nothing to grade yet
    codes = run_until_done(*common, "-o", batched, "--batch", rounds=12)
    # answers collected, grades submitted; grades collected, the unusable one asked again; done
    assert codes == [PENDING, PENDING, 0], codes
    _same_files(live, batched)
    judge = _state(batched, "judge.")
    assert [b["requests"] for b in judge["batches"]] == [8, 1]  # no score: asked again once, not forever
    assert judge["unusable"] == {str(2 * 128): [2, True]}
    listed = json.loads(run_cli("batches", batched, "--json").stdout)
    assert [(b["series"], b["requests"]) for b in listed] == [("teacher", 8), ("judge", 8), ("judge", 1)]
    report = json.loads(batched.with_name("batched.jsonl.report.json").read_text())
    collected = report["last_run"]["judge_usage"]["by_model"].values()
    assert sum(usage["requests"] for usage in collected) == 1  # the grade asked again


def test_generate_batch_with_a_judge_writes_the_live_files(tmp_path: Path) -> None:
    live, batched = tmp_path / "live.jsonl", tmp_path / "batched.jsonl"
    common = ("generate", "--teacher", "mock", "--num", "40", "--judge-model", "judge", "--min-score", "8", "--quiet")  # fmt: skip
    assert run_cli(*common, "-o", live).exit_code == 0
    codes = run_until_done(*common, "-o", batched, "--batch", rounds=12)
    assert codes[0] == PENDING and codes[-1] == 0, codes
    _same_files(live, batched)


def test_an_http_judge_of_its_own_gets_its_own_batches(mock_server: Any, tmp_path: Path) -> None:
    teacher, judge = mock_server(), mock_server("--error-rate-500", "0.3")
    rows = _rows(tmp_path / "rows.jsonl", 10)
    live, batched = tmp_path / "live.jsonl", tmp_path / "batched.jsonl"
    common = ("respond", rows, "--base-url", teacher.url, "--model", "mock", "--judge-model", "mock",
              "--judge-base-url", judge.url, "--min-score", "4", "--quiet")  # fmt: skip
    assert run_cli(*common, "-o", live, "--cache-path", tmp_path / "live.sqlite3").exit_code == 0
    judge.configure("--error-rate-500", "0.3").reset()
    codes = run_until_done(*common, "-o", batched, "--batch", rounds=12)
    assert codes[-1] == 0, codes
    _same_files(live, batched, (".rejected.jsonl",))  # the meta lines hold the server's request ids
    assert judge.stats()["requests"].get("/v1/chat/completions") is None  # no live grade
    grades = len(_state(batched, "judge.")["batches"])
    assert grades >= 2  # failed grade lines asked again
    assert len(_state(batched)["batches"]) == 1
    assert teacher.stats()["requests"]["/v1/files"] == {"200": 1}  # the answers' batch input
    assert judge.stats()["requests"]["/v1/files"] == {"200": grades}  # the grades' went to the judge
