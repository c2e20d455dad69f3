"""The chat-completions hot path on the wire (raw aiohttp), against real local servers.

What we send is compared with what the openai SDK sends for the same call to the same mock
server (its ``/debug/requests`` log); seeds are checked as the server received them; odd
answers (reasoning traces, cut-off bodies, redirects) come from a canned stdlib server; an
unreachable teacher is checked through the CLI.
"""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import openai
import pytest

from conftest import MockServer, http, read_jsonl, run_in_process, synthgen_cmd
from synthgen import __version__
from synthgen.errors import TeacherError, TransientTeacherError
from synthgen.teacher.dispatch import Budgets, Dispatcher, UsageMeter
from synthgen.teacher.endpoints import Endpoint, EndpointPool
from synthgen.teacher.limits import AdaptiveConcurrency
from synthgen.teacher.openai_teacher import OpenAITeacher, Sampling
from synthgen.teacher.retry import RetryPolicy
from synthgen.teacher.wire import CannotConnect, RequestTimeout

MESSAGES = [{"role": "user", "content": "Write 3 tasks."}]
KEY = "sk-wire-secret-123"


@pytest.fixture
def server(mock_server: Callable[..., MockServer]) -> MockServer:
    return mock_server()


def _teacher(url: str, *, seed: int | None = 7, timeout: float = 10) -> OpenAITeacher:
    sampling = Sampling(temperature=1.0, top_p=1.0, max_tokens=50, seed=seed)
    return OpenAITeacher(
        base_url=url, model="mock", api_key=KEY, api_key_env="KEY_VAR", sampling=sampling, timeout=timeout
    )


def _complete(teacher: OpenAITeacher, sample_index: int = 0) -> Any:
    async def run() -> Any:
        try:
            return await teacher.complete(MESSAGES, sample_index=sample_index)  # type: ignore[arg-type]
        finally:
            await teacher.aclose()

    return asyncio.run(run())


def _received(server: MockServer) -> list[dict[str, Any]]:
    return http().get(f"{server.root}/debug/requests", timeout=5).json()["requests"]


# --- what goes out ------------------------------------------------------------------------


def test_headers_are_the_sdks_but_its_telemetry_and_user_agent(
    server: MockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_ORG_ID", "org-wire")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj-wire")
    server.reset()

    async def sdk_call() -> None:
        async with openai.AsyncOpenAI(base_url=server.url, api_key=KEY, max_retries=0) as client:
            await client.chat.completions.create(
                model="mock", messages=MESSAGES, temperature=1.0, top_p=1.0, max_tokens=50, seed=7
            )  # type: ignore[call-overload]

    asyncio.run(sdk_call())
    _complete(_teacher(server.url))
    sdk, ours = _received(server)
    assert sdk["path"] == ours["path"] == "/v1/chat/completions" and sdk["method"] == ours["method"] == "POST"
    assert (sdk["model"], sdk["seed"]) == (ours["model"], ours["seed"]) == ("mock", 7)

    def comparable(headers: dict[str, str]) -> dict[str, str]:
        skip = {"user-agent", "content-length"}  # ours is synthgen's; lengths differ by key order
        return {k: v for k, v in headers.items() if k not in skip and not k.startswith("x-stainless-")}

    assert comparable(ours["headers"]) == comparable(sdk["headers"])
    assert ours["headers"]["authorization"] == "Bearer"  # the log keeps the scheme only
    assert ours["headers"]["openai-organization"] == "org-wire"
    assert ours["headers"]["openai-project"] == "proj-wire"
    assert ours["headers"]["user-agent"] == f"synthgen/{__version__}"
    assert KEY not in json.dumps(_received(server)) + json.dumps(server.stats())


def test_no_org_or_project_header_unless_set(server: MockServer) -> None:
    server.reset()
    _complete(_teacher(server.url))
    headers = _received(server)[0]["headers"]
    assert "openai-organization" not in headers and "openai-project" not in headers


def test_generate_sends_base_seed_plus_request_index(tmp_path: Path, server: MockServer) -> None:
    server.reset()
    out = tmp_path / "a.jsonl"
    args = ["generate", "--base-url", server.url, "--model", "mock", "-o", out, "--num", "60",
            "--seed", "1000", "--concurrency", "4", "--no-cache", "--quiet"]  # fmt: skip
    result = run_in_process(*args)
    assert result.returncode == 0, result.stderr
    seeds = [r["seed"] for r in _received(server) if r["path"] == "/v1/chat/completions"]
    assert sorted(seeds) == list(range(1000, 1000 + len(seeds)))  # one per request, none twice
    used = {m["request"] for m in read_jsonl(out.with_name("a.jsonl.meta.jsonl"))}
    assert {1000 + i for i in used} <= set(seeds)


