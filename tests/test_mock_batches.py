"""The mock teacher's Batch API: over HTTP with the openai SDK, and the in-process store."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import openai
import pytest

from synthgen.mock.batch_api import MockBatchAPI
from synthgen.mock.batch_store import BatchAPIError, BatchBehaviour, BatchStore


def _write_input(path: Path, count: int, *, seed: int = 0) -> Path:
    with path.open("w") as handle:
        for i in range(count):
            body = {
                "model": "mock",
                "messages": [{"role": "user", "content": f"Say hello number {i}."}],
                "seed": seed + i,
            }
            handle.write(json.dumps({"custom_id": f"r{i}", "method": "POST", "url": "/v1/chat/completions", "body": body}) + "\n")  # fmt: skip
    return path


def _client(server: Any) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.url, api_key="test", max_retries=0)


def _submit(client: openai.OpenAI, path: Path, metadata: dict[str, str] | None = None) -> Any:
    with path.open("rb") as handle:
        uploaded = client.files.create(file=(path.name, handle, "application/jsonl"), purpose="batch")
    return client.batches.create(
        input_file_id=uploaded.id, endpoint="/v1/chat/completions", completion_window="24h", metadata=metadata
    )


def _lines(client: openai.OpenAI, file_id: str | None) -> list[dict[str, Any]]:
    if file_id is None:
        return []
    return [json.loads(line) for line in client.files.content(file_id).text.splitlines()]


def test_a_batch_completes_after_the_configured_polls_with_counts(mock_server: Any, tmp_path: Path) -> None:
    server = mock_server("--batch-polls", "3")
    client = _client(server)
    batch = _submit(client, _write_input(tmp_path / "in.jsonl", 9), {"synthgen_run": "abc:0.0"})
    assert batch.status == "validating"
    first, second = client.batches.retrieve(batch.id), client.batches.retrieve(batch.id)
    assert (first.status, first.request_counts.completed) == ("in_progress", 3)
    assert (second.status, second.request_counts.completed) == ("in_progress", 6)
    done = client.batches.retrieve(batch.id)
    assert done.status == "completed"
    assert (done.request_counts.total, done.request_counts.completed, done.request_counts.failed) == (9, 9, 0)
    out = _lines(client, done.output_file_id)
    assert sorted(line["custom_id"] for line in out) == [f"r{i}" for i in range(9)]
    body = out[0]["response"]["body"]
    assert out[0]["response"]["status_code"] == 200 and body["object"] == "chat.completion"
    assert body["choices"][0]["message"]["content"]
    assert done.error_file_id is None
    listed = [b.id for b in client.batches.list(limit=100)]
    assert batch.id in listed
    assert client.batches.retrieve(batch.id).metadata == {"synthgen_run": "abc:0.0"}


def test_a_batch_line_is_answered_as_the_chat_route_answers_it(mock_server: Any, tmp_path: Path) -> None:
    server = mock_server()
    client = _client(server)
    path = _write_input(tmp_path / "in.jsonl", 3, seed=5)
    done = client.batches.retrieve(_submit(client, path).id)
    by_id = {line["custom_id"]: line["response"]["body"] for line in _lines(client, done.output_file_id)}
    for raw in path.read_text().splitlines():
        request = json.loads(raw)
        live = client.chat.completions.create(**request["body"])
        assert (
            by_id[request["custom_id"]]["choices"][0]["message"]["content"] == live.choices[0].message.content
        )


def test_faults_become_error_lines_and_expiry_leaves_requests_unanswered(
    mock_server: Any, tmp_path: Path
) -> None:
    server = mock_server("--error-rate-500", "0.3", "--batch-outcome", "expired")
    client = _client(server)
    done = client.batches.retrieve(_submit(client, _write_input(tmp_path / "in.jsonl", 40)).id)
    assert done.status == "expired"
    errors = _lines(client, done.error_file_id)
    expired = [e for e in errors if e["response"] is None]
    assert len(expired) == 20 and all(e["error"]["code"] == "batch_expired" for e in expired)
    failed = [e for e in errors if e["response"] is not None]
    assert failed and all(e["response"]["status_code"] == 500 for e in failed)
    assert done.request_counts.completed + done.request_counts.failed == 40
    assert len(_lines(client, done.output_file_id)) == done.request_counts.completed


def test_a_failed_batch_has_errors_and_cancel_ends_a_batch(mock_server: Any, tmp_path: Path) -> None:
    server = mock_server("--batch-outcome", "failed")
    client = _client(server)
    failed = client.batches.retrieve(_submit(client, _write_input(tmp_path / "in.jsonl", 2)).id)
    assert failed.status == "failed" and failed.errors.data[0].code == "mock_failure"
    plain = _client(mock_server())
    batch = _submit(plain, _write_input(tmp_path / "in2.jsonl", 2))
    assert plain.batches.cancel(batch.id).status == "cancelling"
    assert plain.batches.retrieve(batch.id).status == "cancelled"


def test_bad_lines_fail_validation_and_unknown_ids_are_404(mock_server: Any, tmp_path: Path) -> None:
    client = _client(mock_server())
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"custom_id": "a", "method": "POST", "url": "/v1/embeddings", "body": {}}\nnot json\n')
    failed = client.batches.retrieve(_submit(client, bad).id)
    assert failed.status == "failed"
    assert [(e.line, e.code) for e in failed.errors.data] == [(1, "invalid_request"), (2, "invalid_request")]
    with pytest.raises(openai.NotFoundError):
        client.batches.retrieve("batch_nope")
    with pytest.raises(openai.NotFoundError):
        client.files.retrieve("file-nope")


def test_no_batch_serves_404(mock_server: Any, tmp_path: Path) -> None:
    client = _client(mock_server("--no-batch"))
    with pytest.raises(openai.NotFoundError):
        _submit(client, _write_input(tmp_path / "in.jsonl", 1))


def test_batch_calls_take_no_chat_fault_draws(mock_server: Any, tmp_path: Path) -> None:
    server = mock_server("--error-rate-500", "1")
    client = _client(server)
    done = client.batches.retrieve(_submit(client, _write_input(tmp_path / "in.jsonl", 2)).id)
    assert done.request_counts.failed == 2  # the lines meet the fault, the control plane does not


def test_the_store_refuses_too_many_requests(tmp_path: Path) -> None:
    store = BatchStore(tmp_path / "s", lambda body, line: (200, {}), BatchBehaviour(max_requests=2))
    source = _write_input(tmp_path / "in.jsonl", 3)
    file = store.add_file([source.read_bytes()], "in.jsonl", "batch")
    batch = store.retrieve(store.create(file["id"], "/v1/chat/completions", "24h", None)["id"])
    assert batch["status"] == "failed" and batch["errors"]["data"][0]["code"] == "too_many_requests"
    with pytest.raises(BatchAPIError):
        store.create(file["id"], "/v1/embeddings", "24h", None)


def test_the_in_process_api_answers_as_the_in_process_teacher(tmp_path: Path) -> None:
    from synthgen.mock.teacher import MockTeacher

    api = MockBatchAPI(tmp_path / "mock", seed=3, max_tokens=None)
    source = _write_input(tmp_path / "in.jsonl", 2, seed=3)

    async def run() -> tuple[Any, Path]:
        file_id = await api.upload(source)
        created = await api.create(file_id, {"synthgen_run": "x:0.0"})
        assert (await api.find("synthgen_run", "x:0.0", 0)).id == created.id  # type: ignore[union-attr]
        done = await api.retrieve(created.id)
        target = tmp_path / "out.jsonl"
        await api.download(done.output_file_id or "", target)
        return done, target

    done, target = asyncio.run(run())
    assert done.status == "completed" and done.completed == 2
    answers = {
        json.loads(x)["custom_id"]: json.loads(x)["response"]["body"] for x in target.read_text().splitlines()
    }
    teacher = MockTeacher(seed=3)
    expected = teacher.answer([{"role": "user", "content": "Say hello number 1."}], sample_index=1).text
    assert answers["r1"]["choices"][0]["message"]["content"] == expected


def test_a_mock_teacher_has_a_batch_api_only_when_its_lines_answer_as_it_does_live() -> None:
    """--teacher mock always has one; a mock built with options a batch line does not carry
    (the Python API's wrong-answer rate, reasoning mode, model name) has none: --batch refuses
    it with one line (exit 2) before anything is planned."""
    from synthgen.mock.teacher import MockTeacher

    assert MockTeacher(seed=4, max_tokens=20).batch_unsupported() is None
    for options in ({"wrong_answer_rate": 0.5}, {"reasoning": "field"}, {"model": "other"}):
        assert "does not carry" in (MockTeacher(**options).batch_unsupported() or "")  # type: ignore[arg-type]


def _batch(file_id: str = "f", endpoint: str = "/v1/chat/completions", window: str = "24h") -> dict[str, str]:
    return {"input_file_id": file_id, "endpoint": endpoint, "completion_window": window}


REFUSED = [  # (method, path, JSON body or a file purpose to upload with) -> (status, code, param)
    ("GET", "/files/file-nope", None, (404, "not_found", "id")),
    ("GET", "/files/file-nope/content", None, (404, "not_found", "id")),
    ("POST", "/files", "nope", (400, None, "purpose")),
    ("POST", "/batches", _batch("file-nope"), (404, "not_found", "id")),
    ("POST", "/batches", _batch(endpoint="/v1/embeddings"), (400, None, "endpoint")),
    ("POST", "/batches", _batch(window="1h"), (400, None, "completion_window")),
    ("GET", "/batches/batch_nope", None, (404, "not_found", None)),
    ("POST", "/batches/batch_nope/cancel", None, (404, "not_found", None)),
]


@pytest.mark.parametrize(("method", "path", "body", "expected"), REFUSED)
def test_every_route_answers_a_refusal_as_openai_does(
    mock_server: Any, method: str, path: str, body: Any, expected: tuple[int, str | None, str | None]
) -> None:
    """What the store refuses comes back as OpenAI's error object, the store's status, message,
    code and param, from whichever route it is refused."""
    from conftest import http

    url = mock_server().url + path
    if isinstance(body, str):  # an upload
        response = http().post(url, data={"purpose": body}, files={"file": ("in.jsonl", b"{}\n")})
    else:
        response = http().request(method, url, json=body)
    error = response.json()["error"]
    assert (response.status_code, error["code"], error["param"]) == expected, error
    assert error["type"] == "invalid_request_error" and error["message"]
