"""The mock-teacher HTTP server: OpenAI shapes, the official client, fault options, stats, process life.

Most tests talk to real ``synthgen mock-teacher`` processes on loopback, because drops, hangs,
signals and busy ports only exist on a real server: one started with ``--seed 7`` serves the
module, reshaped per test at run time (``POST /debug/settings``), and one more checks the fault
flags themselves. A few use the app in-process where a fresh server per case is the point.
Nothing is timed: what a request met is counted (by the server, or in its ``x-mock-fault``
header), and waits are hundredths of a second.
"""

from __future__ import annotations

import asyncio
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import openai
import pytest

from conftest import http, run_cli, until
from synthgen.config import MockServerSettings
from synthgen.mock.server.app import create_app
from synthgen.mock.server.faults import FaultPlan
from synthgen.mock.server.replies import MALFORMED_REPLY
from synthgen.mock.teacher import count_tokens, mock_reply

TASKS_PROMPT = (
    "Please write 5 new tasks. Example tasks:\n\n"
    "1. Instruction: Give three tips for staying healthy.\n1. Input: <noinput>\n"
    "1. Output: Eat well, sleep enough and move every day.\n\n"
    "Now write 5 new tasks in exactly the same format, numbered 1 to 5."
)
MESSAGES = [{"role": "user", "content": TASKS_PROMPT}]
# A task's first line in any of the mock's label styles: "3. Instruction:", "3. **Instruction:**",
# "Instruction 3:"; the group(s) hold its number.
ITEM = re.compile(r"^(?:(\d+)\.\s*\**Instruction:|Instruction (\d+):)", re.MULTILINE)
LISTENING = re.compile(r"^mock-teacher listening on (http://127\.0\.0\.1:(\d+)/v1)$")


@dataclass
class Server:
    """A ``synthgen mock-teacher`` subprocess; ``log`` collects its stderr lines."""

    proc: subprocess.Popen[str]
    url: str  # .../v1, for the openai client
    port: int
    log: list[str] = field(default_factory=list)
    clients: dict[tuple[Any, ...], openai.OpenAI] = field(default_factory=dict)

    @property
    def root(self) -> str:
        return self.url.removesuffix("/v1")

    def client(self, **kw: Any) -> openai.OpenAI:
        # Built once per set of options: a new client costs ~20 ms of CPU (its SSL context).
        key = tuple(sorted(kw.items()))
        if key not in self.clients:
            self.clients[key] = openai.OpenAI(base_url=self.url, **{"api_key": "x", "max_retries": 0, **kw})
        return self.clients[key]

    def stats(self) -> dict[str, Any]:
        return http().get(f"{self.root}/stats").json()

    def reset(self) -> None:
        http().post(f"{self.root}/stats/reset").raise_for_status()

    def configure(self, **settings: Any) -> Server:
        """These options from now on (the others as at start); counters cleared."""
        http().post(f"{self.root}/debug/settings", json=settings).raise_for_status()
        self.reset()
        return self

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.proc.wait(timeout=10)


def start_server(*args: str) -> Server:
    """Start a server on a free port and wait for its listening line."""
    cmd = [sys.executable, "-m", "synthgen", "mock-teacher", "--port", "0", *args]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str | None] = queue.Queue()
    log: list[str] = []

    def drain() -> None:  # keeps reading, so a chatty server never blocks on a full pipe
        assert proc.stderr is not None
        for line in proc.stderr:
            log.append(line.rstrip("\n"))
            lines.put(line.rstrip("\n"))
        lines.put(None)

    threading.Thread(target=drain, daemon=True).start()
    deadline = time.monotonic() + 20
    while (line := lines.get(timeout=max(0.1, deadline - time.monotonic()))) is not None:
        if match := LISTENING.match(line):
            return Server(proc, match[1], int(match[2]), log)
    proc.kill()
    raise AssertionError(f"server did not start: {log}")


@pytest.fixture(scope="module")
def server_factory() -> Iterator[Any]:
    """Start servers on demand; all are stopped when the module ends."""
    started: list[Server] = []

    def start(*args: str) -> Server:
        started.append(start_server(*args))
        return started[-1]

    yield start
    for server in started:
        if server.proc.poll() is None:
            server.proc.kill()
            server.proc.wait()


@pytest.fixture(scope="module")
def plain(server_factory: Any) -> Server:
    return server_factory("--seed", "7")