def test_the_same_seed_reproduces_the_file_over_http(tmp_path: Path, server: MockServer) -> None:
    # Two processes: nothing may hang on a per-process hash seed.
    def run(name: str, seed: int) -> bytes:
        out = tmp_path / name
        args = ["generate", "--base-url", server.url, "--model", "mock", "-o", out, "--num", "30",
                "--seed", seed, "--concurrency", "4", "--no-cache", "--quiet"]  # fmt: skip
        result = subprocess.run(synthgen_cmd(*args), capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return out.read_bytes()

    assert run("a.jsonl", 3) == run("b.jsonl", 3)


# --- odd answers, from a canned server ----------------------------------------------------


class Canned:
    """A stdlib HTTP server on loopback answering every POST with the next canned reply."""

    def __init__(self, *replies: tuple[int, dict[str, str], bytes], port: int = 0) -> None:
        self.replies = list(replies)
        canned = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status, headers, body = canned.replies.pop(0)
                self.send_response(status)
                for name, value in {"Content-Length": str(len(body)), **headers}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)
                self.close_connection = True

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def canned() -> Iterator[Any]:
    servers: list[Canned] = []

    def start(*replies: tuple[int, dict[str, str], bytes]) -> Canned:
        servers.append(Canned(*replies))
        return servers[-1]

    yield start
    for s in servers:
        s.close()


def _chat_body(message: dict[str, Any]) -> bytes:
    return json.dumps({
        "id": "chatcmpl-1", "model": "deep-r1",
        "choices": [{"index": 0, "message": {"role": "assistant", **message}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 9},
    }).encode()  # fmt: skip


@pytest.mark.parametrize("field", ["reasoning_content", "reasoning"])
def test_reasoning_trace_is_read_from_either_field(canned: Any, field: str) -> None:
    server = canned((200, {"Content-Type": "application/json"}, _chat_body({"content": "4", field: "2+2=4"})))
    completion = _complete(_teacher(server.url))
    assert (completion.text, completion.reasoning, completion.model) == ("4", "2+2=4", "deep-r1")
    assert completion.usage.total_tokens == 12


def test_no_reasoning_field_means_none(canned: Any) -> None:
    server = canned((200, {}, _chat_body({"content": "4"})))
    assert _complete(_teacher(server.url)).reasoning is None


@pytest.mark.parametrize(
    ("reply", "kind", "text"),
    [
        ((200, {"Content-Length": "5000"}, _chat_body({"content": "x"})), TransientTeacherError, "cut off"),
        ((200, {}, b"<html>oops</html>"), TransientTeacherError, "not JSON"),
        ((200, {}, b'{"choices": []}'), TransientTeacherError, "no choices"),
        ((503, {"Retry-After": "3"}, b"{}"), TransientTeacherError, "HTTP 503"),
        ((429, {"retry-after-ms": "1500"}, b"{}"), TransientTeacherError, "HTTP 429"),
        ((401, {}, b'{"error": {"message": "bad key"}}'), TeacherError, "check the key in $KEY_VAR"),
        ((400, {}, b'{"error": {"message": "max_tokens too big"}}'), TeacherError, "max_tokens too big"),
        ((301, {"Location": "https://elsewhere/v1/chat/completions"}, b""), TeacherError, "redirects"),
    ],
)
def test_answers_map_to_our_errors(canned: Any, reply: Any, kind: type[Exception], text: str) -> None:
    server = canned(reply)
    with pytest.raises(kind) as info:
        _complete(_teacher(server.url))
    assert text in str(info.value)
    assert (type(info.value) is TeacherError) == (kind is TeacherError)  # fatal ones are not transient
    if reply[0] == 503:
        assert info.value.retry_after == 3.0 and info.value.status == 503  # type: ignore[attr-defined]
    if reply[0] == 429:
        assert info.value.retry_after == 1.5  # type: ignore[attr-defined]


def test_a_read_timeout_is_not_a_connect_failure(mock_server: Callable[..., MockServer]) -> None:
    hanging = mock_server(hang_rate=1, hang_seconds=30)
    with pytest.raises(RequestTimeout, match=r"timed out after 0\.2 s"):
        _complete(_teacher(hanging.url, timeout=0.2))


def test_refused_and_tls_errors_say_what_they_are(server: MockServer) -> None:
    with pytest.raises(CannotConnect, match="connection refused — is the server running"):
        _complete(_teacher(_closed_port_url()))
    https = server.url.replace("http://", "https://")  # a plain-HTTP server behind an https URL
    with pytest.raises(CannotConnect, match="TLS handshake failed"):
        _complete(_teacher(https))


# --- an unreachable teacher, through the CLI ----------------------------------------------


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"  # nothing listens there any more


def _generate(tmp_path: Path, url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    args = ["generate", "--base-url", url, "--model", "m", "-o", tmp_path / "a.jsonl", "--no-cache", *extra]
    return run_in_process(*args)


def test_closed_port_stops_with_the_true_cause_and_exit_1(tmp_path: Path) -> None:
    url = _closed_port_url()
    result = _generate(tmp_path, url, "--connect-grace", "0.1")  # retried that long (default 5 s)
    assert result.returncode == 1, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("synthgen: error:")]
    assert errors == [
        f"synthgen: error: cannot connect to {url}: connection refused — is the server running?"
    ]
    assert "Traceback" not in result.stderr and "timed out" not in result.stderr
    report = json.loads((tmp_path / "a.jsonl.report.json").read_text())
    assert set(report["last_run"]["usage"]["failures_by_kind"]) == {"cannot_connect"}


def test_closed_port_with_no_retries_is_still_the_true_cause(tmp_path: Path) -> None:
    result = _generate(tmp_path, _closed_port_url(), "--max-retries", "0")
    assert result.returncode == 1, result.stderr
    assert "connection refused — is the server running?" in result.stderr


@pytest.mark.parametrize("url", ["127.0.0.1:18101/v1", "ftp://127.0.0.1/v1", "http://"])
def test_base_url_without_http_scheme_is_a_usage_error(tmp_path: Path, url: str) -> None:
    result = _generate(tmp_path, url)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"synthgen: error: --base-url: '{url}' is not an http(s) URL")
    assert len(result.stderr.splitlines()) == 1
    assert list(tmp_path.iterdir()) == []  # nothing was started


