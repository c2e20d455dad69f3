"""Crash safety and resume: kill anywhere, rerun, get exactly the dataset asked for."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import read_jsonl, run_cli, run_in_process, synthgen_cmd, until
from kill_resume import lines_at_least

GENERATE = ("generate", "--model", "mock", "--concurrency", "4", "--max-tokens", "2000", "--seed", "11")


def _start(url: str, out: Path, cache: Path, *extra: object) -> subprocess.Popen[str]:
    args = [*GENERATE, "--base-url", url, "-o", out, "--cache-path", cache, *extra]
    return subprocess.Popen(synthgen_cmd(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _run(url: str, out: Path, cache: Path, *extra: object) -> subprocess.CompletedProcess[str]:
    """A run in-process (through the CLI)."""
    return run_in_process(*GENERATE, "--base-url", url, "-o", out, "--cache-path", cache, *extra)


def _report(out: Path) -> dict[str, Any]:
    return json.loads(out.with_name(out.name + ".report.json").read_text())


def _valid_unique(out: Path) -> list[dict[str, str]]:
    rows = read_jsonl(out)  # every line parses
    assert all(set(r) == {"instruction", "input", "output"} for r in rows)
    assert len({r["instruction"] for r in rows}) == len(rows)
    return rows


def test_sigkill_at_random_moments_then_resume_gives_the_uninterrupted_file(kill_and_resume: Any) -> None:
    num = 150
    drill = kill_and_resume(*GENERATE, "--num", num)
    reference = drill.reference()
    uninterrupted_requests = drill.server.stats()["requests_total"]

    rng = random.Random(1234)
    for attempt in range(3):
        drill.server.reset()
        for _ in range(2):  # killed twice, after a random number of answers (0: before any)
            out = drill.kill_after(rng.randrange(uninterrupted_requests // 2), f"run{attempt}")
        drill.resume(f"run{attempt}")
        rows = _valid_unique(out)
        assert len(rows) == num
        assert out.read_bytes() == reference.read_bytes()
        # The cache kept the answers of the killed runs: little was paid twice. (Held requests
        # were never answered: they cost nothing.)
        stats = drill.server.stats()
        answered = stats["requests_total"] - stats["faults"].get("held", 0)
        assert answered <= uninterrupted_requests + 3 * 2 * 4


def test_torn_last_line_is_cut_and_the_run_continues(tmp_path: Path) -> None:
    out = tmp_path / "a.jsonl"
    assert run_cli("generate", "--teacher", "mock", "-o", out, "-n", "10", "-q").exit_code == 0
    with out.open("a") as handle:
        handle.write('{"instruction": "Half a line wri')
    result = run_cli("generate", "--teacher", "mock", "-o", out, "-n", "15", "-q")
    assert result.exit_code == 0, result.output
    assert "torn last line" in result.stderr
    assert len(_valid_unique(out)) == 15
    assert len(read_jsonl(out.with_name("a.jsonl.meta.jsonl"))) == 15


def test_corrupt_middle_line_is_refused_without_touching_the_file(tmp_path: Path) -> None:
    out = tmp_path / "a.jsonl"
    out.write_text(
        '{"instruction": "a", "input": "", "output": "b"}\nnot json\n{"instruction": "c", "input": "", "output": "d"}\n'
    )
    before = out.read_bytes()
    result = run_cli("generate", "--teacher", "mock", "-o", out, "-n", "15")
    assert result.exit_code == 2
    assert f"{out}:2:" in result.stderr and "--overwrite" in result.stderr
    assert out.read_bytes() == before


def test_rerun_resumes_and_add_grows_by_exactly_n(tmp_path: Path) -> None:
    out = tmp_path / "a.jsonl"
    assert run_cli("generate", "--teacher", "mock", "-o", out, "-n", "20", "-q").exit_code == 0
    first = read_jsonl(out)
    again = run_cli("generate", "--teacher", "mock", "-o", out, "-n", "20")
    assert again.exit_code == 0 and "nothing to do" in again.stderr
    assert run_cli("generate", "--teacher", "mock", "-o", out, "--add", "7", "-q").exit_code == 0
    rows = _valid_unique(out)
    assert len(rows) == 27 and rows[:20] == first
    report = _report(out)
    assert report["examples"] == 27 and len(report["runs"]) >= 2


def test_config_change_is_refused_unless_forced(tmp_path: Path) -> None:
    out = tmp_path / "a.jsonl"
    assert run_cli("generate", "--teacher", "mock", "-o", out, "-n", "10", "-q").exit_code == 0
    refused = run_cli("generate", "--teacher", "mock", "-o", out, "-n", "20", "--similarity-threshold", "0.5")
    assert refused.exit_code == 2
    assert "different configuration (changed: similarity_threshold)" in refused.stderr
    assert len(read_jsonl(out)) == 10
    forced = run_cli("generate", "--teacher", "mock", "-o", out, "-n", "20", "--similarity-threshold", "0.5",
                     "--force", "-q")  # fmt: skip
    assert forced.exit_code == 0 and len(read_jsonl(out)) == 20


def test_a_second_concurrent_run_is_refused_and_a_stale_lock_taken_over(
    tmp_path: Path, mock_server: Any
) -> None:
    server = mock_server(hold_after=0)  # the first run gets no answer: it stays under way
    out, cache = tmp_path / "a.jsonl", tmp_path / "c.sqlite3"
    first = _start(server.url, out, cache, "--num", "400", "--quiet")
    try:
        lock = out.with_name("a.jsonl.lock")
        until(lambda: lock.exists() and lock.read_text().strip() != "", first, "the first run's lock")
        second = _run(server.url, out, cache, "--num", "400")
        assert second.returncode == 2
        assert f"PID {first.pid}" in second.stderr
    finally:
        first.kill()
        first.wait()
    # The killed run's lock file is still there, but nobody holds it: taken over.
    assert out.with_name("a.jsonl.lock").exists()
    result = run_cli("generate", "--teacher", "mock", "-o", tmp_path / "b.jsonl", "-n", "5", "-q")
    assert result.exit_code == 0
    stale = tmp_path / "c.jsonl.lock"
    stale.write_text("999999\n")
    assert (
        run_cli("generate", "--teacher", "mock", "-o", tmp_path / "c.jsonl", "-n", "5", "-q").exit_code == 0
    )


def test_sigterm_exits_143_with_a_complete_report(tmp_path: Path, mock_server: Any) -> None:
    server = mock_server(hold_after=8)  # a few answers, then the run waits with requests in flight
    out, cache = tmp_path / "a.jsonl", tmp_path / "c.sqlite3"
    proc = _start(server.url, out, cache, "--num", "2000", "--log-format", "json")
    server.wait_until_held(proc)
    until(lines_at_least(out, 1), proc, "a row written")
    proc.send_signal(signal.SIGTERM)
    server.configure()  # the held requests are answered: the run finishes them, then stops
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 143, stderr
    report = _report(out)
    assert report["last_run"]["stop_reason"] == "interrupted"
    assert report["last_run"]["exit_code"] == 143
    rows = _valid_unique(out)
    assert report["examples"] == len(rows) > 0
    # A second run picks up where this one stopped.
    resumed = _run(server.url, out, cache, "--num", str(len(rows) + 10), "-q")
    assert resumed.returncode == 0 and len(_valid_unique(out)) == len(rows) + 10


def test_no_tty_progress_is_plain_lines_and_json_logs_parse(tmp_path: Path) -> None:
    out = tmp_path / "a.jsonl"
    result = subprocess.run(
        synthgen_cmd("generate", "--teacher", "mock", "-o", out, "-n", "30", "--log-format", "json"),
        capture_output=True, text=True, timeout=60, env={**os.environ},
    )  # fmt: skip
    assert result.returncode == 0
    assert result.stdout == ""
    assert "\x1b[" not in result.stderr  # no animation or colour without a terminal


@pytest.mark.parametrize("screen_workers", [1, 3])
def test_ctrl_c_at_a_terminal_reaches_the_worker_too_and_still_stops_cleanly(
    tmp_path: Path, mock_server: Any, screen_workers: int
) -> None:
    # A terminal's Ctrl-C signals the whole foreground process group, the screening workers
    # included: they must leave the stopping to the parent (no traceback, exit 130, file whole).
    server = mock_server(hold_after=8)
    out, cache = tmp_path / "a.jsonl", tmp_path / "c.sqlite3"
    args = ["generate", "--base-url", server.url, "--model", "mock", "-o", out, "--cache-path", cache,
            "--concurrency", "4", "--max-tokens", "2000", "--num", "2000", "-q",
            "--screen-workers", screen_workers]  # fmt: skip
    proc = subprocess.Popen(
        synthgen_cmd(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    server.wait_until_held(proc)
    until(lines_at_least(out, 1), proc, "a row written")
    os.killpg(proc.pid, signal.SIGINT)
    server.configure()  # the held requests are answered: the run finishes them, then stops
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and "died" not in stderr, stderr
    report = _report(out)
    assert report["last_run"]["stop_reason"] == "interrupted"
    assert report["examples"] == len(_valid_unique(out)) > 0


def test_a_killed_runs_history_entry_is_corrected_on_the_next_start(kill_and_resume: Any) -> None:
    drill = kill_and_resume(*GENERATE, "--num", 400)
    out = drill.output("a")
    drill.kill_after(12, "a", then=lines_at_least(out, 20))
    rows_after_kill = out.read_text().count("\n")  # complete lines: a torn last one is cut on resume
    killed = json.loads(out.with_name("a.jsonl.report.json").read_text())
    assert killed["last_run"]["stop_reason"] == "running"  # what a kill -9 leaves
    drill.resume("a")
    runs = json.loads(out.with_name("a.jsonl.report.json").read_text())["runs"]
    assert [r["stop_reason"] for r in runs] == ["killed", "target"]
    assert runs[0]["counts"]["kept"] == rows_after_kill
    assert rows_after_kill + runs[1]["counts"]["kept"] == 400