@pytest.fixture
def reshaped(plain: Server) -> Iterator[Server]:
    """The module's server, for a test that changes its options (back to its start ones after)."""
    yield plain
    plain.configure()


def _numbers(text: str) -> list[int]:
    """The numbers of the tasks listed in ``text``."""
    return [int(a or b) for a, b in ITEM.findall(text)]


def chat(client: openai.OpenAI, **kw: Any) -> Any:
    return client.chat.completions.create(**{"model": "mock", "messages": MESSAGES, **kw})


# --- OpenAI shapes, through the official client --------------------------------------------


def test_chat_completion_has_openai_shape(plain: Server) -> None:
    raw = plain.client().chat.completions.with_raw_response.create(model="teacher-7b", messages=MESSAGES)
    assert raw.headers["x-request-id"].startswith("req_")
    resp = raw.parse()
    assert resp.id.startswith("chatcmpl-") and resp.object == "chat.completion"
    assert resp.model == "teacher-7b"  # whatever was asked for is echoed
    assert abs(resp.created - time.time()) < 60
    [choice] = resp.choices
    assert choice.index == 0 and choice.finish_reason == "stop"
    assert choice.message.role == "assistant" and choice.message.content
    assert resp.usage.prompt_tokens == count_tokens(TASKS_PROMPT)
    assert resp.usage.completion_tokens == count_tokens(choice.message.content)
    assert resp.usage.total_tokens == resp.usage.prompt_tokens + resp.usage.completion_tokens


def test_content_is_the_in_process_mock_teachers(plain: Server) -> None:
    content = chat(plain.client()).choices[0].message.content
    # No request seed, default temperature: exactly what `--teacher mock --seed 7` computes.
    assert content == mock_reply(TASKS_PROMPT, seed=7, sample_index=0)
    assert _numbers(content) == [1, 2, 3, 4, 5]


def test_a_question_gets_an_answer_not_a_task_list(plain: Server) -> None:
    resp = chat(plain.client(), messages=[{"role": "user", "content": "What is the capital of France?"}])
    assert resp.choices[0].message.content and _numbers(resp.choices[0].message.content) == []


def test_same_request_same_text_and_seed_or_temperature_change_it(plain: Server) -> None:
    client = plain.client()
    texts = [chat(client, seed=11, temperature=0.7).choices[0].message.content for _ in range(2)]
    assert texts[0] == texts[1]
    assert chat(client, seed=12, temperature=0.7).choices[0].message.content != texts[0]
    assert chat(client, seed=11, temperature=0.2).choices[0].message.content != texts[0]


def test_n_choices_differ(plain: Server) -> None:
    resp = chat(plain.client(), n=3, seed=1)
    assert [c.index for c in resp.choices] == [0, 1, 2]
    assert len({c.message.content for c in resp.choices}) == 3
    assert resp.usage.completion_tokens == sum(count_tokens(c.message.content) for c in resp.choices)


def test_max_tokens_cuts_the_text_with_finish_reason_length(plain: Server) -> None:
    client = plain.client()
    full = chat(client, seed=3).choices[0].message.content
    cut = chat(client, seed=3, max_tokens=12)
    assert cut.choices[0].finish_reason == "length"
    assert full.startswith(cut.choices[0].message.content) and len(cut.choices[0].message.content) < len(full)
    assert cut.usage.completion_tokens <= 12
    assert chat(client, seed=3, max_tokens=100_000).choices[0].finish_reason == "stop"


def test_streaming_matches_the_non_streaming_reply(plain: Server) -> None:
    client = plain.client()
    whole = chat(client, seed=5, n=2, max_tokens=40)
    options = {"include_usage": True}
    chunks = list(chat(client, seed=5, n=2, max_tokens=40, stream=True, stream_options=options))
    assert all(c.object == "chat.completion.chunk" and c.id == chunks[0].id for c in chunks)
    for choice in whole.choices:
        deltas = [c.choices[0] for c in chunks if c.choices and c.choices[0].index == choice.index]
        assert deltas[0].delta.role == "assistant"
        assert "".join(d.delta.content or "" for d in deltas) == choice.message.content
        assert [d.finish_reason for d in deltas if d.finish_reason] == [choice.finish_reason]
    assert chunks[-1].choices == [] and chunks[-1].usage == whole.usage