def test_a_server_that_starts_late_is_waited_for() -> None:
    """Refused at first, then answering: the request is probed until it gets through."""
    url = _closed_port_url()
    port = int(url.split(":")[2].split("/")[0])
    reply = (200, {}, _chat_body({"content": "1. Instruction: Name a fruit."}))
    late: list[Canned] = []
    pool = EndpointPool([Endpoint(url, _teacher(url))])
    meter = UsageMeter()
    dispatcher = Dispatcher(
        pool=pool, policy=RetryPolicy(max_retries=10, max_wait=30), concurrency=AdaptiveConcurrency(4),
        meter=meter, budgets=Budgets(), max_tokens=50,
    )  # fmt: skip

    async def run() -> Any:
        asyncio.get_running_loop().call_later(0.3, lambda: late.append(Canned(reply, port=port)))
        try:
            return await dispatcher.complete(MESSAGES, sample_index=0)  # type: ignore[arg-type]
        finally:
            await pool.aclose()

    try:
        completion = asyncio.run(run())
    finally:
        for server in late:
            server.close()
    assert completion.text == "1. Instruction: Name a fruit."
    assert meter.failures_by_kind["cannot_connect"] >= 1 and meter.requests_sent >= 2


def test_reasoning_field_reaches_respond_over_http(tmp_path: Path, mock_server: Any) -> None:
    """The mock's reasoning_content travels the hot path into respond's rows (kept inline)."""
    server = mock_server("--reasoning", "field")
    rows = tmp_path / "q.jsonl"
    rows.write_text(json.dumps({"instruction": "What is 6 x 7?"}) + "\n")
    out = tmp_path / "a.jsonl"
    args = ["respond", rows, "-o", out, "--base-url", server.url, "--model", "mock", "--no-cache", "-q"]
    result = run_in_process(*args)
    assert result.returncode == 0, result.stderr
    (row,) = read_jsonl(out)
    assert row["output"].startswith("<think>\n") and "</think>" in row["output"]
