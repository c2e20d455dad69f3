"""The mock-teacher server's arithmetic answers, --wrong-answer-rate and --reasoning, over HTTP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import run_cli
from synthgen.mock.teacher import count_tokens, mock_answer
from synthgen.recipes.reasoning import split_reasoning
from synthgen.verify import MathChecker

SEEDS = Path(__file__).resolve().parents[1] / "seeds" / "math_word_problems.jsonl"
ROWS = [json.loads(line) for line in SEEDS.read_text(encoding="utf-8").splitlines()]
CHECK = MathChecker(symbolic=False)


def _chat(client: httpx.Client, url: str, prompt: str, **extra: Any) -> dict[str, Any]:
    body = {"model": "mock", "messages": [{"role": "user", "content": prompt}], **extra}
    response = client.post(f"{url}/chat/completions", json=body, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def test_wrong_answer_rate_over_http_is_close_to_the_setting(mock_server) -> None:
    server = mock_server("--wrong-answer-rate", "0.3", "--seed", "5")
    wrong = total = 0
    with httpx.Client() as client:
        for row in ROWS:  # 320 requests, one answer each
            message = _chat(client, server.url, row["instruction"])["choices"][0]["message"]
            assert "reasoning_content" not in message
            total += 1
            wrong += not CHECK.check(message["content"], row["answer"])
    # binomial sd ~ 0.026 at n=320; the server's draws are deterministic
    assert wrong / total == pytest.approx(0.3, abs=0.08)


def test_samples_differ_by_request_seed_and_by_choice_index(mock_server) -> None:
    server = mock_server("--wrong-answer-rate", "0.5")
    row = ROWS[1]
    with httpx.Client() as client:
        by_seed = [_chat(client, server.url, row["instruction"], seed=s)["choices"][0] for s in range(40)]
        by_n = _chat(client, server.url, row["instruction"], n=40)["choices"]
    for choices in (by_seed, by_n):
        verdicts = [CHECK.check(c["message"]["content"], row["answer"]) for c in choices]
        assert 8 <= sum(verdicts) <= 32  # both right and wrong samples


def test_reasoning_field_arrives_in_reasoning_content(mock_server) -> None:
    server = mock_server("--reasoning", "field", "--seed", "2")
    row = ROWS[7]
    with httpx.Client() as client:
        data = _chat(client, server.url, row["instruction"])
    message = data["choices"][0]["message"]
    expected = mock_answer(row["instruction"], seed=2, reasoning="field")
    assert message["content"] == expected.content
    assert message["reasoning_content"] == expected.reasoning
    assert CHECK.check(message["content"], row["answer"])
    trace_tokens = count_tokens(message["reasoning_content"])
    assert data["usage"]["completion_tokens_details"] == {"reasoning_tokens": trace_tokens}
    assert data["usage"]["completion_tokens"] == count_tokens(message["content"]) + trace_tokens


def test_reasoning_field_streams_before_the_content(mock_server) -> None:
    server = mock_server("--reasoning", "field")
    row = ROWS[8]
    body = {"model": "mock", "messages": [{"role": "user", "content": row["instruction"]}], "stream": True}
    deltas = []
    with (
        httpx.Client() as client,
        client.stream("POST", f"{server.url}/chat/completions", json=body) as response,
    ):
        for line in response.iter_lines():
            if line.startswith("data: {"):
                deltas.extend(c["delta"] for c in json.loads(line[6:])["choices"])
    trace = "".join(d.get("reasoning_content", "") for d in deltas)
    content = "".join(d.get("content", "") for d in deltas)
    expected = mock_answer(row["instruction"], seed=0, reasoning="field")
    assert (trace, content) == (expected.reasoning, expected.content)
    kinds = [("reasoning_content" in d, "content" in d and d["content"] != "") for d in deltas]
    first_content = kinds.index((False, True))
    assert not any(r for r, _ in kinds[first_content:])  # no trace after the answer began


def test_reasoning_inline_puts_a_think_block_in_the_content(mock_server) -> None:
    server = mock_server("--reasoning", "inline")
    row = ROWS[9]
    with httpx.Client() as client:
        message = _chat(client, server.url, row["instruction"])["choices"][0]["message"]
    assert "reasoning_content" not in message
    trace, answer = split_reasoning(message["content"], None)
    assert trace and CHECK.check(answer, row["answer"])


def test_max_tokens_covers_the_trace(mock_server) -> None:
    server = mock_server("--reasoning", "field")
    with httpx.Client() as client:
        choice = _chat(client, server.url, ROWS[0]["instruction"], max_tokens=5)["choices"][0]
    assert choice["finish_reason"] == "length"
    assert choice["message"]["content"] == ""
    assert count_tokens(choice["message"]["reasoning_content"]) == 5


@pytest.mark.parametrize(
    ("flag", "value"),
    [("--wrong-answer-rate", "1.5"), ("--wrong-answer-rate", "-0.1"), ("--reasoning", "maybe")],
)
def test_bad_flags_are_one_line_usage_errors(flag: str, value: str) -> None:
    result = run_cli("mock-teacher", "--port", "0", flag, value)
    assert result.exit_code == 2
    assert flag.lstrip("-").replace("-", "_") in result.output or flag in result.output, result.output
    assert "Traceback" not in result.output