def test_text_completions(plain: Server) -> None:
    client = plain.client()
    resp = client.completions.create(model="mock", prompt=TASKS_PROMPT, n=2, max_tokens=30, seed=4)
    assert resp.object == "text_completion" and resp.id.startswith("cmpl-")
    assert [c.index for c in resp.choices] == [0, 1]
    assert all(c.finish_reason == "length" and c.text for c in resp.choices)
    assert resp.usage.prompt_tokens == count_tokens(TASKS_PROMPT)
    kw = {"model": "mock", "prompt": TASKS_PROMPT, "max_tokens": 30, "seed": 4}
    streamed = client.completions.create(**kw, stream=True)
    assert "".join(c.choices[0].text for c in streamed if c.choices) == resp.choices[0].text


def test_models_lists_mock(plain: Server) -> None:
    assert [m.id for m in plain.client().models.list()] == ["mock"]


def test_bad_requests_get_openai_errors(plain: Server) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        chat(plain.client(), n=0)
    assert info.value.status_code == 400 and info.value.body["param"] == "n"
    resp = http().post(f"{plain.url}/chat/completions", content=b"{not json")
    assert resp.status_code == 400 and set(resp.json()["error"]) == {"message", "type", "param", "code"}


def test_stats_count_exactly_what_the_client_did(plain: Server) -> None:
    plain.reset()
    client = plain.client()
    usages = [chat(client, seed=i).usage for i in range(3)]
    client.models.list()
    assert http().get(f"{plain.root}/nowhere").status_code == 404
    stats = plain.stats()
    assert stats["requests"] == {
        "/v1/chat/completions": {"200": 3},
        "/v1/models": {"200": 1},
        "/nowhere": {"404": 1},
    }
    assert stats["requests_total"] == 5 and stats["max_concurrent"] == 1 and stats["in_flight"] == 0
    assert stats["tokens"] == {
        "prompt": sum(u.prompt_tokens for u in usages),
        "completion": sum(u.completion_tokens for u in usages),
        "total": sum(u.total_tokens for u in usages),
    }
    plain.reset()
    assert plain.stats()["requests_total"] == 0 and plain.stats()["tokens"]["total"] == 0


def test_quiet_by_default(plain: Server) -> None:
    assert [line for line in plain.log if not LISTENING.match(line)] == []


# --- API key -----------------------------------------------------------------------------------


def test_require_api_key(reshaped: Server) -> None:
    server = reshaped.configure(require_api_key="sk-right")
    assert chat(server.client(api_key="sk-right")).choices[0].finish_reason == "stop"
    with pytest.raises(openai.AuthenticationError) as info:
        chat(server.client(api_key="sk-wrong"))
    assert info.value.status_code == 401
    assert info.value.response.json() == {
        "error": {
            "message": "Incorrect API key provided.",
            "type": "invalid_request_error",
            "param": None,
            "code": "invalid_api_key",
        }
    }
    missing = http().get(f"{server.url}/models")
    assert missing.status_code == 401 and "didn't provide an API key" in missing.json()["error"]["message"]
    assert http().get(f"{server.root}/stats").status_code == 200  # the test hook needs no key


# --- fault options --------------------------------------------------------------------------------


async def _fire(url: str, count: int, concurrency: int, timeout: float = 10) -> list[tuple[str, Any]]:
    """POST ``count`` chat requests; each result is (status or exception name, response)."""
    gate = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency)

    async def one(client: httpx.AsyncClient, i: int) -> tuple[str, Any]:
        async with gate:
            payload = {"model": "mock", "messages": MESSAGES, "seed": i}
            try:
                resp = await client.post(f"{url}/chat/completions", json=payload)
            except httpx.HTTPError as exc:
                return type(exc).__name__, None
            return str(resp.status_code), resp

    async with httpx.AsyncClient(timeout=timeout, limits=limits) as client:
        return await asyncio.gather(*(one(client, i) for i in range(count)))


def _met(resp: httpx.Response) -> list[str]:
    """The faults an answer met on its way, from its ``x-mock-fault`` header."""
    return resp.headers.get("x-mock-fault", "").split(",") if "x-mock-fault" in resp.headers else []


