"""What a ``--batch`` run shows: progress under ``--batch-wait`` (panel, text and JSON lines),
and the dataset card's Batch API section."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import Console
from tests.conftest import run_cli

from synthgen.commands.batch_panel import render
from synthgen.commands.batch_watch import HEADINGS, batch_rows
from synthgen.teacher.batch_state import BatchRecord


def _rows(path: Path, count: int) -> Path:
    with path.open("w") as handle:
        for i in range(count):
            handle.write(json.dumps({"instruction": f"Explain idea number {i} in one short paragraph.", "input": ""}) + "\n")  # fmt: skip
    return path


def _wait(server: Any, tmp_path: Path, *extra: str) -> Any:
    rows = _rows(tmp_path / "rows.jsonl", 12)
    return run_cli("respond", rows, "-o", tmp_path / "out.jsonl", "--base-url", server.url, "--model", "mock",
                   "--batch", "--batch-wait", "--batch-poll-seconds", "0", *extra)  # fmt: skip


def test_batch_wait_shows_each_poll_with_the_batch_counts(mock_server: Any, tmp_path: Path) -> None:
    result = _wait(mock_server("--batch-polls", "4"), tmp_path)
    assert result.exit_code == 0, result.output
    waiting = [line for line in result.output.splitlines() if "waiting for 1 batch(es)" in line]
    assert [line.split(" in_progress, ", 1)[1] for line in waiting] == [
        "3 of 12 done, 0 failed (poll 1)",
        "6 of 12 done, 0 failed (poll 2)",
        "9 of 12 done, 0 failed (poll 3)",
    ]


def test_batch_wait_progress_as_json_lines(mock_server: Any, tmp_path: Path) -> None:
    result = _wait(mock_server("--batch-polls", "3"), tmp_path, "--log-format", "json")
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in result.output.splitlines() if '"batch_progress"' in line]
    assert [e["poll"] for e in events][:2] == [1, 2]
    first = events[0]["batches"][0]
    assert first == {**first, "status": "in_progress", "submitted": 12, "completed": 4, "failed": 0}
    assert set(first) == set(HEADINGS)


def test_quiet_batch_wait_shows_nothing(mock_server: Any, tmp_path: Path) -> None:
    result = _wait(mock_server("--batch-polls", "3"), tmp_path, "--quiet")
    assert result.exit_code == 0 and "waiting" not in result.output


def test_the_panel_lists_every_pending_batch_with_its_counts() -> None:
    running = BatchRecord("0.0", [[0, 99]], 100, 0, 0.0, batch_id="batch_a", status="in_progress")
    running.total, running.completed, running.failed = 100, 40, 2
    records = [running, BatchRecord("0.1", [[100, 149]], 50, 0, 0.0, file_id="file_b", status="uploaded")]
    rows = batch_rows(records)
    assert rows == [("batch_a", "in_progress", 100, 40, 2), ("file_b", "uploaded", 50, 0, 0)]
    console = Console(record=True, width=100)
    console.print(render(HEADINGS, [tuple(map(str, row)) for row in rows], polls=7))
    text = console.export_text()
    assert "waiting for 2 batch(es)" in text and "poll 7" in text
    assert "batch_a" in text and "in_progress" in text and "file_b" in text


def test_the_card_says_what_went_through_batches(tmp_path: Path) -> None:
    rows = _rows(tmp_path / "rows.jsonl", 6)
    prices = tmp_path / "prices.toml"
    prices.write_text('[prices."mock"]\ninput = 1.0\noutput = 2.0\n')
    out, live = tmp_path / "out.jsonl", tmp_path / "live.jsonl"
    args = ("respond", rows, "--teacher", "mock", "--config", prices, "--quiet")
    assert run_cli(*args, "-o", live).exit_code == 0
    assert "Batch API" not in live.with_name("live.jsonl.card.md").read_text()
    codes = [run_cli(*args, "-o", out, "--batch", "--batch-max-requests", "4").exit_code for _ in range(2)]
    assert codes == [75, 0]
    card = out.with_name("out.jsonl.card.md").read_text()
    section = card.split("### Batch API", 1)[1].split("## What is in it")[0]
    report = json.loads(out.with_name("out.jsonl.report.json").read_text())
    cost = report["last_run"]["usage"]["cost_usd"]
    assert "| batches | 2 |" in section
    assert "| requests answered in batches / sent live | 6 / 0 |" in section
    assert f"| cost at the batch price (USD) | {cost:.4f} |" in section and cost > 0
