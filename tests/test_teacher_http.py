"""The real HTTP path: our client against ``synthgen mock-teacher``, a server in its own process.

Covers retries (429 + Retry-After, 5xx, drops, hangs), fatal errors (401, 404), the
response cache, budgets, and several endpoints. The client runs in-process through the CLI
(a process start costs more CPU than most of these runs); one case runs it as its own process.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import read_jsonl, run_in_process, synthgen_cmd, until

FAST = ("--max-tokens", "2000", "--quiet")


def _generate(
    url: str | list[str], out: Path, *extra: object, env: dict[str, str] | None = None, process: bool = False
) -> subprocess.CompletedProcess[str]:
    urls = [url] if isinstance(url, str) else url
    args: list[object] = ["generate", "--model", "mock-model", "-o", out, "--concurrency", "4"]
    for u in urls:
        args += ["--base-url", u]
    if process:
        return subprocess.run(
            synthgen_cmd(*args, *FAST, *extra), capture_output=True, text=True, timeout=120,
            env={**os.environ, **(env or {})},
        )  # fmt: skip
    with pytest.MonkeyPatch.context() as patch:
        for name, value in (env or {}).items():
            patch.setenv(name, value)
        return run_in_process(*args, *FAST, *extra)


def _report(out: Path) -> dict[str, Any]:
    return json.loads(out.with_name(out.name + ".report.json").read_text())


def _assert_dataset(out: Path, n: int) -> None:
    rows = read_jsonl(out)
    assert len(rows) == n
    assert all(set(r) == {"instruction", "input", "output"} for r in rows)
    assert len({r["instruction"] for r in rows}) == n


def test_model_key_and_base_url_reach_the_server(tmp_path: Path, mock_server: Any) -> None:
    server = mock_server("--require-api-key", "sk-test-123")
    out = tmp_path / "a.jsonl"
    result = _generate(server.url, out, "--num", "30", env={"OPENAI_API_KEY": "sk-test-123"}, process=True)
    assert result.returncode == 0, result.stderr
    _assert_dataset(out, 30)
    meta = read_jsonl(out.with_name("a.jsonl.meta.jsonl"))
    assert {m["model"] for m in meta} == {"mock-model"}  # the server echoes the requested model
    assert {m["endpoint"] for m in meta} == {server.url}
    stats = server.stats()
    sent = _report(out)["last_run"]["usage"]["requests_sent"]
    assert stats["requests"]["/v1/chat/completions"] == {"200": sent}
    cpu = _report(out)["last_run"]["cpu_seconds"]
    assert cpu["main"] > 0 and cpu["screening_worker"] > 0  # the worker screened the answers
    # The key never reaches our files.
    for path in tmp_path.iterdir():
        assert "sk-test-123" not in path.read_text(errors="replace")


def test_wrong_key_stops_at_once_with_one_line(tmp_path: Path, mock_server: Any) -> None:
    server = mock_server("--require-api-key", "right")
    out = tmp_path / "a.jsonl"
    result = _generate(server.url, out, "--num", "30", env={"OPENAI_API_KEY": "wrong"})
    assert result.returncode == 1
    assert f"authentication failed at {server.url}: check the key in $OPENAI_API_KEY" in result.stderr
    assert "Traceback" not in result.stderr
    # Only the first burst (2 x --concurrency launched at once) reaches the server: no retries.
    assert server.stats()["requests"]["/v1/chat/completions"].get("401", 0) <= 8


def test_unknown_path_or_model_is_fatal_404(tmp_path: Path, mock_server: Any) -> None:
    server = mock_server()
    out = tmp_path / "a.jsonl"
    result = _generate(server.root + "/nope", out, "--num", "10")
    assert result.returncode == 1
    assert "model 'mock-model' not found at" in result.stderr


def test_429_with_retry_after_is_waited_out(tmp_path: Path, mock_server: Any) -> None:
    # Waited out exactly (retry-after-ms): a twentieth of a second, not the usual second.
    server = mock_server("--error-rate-429", "0.4", "--retry-after", "0.05", "--seed", "3")
    out = tmp_path / "a.jsonl"
    result = _generate(server.url, out, "--num", "40")
    assert result.returncode == 0, result.stderr
    _assert_dataset(out, 40)
    statuses = server.stats()["requests"]["/v1/chat/completions"]
    assert statuses.get("429", 0) >= 1
    usage = _report(out)["last_run"]["usage"]
    # Every 429 the client saw was retried (requests cancelled once the target was met may
    # have had theirs counted by the server only).
    assert usage["retries"] >= usage["failures_by_kind"]["429"] >= 1
    assert usage["failures_by_kind"]["429"] <= statuses["429"]
    assert _report(out)["last_run"]["counts"]["failed_requests"] == 0


def test_5xx_and_dropped_connections_are_retried(tmp_path: Path, mock_server: Any) -> None:
    server = mock_server(
        "--error-rate-500", "0.15", "--error-rate-503", "0.15", "--drop-rate", "0.15", "--seed", "3"
    )
    out = tmp_path / "a.jsonl"
    # One request at a time: the seeded server then draws the same faults for the same
    # requests on every run (with several in flight, arrival order and so the draws vary).
    result = _generate(server.url, out, "--num", "100", "--max-retries", "10", "--concurrency", "1")
    assert result.returncode == 0, result.stderr
    _assert_dataset(out, 100)
    stats = server.stats()
    statuses = stats["requests"]["/v1/chat/completions"]
    assert statuses.get("500", 0) + statuses.get("503", 0) >= 1
    assert stats["faults"].get("drop", 0) >= 1
    assert _report(out)["last_run"]["counts"]["failed_requests"] == 0


def test_hung_request_times_out_and_is_retried(tmp_path: Path, mock_server: Any) -> None:
    server = mock_server("--hang-rate", "0.3", "--hang-seconds", "60", "--seed", "2")
    out = tmp_path / "a.jsonl"
    # One request at a time: the server draws its faults in arrival order, so with its seed the
    # same requests hang on every run, and the run cannot reach --num around a hung request.
    result = _generate(server.url, out, "--num", "40", "--request-timeout", "0.3", "--concurrency", "1")
    assert result.returncode == 0, result.stderr
    _assert_dataset(out, 40)
    assert (
        _report(out)["last_run"]["usage"]["failures_by_kind"].get("timeout", 0) >= 1
    )  # told apart from drops


def test_second_identical_run_is_served_from_the_cache(tmp_path: Path, mock_server: Any) -> None:
    server = mock_server()
    cache = tmp_path / "cache.sqlite3"
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert _generate(server.url, first, "--num", "50", "--cache-path", cache).returncode == 0
    sent = server.stats()["requests_total"]
    assert sent > 0
    server.reset()
    result = _generate(server.url, second, "--num", "50", "--cache-path", cache)
    assert result.returncode == 0, result.stderr
    assert server.stats()["requests_total"] == 0
    assert first.read_bytes() == second.read_bytes()
    used = _report(first)["last_run"]["counts"]["requests"]  # answers processed by the first run
    assert _report(second)["last_run"]["counts"]["cached_responses"] == used
    assert b"OPENAI_API_KEY" not in cache.read_bytes()


def test_no_cache_sends_again(tmp_path: Path, mock_server: Any) -> None:
    server = mock_server()
    cache = tmp_path / "cache.sqlite3"
    assert _generate(server.url, tmp_path / "a.jsonl", "--num", "20", "--cache-path", cache).returncode == 0
    server.reset()
    assert _generate(server.url, tmp_path / "b.jsonl", "--num", "20", "--no-cache").returncode == 0
    assert server.stats()["requests_total"] > 0


@pytest.mark.parametrize(
    ("flag", "value", "reason"),
    [("--max-requests", "2", "max_requests"), ("--max-total-tokens", "12000", "max_total_tokens")],
)
def test_budgets_stop_with_exit_3(
    tmp_path: Path, mock_server: Any, flag: str, value: str, reason: str
) -> None:
    server = mock_server()
    out = tmp_path / "a.jsonl"
    result = _generate(server.url, out, "--num", "1000", flag, value, "--concurrency", "8")
    assert result.returncode == 3, result.stderr
    report = _report(out)
    assert report["last_run"]["stop_reason"] == reason
    sent = server.stats()["requests_total"]
    if reason == "max_requests":
        assert sent == 2
    else:
        assert 0 < report["last_run"]["usage"]["total_tokens"] <= 12000
        assert server.stats()["tokens"]["total"] <= 12000
    rows = read_jsonl(out)
    assert 0 < len(rows) < 1000 and report["examples"] == len(rows)


def test_cost_budget_uses_the_price_table(tmp_path: Path, mock_server: Any) -> None:
    server = mock_server()
    out = tmp_path / "a.jsonl"
    config = tmp_path / "c.toml"
    config.write_text("[prices.mock-model]\ninput = 100.0\noutput = 100.0\n")
    result = _generate(
        server.url, out, "--num", "1000", "--max-cost", "1", "--config", config, "--concurrency", "1"
    )
    assert result.returncode == 3, result.stderr
    usage = _report(out)["last_run"]["usage"]
    assert 0 < usage["cost_usd"] <= 1
    assert _report(out)["last_run"]["stop_reason"] == "max_cost"


def _dead_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"  # nothing listens there any more


def test_several_endpoints_share_the_load_and_a_dead_one_is_survived(
    tmp_path: Path, mock_server: Any
) -> None:
    a, b = mock_server(), mock_server()
    out = tmp_path / "a.jsonl"
    result = _generate([a.url, b.url], out, "--num", "120")
    assert result.returncode == 0, result.stderr
    assert a.stats()["requests_total"] > 0 and b.stats()["requests_total"] > 0

    out2 = tmp_path / "b.jsonl"
    result = _generate([_dead_url(), a.url], out2, "--num", "60", "--no-cache")
    assert result.returncode == 0, result.stderr
    _assert_dataset(out2, 60)


def test_sampling_parameters_reach_the_server(tmp_path: Path, mock_server: Any) -> None:
    """The mock server folds temperature into its text and cuts at max_tokens ("length")."""
    server = mock_server()
    base, hot, short = tmp_path / "base.jsonl", tmp_path / "hot.jsonl", tmp_path / "short.jsonl"
    assert _generate(server.url, base, "--num", "20", "--no-cache").returncode == 0
    assert _generate(server.url, hot, "--num", "20", "--no-cache", "--temperature", "0.3").returncode == 0
    assert base.read_bytes() != hot.read_bytes()
    result = _generate(server.url, short, "--num", "5", "--no-cache", "--max-tokens", "400")
    assert result.returncode == 0, result.stderr
    counts = _report(short)["last_run"]["counts"]
    # Every answer was cut off, those that arrived once the target was met included.
    answers = counts["requests"] + counts["answers_after_target"]
    assert counts["truncated_dropped"] == answers and counts["requests"] > 0


def test_adaptive_limit_finds_the_servers_capacity(tmp_path: Path, mock_server: Any) -> None:
    # After one answer, the three requests the server can take are held (--hold-after 1), so
    # every other request meets a full server: 429s counted by the server, not a latency race,
    # fill the client's window of outcomes (32) and make it halve its limit; then the held three
    # are answered and the run goes on.
    server = mock_server(capacity=3, retry_after=0.01, hold_after=1)
    out = tmp_path / "a.jsonl"
    args = ["generate", "--model", "mock-model", "--base-url", server.url, "-o", out, "--num", "150",
            "--concurrency", "24", "--max-retries", "20", *FAST]  # fmt: skip
    proc = subprocess.Popen(synthgen_cmd(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    until(lambda: server.stats()["faults"].get("capacity", 0) >= 40, proc, "40 requests refused at capacity")
    server.configure(capacity=3, retry_after=0.01)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr
    _assert_dataset(out, 150)
    usage = _report(out)["last_run"]["usage"]
    assert usage["failures_by_kind"].get("429", 0) > 0
    assert usage["in_flight_limit_final"] < 24  # it backed off from the configured 24