def test_each_fault_option_hits_about_its_share(server_factory: Any) -> None:
    args = ["--seed", "3", "--hang-seconds", "0.02", "--retry-after", "2"]
    for flag in ("--error-rate-429", "--error-rate-500", "--error-rate-503", "--drop-rate", "--hang-rate"):
        args += [flag, "0.12"]
    args += ["--truncate-rate", "0.2", "--malformed-rate", "0.2"]
    server = server_factory(*args)
    results = asyncio.run(_fire(server.url, 300, concurrency=12))
    outcomes = Counter(status for status, _ in results)
    ok = [resp for status, resp in results if status == "200"]
    bodies = [resp.json() for resp in ok]
    seen = {
        "429": outcomes["429"],
        "500": outcomes["500"],
        "503": outcomes["503"],
        "drop": outcomes["RemoteProtocolError"],
        "hang": sum("hang" in _met(resp) for resp in ok),  # answered late: the header says so
        "truncate": sum(b["choices"][0]["finish_reason"] == "length" for b in bodies),
        "malformed": sum(b["choices"][0]["message"]["content"] == MALFORMED_REPLY for b in bodies),
    }
    assert sum(outcomes.values()) == 300
    assert set(outcomes) == {"200", "429", "500", "503", "RemoteProtocolError"}
    for fault in ("429", "500", "503", "drop", "hang"):  # 12% of 300: 36
        assert 18 <= seen[fault] <= 54, seen
    for fault in ("truncate", "malformed"):  # 20% of the ~156 answered
        assert 0.1 * len(ok) <= seen[fault] <= 0.3 * len(ok), seen
    # The server's own account agrees with what the client saw, fault by fault.
    assert server.stats()["faults"] == seen
    # ...and each answer's header names the content faults the client found in it.
    for resp, body in zip(ok, bodies, strict=True):
        content = body["choices"][0]
        cut, broken = content["finish_reason"] == "length", content["message"]["content"] == MALFORMED_REPLY
        assert ("truncate" in _met(resp), "malformed" in _met(resp)) == (cut, broken)
    rate_limited = next(resp for status, resp in results if status == "429")
    assert rate_limited.headers["retry-after"] == "2" and rate_limited.headers["retry-after-ms"] == "2000"
    assert rate_limited.json()["error"]["code"] == "rate_limit_exceeded"
    assert not [line for line in server.log if "ERROR" in line]


def _statuses(settings: MockServerSettings, count: int) -> list[str]:
    """Statuses a sequential in-process client gets from a fresh app."""

    async def run() -> list[str]:
        transport = httpx.ASGITransport(app=create_app(settings))
        async with httpx.AsyncClient(transport=transport, base_url="http://mock") as client:
            payload = {"model": "mock", "messages": MESSAGES}
            responses = [await client.post("/v1/chat/completions", json=payload) for _ in range(count)]
            return [str(r.status_code) for r in responses]

    return asyncio.run(run())


def test_fault_draws_are_reproducible_for_a_sequential_client() -> None:
    settings = {"error_rate_429": 0.2, "error_rate_500": 0.2, "error_rate_503": 0.2}
    first = _statuses(MockServerSettings(seed=1, **settings), 60)
    assert first == _statuses(MockServerSettings(seed=1, **settings), 60)
    assert first != _statuses(MockServerSettings(seed=2, **settings), 60)
    assert set(first) == {"200", "429", "500", "503"}


def test_readiness_probes_never_meet_a_fault_nor_shift_the_draws() -> None:
    """/health and /v1/models answer 200 whatever the faults, and take no fault draw."""
    faults = {"error_rate_500": 0.5, "drop_rate": 0.1, "hang_rate": 0.1, "hang_seconds": 0.01}
    settings = MockServerSettings(seed=4, **faults)

    async def run(probe: bool) -> tuple[list[str], list[int]]:
        transport = httpx.ASGITransport(app=create_app(settings))
        async with httpx.AsyncClient(transport=transport, base_url="http://mock") as client:
            statuses, probes = [], []
            for _ in range(30):
                if probe:
                    for path in ("/health", "/v1/models", "/v1/models/mock"):
                        probes.append((await client.get(path)).status_code)
                try:
                    payload = {"model": "mock", "messages": MESSAGES}
                    statuses.append(
                        str((await client.post("/v1/chat/completions", json=payload)).status_code)
                    )
                except ConnectionAbortedError:  # a drop, in-process
                    statuses.append("drop")
            return statuses, probes

    plain, _ = asyncio.run(run(probe=False))
    probed, probes = asyncio.run(run(probe=True))
    assert probed == plain and {"500", "drop"} <= set(plain)
    assert set(probes) == {200}


