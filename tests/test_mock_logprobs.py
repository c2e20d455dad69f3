"""The mock's top-k logprobs (soft targets): their shape, determinism and plausibility, and
the ``logprobs``/``top_logprobs`` request parameters over HTTP."""

from __future__ import annotations

import json
import math
from typing import Any

import httpx
import pytest

from conftest import http
from synthgen.mock.logprobs import token_logprobs, tokenize

TEXT = "Here is the working.\nThe stickers cost 9 x 7 = 63 dollars.\n\n#### 63"


def test_tokens_cover_the_text_and_never_span_lines() -> None:
    tokens = tokenize(TEXT)
    assert "".join(tokens) == TEXT
    assert all(len(t) <= 4 and ("\n" not in t[:-1]) for t in tokens)
    assert tokenize("") == []


@pytest.mark.parametrize("k", [0, 1, 5, 20])
def test_top_logprobs_are_normalised_and_hold_the_sampled_token(k: int) -> None:
    entries = token_logprobs(TEXT, k)
    assert [e["token"] for e in entries] == tokenize(TEXT)
    for entry in entries:
        top = entry["top_logprobs"]
        assert len(top) == k
        assert entry["bytes"] == list(entry["token"].encode())
        assert entry["logprob"] < 0
        if k:
            probabilities = [math.exp(t["logprob"]) for t in top]
            assert probabilities == sorted(probabilities, reverse=True)
            assert sum(probabilities) < 1
            assert len({t["token"] for t in top}) == k
        if k >= 2:
            assert entry["token"] in [t["token"] for t in top]
            assert next(t for t in top if t["token"] == entry["token"])["logprob"] == entry["logprob"]


def test_logprobs_are_deterministic_and_mostly_confident() -> None:
    assert token_logprobs(TEXT, 5) == token_logprobs(TEXT, 5)
    entries = token_logprobs(TEXT * 20, 5)
    top_is_sampled = sum(e["top_logprobs"][0]["token"] == e["token"] for e in entries) / len(entries)
    assert 0.75 < top_is_sampled < 0.97  # sampling sometimes picks the second candidate
    mean = sum(math.exp(e["logprob"]) for e in entries) / len(entries)
    assert 0.5 < mean < 0.9


def _chat(url: str, **extra: Any) -> httpx.Response:
    body = {"model": "mock", "messages": [{"role": "user", "content": "What is 12 x (3 + 4)?"}], **extra}
    return http().post(f"{url}/chat/completions", json=body, timeout=10)


def test_logprobs_over_http(mock_server) -> None:
    server = mock_server()
    choice = _chat(server.url, logprobs=True, top_logprobs=3).json()["choices"][0]
    content = choice["message"]["content"]
    assert choice["logprobs"]["content"] == token_logprobs(content, 3)
    assert _chat(server.url).json()["choices"][0]["logprobs"] is None
    no_alternatives = _chat(server.url, logprobs=True).json()["choices"][0]["logprobs"]["content"]
    assert no_alternatives and all(entry["top_logprobs"] == [] for entry in no_alternatives)


def test_streamed_logprobs_add_up_to_the_whole(mock_server) -> None:
    server = mock_server()
    body = {
        "model": "mock", "messages": [{"role": "user", "content": "What is 12 x (3 + 4)?"}],
        "stream": True, "logprobs": True, "top_logprobs": 2,
    }  # fmt: skip
    content, entries = "", []
    with httpx.stream("POST", f"{server.url}/chat/completions", json=body, timeout=10) as response:
        for line in response.iter_lines():
            if line.startswith("data: {"):
                for choice in json.loads(line[6:])["choices"]:
                    content += choice["delta"].get("content", "")
                    entries += (choice["logprobs"] or {}).get("content", [])
    assert entries == token_logprobs(content, 2)


@pytest.mark.parametrize(
    ("extra", "param"),
    [({"logprobs": True, "top_logprobs": 21}, "top_logprobs"), ({"top_logprobs": 2}, "top_logprobs"),
     ({"logprobs": "yes"}, "logprobs"), ({"logprobs": True, "top_logprobs": -1}, "top_logprobs")],
)  # fmt: skip
def test_bad_logprob_parameters_are_400(mock_server, extra: dict[str, Any], param: str) -> None:
    server = mock_server()
    response = _chat(server.url, **extra)
    assert response.status_code == 400
    assert response.json()["error"]["param"] == param
