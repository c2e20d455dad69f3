"""The mock server reshaped while it runs (``/debug/settings``) and stalled on cue (``--hold-after``)."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx
import pytest

from conftest import MockServer, http, run_cli, until
from synthgen.config import MockServerSettings
from synthgen.mock.server.app import create_app

MESSAGES = [{"role": "user", "content": "Write 3 tasks."}]
CHAT = {"model": "mock", "messages": MESSAGES}


async def _session(
    settings: MockServerSettings, steps: Any, client: tuple[str, int] = ("127.0.0.1", 5)
) -> Any:
    transport = httpx.ASGITransport(app=create_app(settings), client=client)
    async with httpx.AsyncClient(transport=transport, base_url="http://mock") as http:
        return await steps(http)


def test_options_change_at_run_time_and_an_empty_object_restores_the_start_ones() -> None:
    async def steps(http: httpx.AsyncClient) -> list[Any]:
        seen = [(await http.post("/v1/chat/completions", json=CHAT)).status_code]
        changed = await http.post("/debug/settings", json={"error_rate_500": 1, "require_api_key": "k"})
        seen.append(changed.json())
        keyed = {"Authorization": "Bearer k"}
        seen.append((await http.post("/v1/chat/completions", json=CHAT, headers=keyed)).status_code)
        seen.append((await http.post("/v1/chat/completions", json=CHAT)).status_code)  # no key: 401
        await http.post("/debug/settings", json={})
        seen.append((await http.post("/v1/chat/completions", json=CHAT)).status_code)
        seen.append((await http.get("/debug/settings")).json())
        seen.append((await http.get("/stats")).json()["requests"])  # /debug/settings not counted
        return seen

    first, changed, faulted, unkeyed, restored, shown, counted = asyncio.run(
        _session(MockServerSettings(seed=4), steps)
    )
    assert (first, faulted, unkeyed, restored) == (200, 500, 401, 200)
    assert changed["error_rate_500"] == 1 and changed["seed"] == 4  # the others as at start
    assert changed["require_api_key"] == "(set)"  # never shown
    assert shown == MockServerSettings(seed=4).model_dump(mode="json")
    assert counted == {"/v1/chat/completions": {"200": 2, "500": 1, "401": 1}}


def test_fault_draws_restart_from_the_seed_when_the_options_change() -> None:
    faults = {"error_rate_429": 0.3, "error_rate_500": 0.3, "seed": 9}

    async def steps(http: httpx.AsyncClient) -> list[list[int]]:
        rounds = []
        for _ in range(2):
            assert (await http.post("/debug/settings", json=faults)).status_code == 200
            rounds.append(
                [(await http.post("/v1/chat/completions", json=CHAT)).status_code for _ in range(20)]
            )
        return rounds

    first, second = asyncio.run(_session(MockServerSettings(), steps))
    assert first == second and {200, 429, 500} <= set(first)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"port": 9000}, "port cannot change while the server runs"),
        ({"drop_rate": 2}, "drop_rate: Input should be less than or equal to 1"),
        ({"error_rate_500": 0.6, "drop_rate": 0.6}, "add up to 1.2"),
        ({"no_such_option": 1}, "no_such_option: Extra inputs are not permitted"),
        ([1, 2], "must be a JSON object"),
    ],
)
def test_bad_options_are_refused_and_change_nothing(body: Any, message: str) -> None:
    async def steps(http: httpx.AsyncClient) -> tuple[httpx.Response, Any]:
        refused = await http.post("/debug/settings", json=body)
        return refused, (await http.get("/debug/settings")).json()

    refused, shown = asyncio.run(_session(MockServerSettings(), steps))
    assert refused.status_code == 400 and message in refused.json()["error"]["message"]
    assert shown == MockServerSettings().model_dump(mode="json")


def test_only_loopback_clients_may_change_the_options() -> None:
    async def steps(http: httpx.AsyncClient) -> list[int]:
        return [
            (await http.post("/debug/settings", json={"drop_rate": 1})).status_code,
            (await http.get("/debug/settings")).status_code,
            (await http.post("/v1/chat/completions", json=CHAT)).status_code,  # unchanged
        ]

    async def change(http: httpx.AsyncClient) -> int:
        return (await http.post("/debug/settings", json={"drop_rate": 1})).status_code

    assert asyncio.run(_session(MockServerSettings(), steps, client=("192.0.2.7", 5))) == [403, 403, 200]
    assert asyncio.run(_session(MockServerSettings(), change, client=("::1", 5))) == 200


def test_hold_after_serves_n_then_holds_until_released_or_the_client_leaves(mock_server: Any) -> None:
    server: MockServer = mock_server(hold_after=2)
    url = f"{server.url}/chat/completions"
    assert [http().post(url, json=CHAT).status_code for _ in range(2)] == [200, 200]
    # The third is held: a client that gives up leaves without an answer...
    with pytest.raises(httpx.ReadTimeout):
        http().post(url, json=CHAT, timeout=0.1)
    # ...and one that waits is answered once the hold is lifted, as if nothing had happened.
    answers: list[httpx.Response] = []
    waiting = threading.Thread(target=lambda: answers.append(http().post(url, json=CHAT, timeout=30)))
    waiting.start()
    server.wait_until_held(None, held=2)
    server.configure()
    waiting.join(timeout=30)
    assert answers[0].status_code == 200 and answers[0].json()["choices"][0]["message"]["content"]
    until(lambda: server.stats()["in_flight"] == 0, what="the answers counted")
    stats = server.stats()
    assert stats["faults"] == {"held": 2}
    assert stats["requests"] == {"/v1/chat/completions": {"200": 3, "disconnected": 1}}
    server.configure(hold_after=0)
    assert http().get(f"{server.url}/models", timeout=5).status_code == 200  # listings are never held


def test_hold_after_is_a_flag_too() -> None:
    result = run_cli("mock-teacher", "--hold-after", "-1")
    assert result.exit_code == 2 and "--hold-after" in result.output