def test_health_and_request_log_are_not_counted(plain: Server) -> None:
    plain.reset()
    assert http().get(f"{plain.root}/health").json() == {"status": "ok"}
    before = time.time()
    chat(plain.client(api_key="sk-never-logged"), seed=11)
    logged = http().get(f"{plain.root}/debug/requests").json()["requests"]
    assert before <= logged[0]["received_at"] <= time.time()  # when it arrived (server clock)
    assert [(r["path"], r["seed"], r["model"]) for r in logged] == [("/v1/chat/completions", 11, "mock")]
    assert logged[0]["headers"]["authorization"] == "Bearer" and "sk-never-logged" not in str(logged)
    assert plain.stats()["requests"] == {"/v1/chat/completions": {"200": 1}}
    plain.reset()
    assert http().get(f"{plain.root}/debug/requests").json() == {"requests": []}


def test_model_option_limits_the_served_names() -> None:
    settings = MockServerSettings(models=["a-model", "b-model"])

    async def run() -> list[Any]:
        transport = httpx.ASGITransport(app=create_app(settings))
        async with httpx.AsyncClient(transport=transport, base_url="http://mock") as client:
            return [
                (await client.get("/v1/models")).json(),
                (await client.get("/v1/models/b-model")).status_code,
                (await client.get("/v1/models/c-model")).status_code,
                (
                    await client.post("/v1/chat/completions", json={"model": "a-model", "messages": MESSAGES})
                ).status_code,
                (
                    await client.post("/v1/chat/completions", json={"model": "mock", "messages": MESSAGES})
                ).json(),
            ]

    listing, known, unknown, served, refused = asyncio.run(run())
    assert [m["id"] for m in listing["data"]] == ["a-model", "b-model"]
    assert (known, unknown, served) == (200, 404, 200)
    assert refused["error"]["code"] == "model_not_found"


def test_truncate_and_malformed_at_rate_one() -> None:
    async def run(settings: MockServerSettings) -> dict[str, Any]:
        transport = httpx.ASGITransport(app=create_app(settings))
        async with httpx.AsyncClient(transport=transport, base_url="http://mock") as client:
            payload = {"model": "mock", "messages": MESSAGES}
            return (await client.post("/v1/chat/completions", json=payload)).json()["choices"][0]

    full = mock_reply(TASKS_PROMPT, seed=0)
    truncated = asyncio.run(run(MockServerSettings(truncate_rate=1)))
    assert truncated["finish_reason"] == "length"
    text = truncated["message"]["content"]
    assert full.startswith(text) and len(text) < len(full)
    assert 0 < len(_numbers(text)) < len(_numbers(full))  # mid-list
    malformed = asyncio.run(run(MockServerSettings(malformed_rate=1)))
    assert malformed["message"]["content"] == MALFORMED_REPLY and not re.search(r"^\d+\.", MALFORMED_REPLY)


def test_rates_adding_up_to_more_than_one_are_a_usage_error() -> None:
    result = run_cli("mock-teacher", "--error-rate-500", "0.6", "--drop-rate", "0.6")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "add up to 1.2" in result.stderr


def test_capacity(reshaped: Server) -> None:
    # The first four are admitted and held (--hold-after 0) until the options change; the other
    # six arrive meanwhile and are refused at once.
    server = reshaped.configure(capacity=4, hold_after=0, retry_after=0.5)

    async def scenario() -> list[tuple[str, Any]]:
        fired = asyncio.ensure_future(_fire(server.url, 10, concurrency=10))
        while server.stats()["faults"].get("capacity", 0) < 6:  # counted events, no timing
            await asyncio.sleep(0.01)
        assert server.stats()["faults"] == {"held": 4, "capacity": 6}
        settings = {"capacity": 4, "retry_after": 0.5}  # no --hold-after: the four are released
        http().post(f"{server.root}/debug/settings", json=settings).raise_for_status()
        return await fired

    results = asyncio.run(scenario())
    outcomes = Counter(status for status, _ in results)
    assert outcomes == {"200": 4, "429": 6}
    for status, resp in results:
        if status == "429":
            assert resp.headers["retry-after"] == "1" and resp.headers["retry-after-ms"] == "500"
            assert "capacity of 4" in resp.json()["error"]["message"]
    assert 5 <= server.stats()["max_concurrent"] <= 10
    until(lambda: server.stats()["in_flight"] == 0, what="the last answer counted")
    assert server.stats()["requests"] == {"/v1/chat/completions": {"200": 4, "429": 6}}


