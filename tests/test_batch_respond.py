"""``respond --batch``: submit, exit 75, rerun to collect; the same file as a live run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openai
from tests.conftest import read_jsonl, run_cli

from synthgen.exit_codes import PENDING


def _rows(path: Path, count: int) -> Path:
    with path.open("w") as handle:
        for i in range(count):
            handle.write(json.dumps({"instruction": f"Explain idea number {i} in one short paragraph.", "input": ""}) + "\n")  # fmt: skip
    return path


def _state(out: Path) -> dict[str, Any]:
    return json.loads(out.with_name(out.name + ".batch.json").read_text())


def _respond(rows: Path, out: Path, *args: str) -> Any:
    return run_cli("respond", rows, "-o", out, "--quiet", *args)


def test_mock_batch_submits_exits_pending_and_the_rerun_writes_the_live_file(tmp_path: Path) -> None:
    rows = _rows(tmp_path / "rows.jsonl", 30)
    live, batched = tmp_path / "live.jsonl", tmp_path / "batched.jsonl"
    assert _respond(rows, live, "--teacher", "mock", "--samples", "2").exit_code == 0
    first = run_cli("respond", rows, "-o", batched, "--teacher", "mock", "--samples", "2", "--batch")
    assert first.exit_code == PENDING, first.output
    assert "submitted 60 requests in batch batch_" in first.output
    assert not batched.exists() or batched.read_text() == ""
    state = _state(batched)
    assert [b["ranges"] for b in state["batches"]] == [[[0, 59]]] and state["batches"][0]["batch_id"]
    second = _respond(rows, batched, "--teacher", "mock", "--samples", "2", "--batch")
    assert second.exit_code == 0, second.output
    assert batched.read_bytes() == live.read_bytes()
    report = json.loads(batched.with_name("batched.jsonl.report.json").read_text())
    assert report["last_run"]["batch"]["answered_by_batches"] == 60
    assert report["last_run"]["batch"]["seconds_from_first_submission"] >= 0
    third = _respond(rows, batched, "--teacher", "mock", "--samples", "2", "--batch")
    assert third.exit_code == 0 and batched.read_bytes() == live.read_bytes()


def test_batch_splits_at_the_request_limit_and_waits_in_one_process(tmp_path: Path) -> None:
    rows = _rows(tmp_path / "rows.jsonl", 25)
    out = tmp_path / "out.jsonl"
    result = _respond(rows, out, "--teacher", "mock", "--batch", "--batch-max-requests", "10", "--batch-wait", "--batch-poll-seconds", "0")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert len(read_jsonl(out)) == 25
    assert [b["requests"] for b in _state(out)["batches"]] == [10, 10, 5]


def test_http_batch_with_failed_lines_resubmits_them_and_matches_a_live_run(
    mock_server: Any, tmp_path: Path
) -> None:
    plain = mock_server()
    faulty = mock_server("--error-rate-500", "0.2", "--batch-polls", "2")
    rows = _rows(tmp_path / "rows.jsonl", 40)
    live, batched = tmp_path / "live.jsonl", tmp_path / "batched.jsonl"
    assert _respond(rows, live, "--base-url", plain.url, "--model", "mock").exit_code == 0
    args = ("--base-url", faulty.url, "--model", "mock", "--batch")
    codes = [_respond(rows, batched, *args).exit_code for _ in range(12)]
    assert codes[0] == PENDING and codes[1] == PENDING  # submitted; then still in progress
    assert 0 in codes, codes
    assert batched.read_bytes() == live.read_bytes()
    batches = _state(batched)["batches"]
    assert len(batches) >= 2 and batches[1]["requests"] < 40  # only the failed lines went again
    assert faulty.stats()["requests"].get("/v1/chat/completions") is None  # no live request


def test_an_endpoint_without_the_batch_api_stops_at_submission(mock_server: Any, tmp_path: Path) -> None:
    server = mock_server("--no-batch")
    rows, out = _rows(tmp_path / "rows.jsonl", 3), tmp_path / "out.jsonl"
    result = _respond(rows, out, "--base-url", server.url, "--model", "mock", "--batch")
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if "error" in line]
    assert len(errors) == 1 and "does not serve the Batch API" in errors[0]
    again = _respond(rows, out, "--base-url", server.url, "--model", "mock", "--batch")
    assert again.exit_code == 1
    assert server.stats()["requests"]["/v1/files"] == {"404": 2}  # one upload each, never a batch


def test_bad_flag_combinations_are_refused(tmp_path: Path) -> None:
    rows, out = _rows(tmp_path / "rows.jsonl", 2), tmp_path / "out.jsonl"
    no_cache = _respond(rows, out, "--teacher", "mock", "--batch", "--no-cache")
    assert no_cache.exit_code == 2 and "--no-cache" in no_cache.output
    wait_alone = _respond(rows, out, "--teacher", "mock", "--batch-wait")
    assert wait_alone.exit_code == 2
    assert not out.exists()


def test_a_changed_configuration_with_a_pending_batch_needs_force(mock_server: Any, tmp_path: Path) -> None:
    server = mock_server("--batch-polls", "5")
    rows, out = _rows(tmp_path / "rows.jsonl", 4), tmp_path / "out.jsonl"
    base = ("--base-url", server.url, "--model", "mock", "--batch")
    assert _respond(rows, out, *base).exit_code == PENDING
    first_id = _state(out)["batches"][0]["batch_id"]
    changed = _respond(rows, out, *base, "--temperature", "0.5")
    assert changed.exit_code == 2 and first_id in changed.output and "--force" in changed.output
    forced = _respond(rows, out, *base, "--temperature", "0.5", "--force")
    assert forced.exit_code == PENDING, forced.output
    client = openai.OpenAI(base_url=server.url, api_key="x", max_retries=0)
    assert client.batches.retrieve(first_id).status in ("cancelling", "cancelled")
    assert _state(out)["batches"][0]["batch_id"] != first_id


def test_a_kill_between_create_and_saving_the_id_does_not_submit_twice(
    mock_server: Any, tmp_path: Path
) -> None:
    from synthgen.teacher.batch_state import load_state, state_path

    server = mock_server()
    rows, out = _rows(tmp_path / "rows.jsonl", 3), tmp_path / "out.jsonl"
    base = ("--base-url", server.url, "--model", "mock", "--batch")
    assert _respond(rows, out, *base).exit_code == PENDING
    # Re-enact the crash: the state as it was saved right after the upload (no batch id yet).
    path = state_path(out)
    state = load_state(path)
    assert state is not None
    record = state.batches[0]
    record.batch_id, record.status = None, "uploaded"
    state.save(path)
    assert _respond(rows, out, *base).exit_code == 0
    client = openai.OpenAI(base_url=server.url, api_key="x", max_retries=0)
    run = _state(out)["run"]
    ours = [
        b
        for b in client.batches.list(limit=100)
        if (b.metadata or {}).get("synthgen_run", "").startswith(run)
    ]
    assert len(ours) == 1  # found by its metadata, not created again
    assert len(read_jsonl(out)) == 3


def test_a_foreign_output_file_stops_with_one_line_and_writes_nothing(request: Any, tmp_path: Path) -> None:
    from tests.conftest import MockServer

    folder = tmp_path / "batches"
    server = MockServer("--batch-dir", str(folder))  # its own process: the folder is set at start
    request.addfinalizer(server.close)
    rows, out = _rows(tmp_path / "rows.jsonl", 3), tmp_path / "out.jsonl"
    base = ("--base-url", server.url, "--model", "mock", "--batch")
    assert _respond(rows, out, *base).exit_code == PENDING
    client = openai.OpenAI(base_url=server.url, api_key="x", max_retries=0)
    done = client.batches.retrieve(_state(out)["batches"][0]["batch_id"])
    output = folder / "files" / str(done.output_file_id)
    output.write_text(output.read_text().replace('"custom_id":"', '"custom_id":"other', 1))
    result = _respond(rows, out, *base)
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if "error" in line]
    assert (len(errors) == 1 and "not a batch output line" in errors[0]) or "another batch" in errors[0]
    assert not out.exists() or out.read_text() == ""


def test_batches_lists_a_runs_batches(tmp_path: Path) -> None:
    rows, out = _rows(tmp_path / "rows.jsonl", 5), tmp_path / "out.jsonl"
    assert (
        _respond(rows, out, "--teacher", "mock", "--batch", "--batch-max-requests", "3").exit_code == PENDING
    )
    listed = run_cli("batches", out, "--json")
    assert listed.exit_code == 0
    batches = json.loads(listed.stdout)
    assert [(b["requests"], b["status"], b["collected"]) for b in batches] == [(3, "validating", False), (2, "validating", False)]  # fmt: skip
    polled = json.loads(run_cli("batches", out, "--json", "--poll").stdout)
    assert [b["status"] for b in polled] == ["completed", "completed"]
    assert run_cli("batches", tmp_path / "none.jsonl").exit_code == 2


def test_budgets_reserve_at_the_batch_price_and_hold_across_runs(tmp_path: Path) -> None:
    rows, out = _rows(tmp_path / "rows.jsonl", 10), tmp_path / "out.jsonl"
    config = tmp_path / "prices.toml"
    config.write_text('[prices."mock"]\ninput = 0.0\noutput = 1000.0\n')  # batch_output: 500 by default
    args = ("--teacher", "mock", "--batch", "--config", config, "--max-tokens", "100", "--max-cost", "0.26")
    assert _respond(rows, out, *args).exit_code == PENDING
    assert [b["requests"] for b in _state(out)["batches"]] == [5]  # 5 x $0.05 fit; at the live price, 2
    codes = [_respond(rows, out, *args).exit_code for _ in range(6)]
    assert codes[-1] == 3, codes  # collected what fitted, then the budget stopped the series
    state = _state(out)
    assert state["spent"]["cost"] <= 0.26 and len(read_jsonl(out)) < 10


def test_ctrl_c_while_waiting_leaves_the_batch_running(mock_server: Any, tmp_path: Path) -> None:
    import signal
    import subprocess
    import time

    from tests.conftest import synthgen_cmd

    server = mock_server("--batch-polls", "1000")
    rows, out = _rows(tmp_path / "rows.jsonl", 3), tmp_path / "out.jsonl"
    cmd = synthgen_cmd("respond", rows, "-o", out, "--base-url", server.url, "--model", "mock", "--batch",
                       "--batch-wait", "--batch-poll-seconds", "0.05", "--cache-path", tmp_path / "c.sqlite3")  # fmt: skip
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    while "in_progress" not in proc.stderr.readline():  # polled at least once
        assert proc.poll() is None
    proc.send_signal(signal.SIGINT)
    rest = proc.stderr.read()
    assert proc.wait(timeout=60) == 130
    assert "keep running" in rest
    batch_id = _state(out)["batches"][0]["batch_id"]
    client = openai.OpenAI(base_url=server.url, api_key="x", max_retries=0)
    assert client.batches.retrieve(batch_id).status == "in_progress"
    del time