def test_latency_and_jitter_are_drawn_per_request() -> None:
    # What the gate waits before answering: latency plus a uniform share of the jitter.
    plan = FaultPlan(MockServerSettings(latency_ms=200, jitter_ms=100, seed=5))
    delays = [plan.draw().delay for _ in range(50)]
    assert all(0.2 <= d <= 0.3 for d in delays) and len(set(delays)) == 50
    assert min(delays) < 0.22 and max(delays) > 0.28  # spread over the whole range


def test_latency_holds_the_answer(reshaped: Server) -> None:
    # Counted, not timed: behind a minute of latency, a client that waits a tenth of a second
    # leaves without an answer, and the server sees it leave.
    server = reshaped.configure(latency_ms=60_000)
    with pytest.raises(openai.APITimeoutError):
        chat(server.client(timeout=0.1))
    until(lambda: server.stats()["in_flight"] == 0, what="the delayed request's end")
    assert server.stats()["requests"] == {"/v1/chat/completions": {"disconnected": 1}}
    assert server.stats()["faults"] == {}  # latency is no fault


def test_drop_closes_the_connection_without_an_answer(reshaped: Server) -> None:
    server = reshaped.configure(drop_rate=1)
    with pytest.raises(openai.APIConnectionError):
        chat(server.client())
    with pytest.raises(httpx.RemoteProtocolError, match="without sending"):
        httpx.post(f"{server.url}/chat/completions", json={"model": "mock", "messages": MESSAGES})
    assert server.stats()["requests"] == {"/v1/chat/completions": {"dropped": 2}}
    assert not [line for line in server.log if "ERROR" in line]  # no 500 attempted behind our back


def test_hang_answers_late_and_impatient_clients_time_out(reshaped: Server) -> None:
    server = reshaped.configure(hang_rate=1, hang_seconds=60)
    with pytest.raises(openai.APITimeoutError):
        chat(server.client(timeout=0.1))
    server.configure(hang_rate=1, hang_seconds=0.02)
    raw = server.client(timeout=10).chat.completions.with_raw_response.create(model="mock", messages=MESSAGES)
    assert raw.parse().choices[0].finish_reason == "stop"
    assert raw.headers["x-mock-fault"] == "hang"  # answered, after its hang
    assert server.stats()["faults"] == {"hang": 1}
    # The server noticed that the first client left and stopped waiting for it.
    server.configure(hang_rate=1, hang_seconds=60)
    with pytest.raises(openai.APITimeoutError):
        chat(server.client(timeout=0.1))
    until(lambda: server.stats()["in_flight"] == 0, what="the hung request's end")
    assert server.stats()["requests"] == {"/v1/chat/completions": {"disconnected": 1}}


# --- process life ---------------------------------------------------------------------------------


def test_busy_port_is_a_one_line_error_with_exit_code_2() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        cmd = [sys.executable, "-m", "synthgen", "mock-teacher", "--port", str(port)]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
    assert done.returncode == 2
    assert done.stderr.startswith(f"synthgen: error: port {port} on 127.0.0.1 is already in use: ")
    assert done.stderr.count("\n") == 1


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_cleanly_and_debug_logs_each_request(sig: int) -> None:
    server = start_server("--log-level", "debug")
    try:
        assert http().get(f"{server.url}/models").status_code == 200
        assert http().post(f"{server.url}/completions", json={"prompt": "hi"}).status_code == 200
        assert server.stop(sig) == 0
    finally:
        server.proc.kill()
    requests = [line for line in server.log if "synthgen.mock.server" in line]
    assert len(requests) == 2
    assert re.search(r"GET /v1/models 200 \d+\.\dms$", requests[0])
    assert re.search(r"POST /v1/completions 200 \d+\.\dms$", requests[1])
    assert not [line for line in server.log if "Traceback" in line or "ERROR" in line]


def test_listening_socket_is_tcp_so_asyncio_disables_nagle() -> None:
    # asyncio sets TCP_NODELAY on accepted sockets only when their proto is IPPROTO_TCP; with
    # proto 0 every answer waited ~40 ms for the client's delayed ACK (measured before the fix).
    from synthgen.commands.mock_teacher import _listen

    sock = _listen("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
        client = socket.create_connection(sock.getsockname())
        accepted, _ = sock.accept()
        with client, accepted:
            assert accepted.proto == socket.IPPROTO_TCP
    finally:
        sock.close()
