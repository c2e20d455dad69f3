"""Budgets are hard limits: what the server counts never exceeds them, at any concurrency.

The CLI cases run ``synthgen generate`` against ``synthgen mock-teacher`` (a real HTTP
server whose ``/stats`` counts the tokens it served); the units drive the reservation
ledger and the dispatcher with a small scripted teacher.
"""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import run_in_process
from synthgen.errors import TeacherError, TransientTeacherError
from synthgen.records import Completion, Usage
from synthgen.teacher.budget import BudgetExhausted, Budgets, Reservation, UsageMeter
from synthgen.teacher.dispatch import Dispatcher
from synthgen.teacher.endpoints import Endpoint, EndpointPool
from synthgen.teacher.limits import AdaptiveConcurrency
from synthgen.teacher.retry import RetryPolicy
from synthgen.teacher.wire import CannotConnect
from synthgen.tokens import prompt_tokens_bound

MAX_TOKENS = 2000


def _generate(url: str, out: Path, *extra: object) -> subprocess.CompletedProcess[str]:
    args = ["generate", "--base-url", url, "--model", "mock-model", "-o", out, "--no-cache"]
    args += ["--max-tokens", MAX_TOKENS, "--concurrency", "64", "--num", "5000", "--quiet"]
    return run_in_process(*args, *extra)


def _report(out: Path) -> dict[str, Any]:
    return json.loads(out.with_name(out.name + ".report.json").read_text())


def test_token_budget_holds_at_concurrency_64(tmp_path: Path, mock_server: Any) -> None:
    server = mock_server("--latency-ms", "150")
    out = tmp_path / "a.jsonl"
    budget = 150_000
    result = _generate(server.url, out, "--max-total-tokens", budget)
    assert result.returncode == 3, result.stderr
    stats = server.stats()
    served = stats["tokens"]["total"]
    assert served <= budget
    assert stats["max_concurrent"] >= 16  # many requests were in flight at once
    # Not stopped early either: the refused request could have taken more than what was left.
    worst = 4 * 1024 + MAX_TOKENS  # a generous bound on one reservation (prompts are ~3 KB)
    assert served > budget - worst
    run = _report(out)["last_run"]
    assert run["stop_reason"] == "max_total_tokens"
    assert run["usage"]["total_tokens"] == served


def test_cost_budget_holds_at_concurrency_64(tmp_path: Path, mock_server: Any) -> None:
    server = mock_server("--latency-ms", "150")
    out = tmp_path / "a.jsonl"
    config = tmp_path / "prices.toml"
    config.write_text('[prices."mock-model"]\ninput = 20.0\noutput = 40.0\n')
    result = _generate(server.url, out, "--max-cost", "1.5", "--config", config)
    assert result.returncode == 3, result.stderr
    tokens = server.stats()["tokens"]
    spent = (tokens["prompt"] * 20.0 + tokens["completion"] * 40.0) / 1e6
    assert 0 < spent <= 1.5
    run = _report(out)["last_run"]
    assert run["stop_reason"] == "max_cost"
    assert run["usage"]["cost_usd"] == pytest.approx(spent, abs=1e-6)


def test_budget_holds_when_requests_time_out(tmp_path: Path, mock_server: Any) -> None:
    # Timed-out attempts may have been worked on: their worst case stays charged.
    server = mock_server("--hang-rate", "0.3", "--hang-seconds", "0.6", "--latency-ms", "50")
    out = tmp_path / "a.jsonl"
    result = _generate(server.url, out, "--max-total-tokens", "30000", "--request-timeout", "0.3")
    assert result.returncode == 3, result.stderr
    assert server.stats()["tokens"]["total"] <= 30_000
    assert _report(out)["last_run"]["stop_reason"] == "max_total_tokens"


def test_max_cost_without_a_price_is_refused_before_any_request(tmp_path: Path, mock_server: Any) -> None:
    server = mock_server()
    out = tmp_path / "sub" / "a.jsonl"
    result = _generate(server.url, out, "--max-cost", "5")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "'mock-model'" in lines[0] and '[prices."mock-model"]' in lines[0]
    assert "Traceback" not in result.stderr
    assert server.stats()["requests_total"] == 0
    assert not out.parent.exists()


def test_a_budget_below_one_request_is_a_usage_error(tmp_path: Path) -> None:
    result = run_in_process(
        "generate",
        "--teacher",
        "mock",
        "-o",
        tmp_path / "a.jsonl",
        "--max-total-tokens",
        "1500",
        "--max-tokens",
        "2000",
    )
    assert result.returncode == 2
    assert "--max-total-tokens 1500 cannot pay for a single request" in result.stderr


# ---- units: the reservation ledger and the dispatcher ---------------------------------


def test_a_reservation_waits_for_room_and_fails_only_with_nothing_in_flight() -> None:
    async def scenario() -> list[str]:
        meter = UsageMeter()
        budgets = Budgets(max_total_tokens=100)
        first = await budgets.reserve(meter, Reservation(60, 0.0))
        events: list[str] = []

        async def second() -> None:
            held = await budgets.reserve(meter, Reservation(60, 0.0))
            events.append(f"second sent after {meter.total_tokens} used")
            meter.add_usage("m", Usage(prompt_tokens=10, completion_tokens=20))
            budgets.settle(meter, held)

        task = asyncio.ensure_future(second())
        await asyncio.sleep(0)
        events.append("second waits")
        meter.add_usage("m", Usage(prompt_tokens=10, completion_tokens=20))  # first used 30
        budgets.settle(meter, first)
        await task
        try:
            await budgets.reserve(meter, Reservation(60, 0.0))
        except BudgetExhausted as exc:
            events.append(str(exc))
        return events

    events = asyncio.run(scenario())
    assert events == [
        "second waits",
        "second sent after 30 used",
        "the --max-total-tokens budget is spent: 60 of 100 tokens used; "
        "the next request could take up to 60 tokens",
    ]


def test_exhausted_budget_says_what_was_used_of_what() -> None:
    exc = BudgetExhausted("max_cost", used=0.98, limit=1.0, needed=0.05)
    assert exc.which == "max_cost" and exc.used == 0.98 and exc.limit == 1.0
    assert str(exc) == (
        "the --max-cost budget is spent: $0.9800 of $1.0000 used; the next request could take up to $0.0500"
    )
    assert "3 of 3 requests sent" in str(BudgetExhausted("max_requests", used=3, limit=3))


class ScriptedTeacher:
    """Answers from a script: a Completion is returned, an exception raised, "hang" never ends."""

    def __init__(self, script: list[Any]) -> None:
        self.script = script

    async def complete(self, messages: Any, *, sample_index: int, extra_body: Any = None) -> Completion:
        step = self.script.pop(0)
        if step == "hang":
            await asyncio.sleep(3600)
        if isinstance(step, BaseException):
            raise step
        return step

    async def aclose(self) -> None:
        return None


def _dispatcher(script: list[Any], budgets: Budgets, meter: UsageMeter) -> Dispatcher:
    return Dispatcher(
        pool=EndpointPool([Endpoint("scripted", ScriptedTeacher(script))]),
        policy=RetryPolicy(max_retries=0, max_wait=1),
        concurrency=AdaptiveConcurrency(8),
        meter=meter,
        budgets=budgets,
        max_tokens=100,
    )


MESSAGES = [{"role": "user", "content": "x" * 200}]
RESERVED = prompt_tokens_bound(["x" * 200]) + 100


@pytest.mark.parametrize(
    ("failure", "unsettled", "counted"),
    [
        (TransientTeacherError("timed out"), RESERVED, 0),  # may have been worked on
        (TransientTeacherError("HTTP 500", status=500), 0, 0),  # an error answer: nothing made
        (CannotConnect("http://127.0.0.1:9/v1", "connection refused", "is it running?"), 0, 0),
        (TransientTeacherError("no choices", usage=Usage(prompt_tokens=7, completion_tokens=5)), 0, 12),
        (TeacherError("HTTP 404"), 0, 0),
    ],
)
def test_failed_attempts_settle_by_what_the_server_can_have_spent(
    failure: Exception, unsettled: int, counted: int
) -> None:
    meter, budgets = UsageMeter(), Budgets(max_total_tokens=10_000)
    with pytest.raises(TeacherError):  # or the failure itself, however the dispatcher words it
        asyncio.run(_dispatcher([failure], budgets, meter).complete(MESSAGES, sample_index=0))
    assert (meter.unsettled_tokens, meter.total_tokens) == (unsettled, counted)
    assert budgets.open == 0 and budgets.reserved_tokens == 0


def test_an_attempt_cancelled_in_flight_stays_charged() -> None:
    meter, budgets = UsageMeter(), Budgets(max_total_tokens=10_000)

    async def scenario() -> None:
        task = asyncio.ensure_future(_dispatcher(["hang"], budgets, meter).complete(MESSAGES, sample_index=0))
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(scenario())
    assert meter.unsettled_tokens == RESERVED and meter.unsettled_attempts == 1
    assert budgets.open == 0


def test_an_answer_rejected_by_validate_keeps_its_usage() -> None:
    meter, budgets = UsageMeter(), Budgets(max_total_tokens=10_000)
    answer = Completion(text="cut", usage=Usage(prompt_tokens=50, completion_tokens=100), model="m")

    def reject(_: Completion) -> None:
        raise TransientTeacherError("cut off before any task")

    with pytest.raises(TransientTeacherError):
        asyncio.run(_dispatcher([answer], budgets, meter).complete(MESSAGES, sample_index=0, validate=reject))
    assert meter.total_tokens == 150 and meter.unsettled_tokens == 0


def test_prices_of_the_requested_model_apply_to_the_name_the_server_reports() -> None:
    meter = UsageMeter(prices={"gpt-4o-mini": (1.0, 2.0)}, requested_model="gpt-4o-mini")
    meter.add(Completion(text="", usage=Usage(prompt_tokens=1_000_000, completion_tokens=0),
                         model="gpt-4o-mini-2024-07-18"))  # fmt: skip
    assert meter.cost() == pytest.approx(1.0)


def test_the_prompt_bound_is_at_least_one_token_per_byte() -> None:
    text = "数学の問題を解く " * 100  # 3 bytes a character: ~4 characters a token would undercount
    assert prompt_tokens_bound([text]) >= len(text.encode())


def test_an_unusable_body_still_reports_its_usage() -> None:
    from synthgen.teacher.openai_teacher import OpenAITeacher, Sampling

    teacher = OpenAITeacher(base_url="http://127.0.0.1:9/v1", model="m", api_key="k",
                            api_key_env="K", sampling=Sampling(1.0, 1.0, 10), timeout=1)  # fmt: skip
    body = {"choices": [], "usage": {"prompt_tokens": 9, "completion_tokens": 4}}
    with pytest.raises(TransientTeacherError) as caught:
        teacher._to_completion(body)
    assert caught.value.usage == Usage(prompt_tokens=9, completion_tokens=4)
    asyncio.run(teacher.aclose())


def test_attempts_that_never_connected_cost_nothing(tmp_path: Path) -> None:
    # Three refused connections would take 3 x ~4.8K of a 12K budget if they were charged.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}/v1"  # nothing listens there
    out = tmp_path / "a.jsonl"
    result = _generate(dead, out, "--max-total-tokens", "12000", "--max-retries", "0",
                       "--max-consecutive-failures", "3", "--concurrency", "1")  # fmt: skip
    # Reported as what it is, not as a spent budget.
    assert "cannot connect" in result.stderr and "connection refused" in result.stderr
    assert _report(out)["last_run"]["stop_reason"] != "max_total_tokens"


def test_one_budgets_serves_stages_in_separate_event_loops_and_says_when_it_is_used_up() -> None:
    budgets = Budgets(max_total_tokens=100)

    async def stage(meter: UsageMeter, first: int, second: int) -> None:
        """Two attempts, the second waiting for room; the first uses 10 tokens, the second times out."""
        held = await budgets.reserve(meter, Reservation(first, 0.0))
        waiting = asyncio.ensure_future(budgets.reserve(meter, Reservation(second, 0.0)))
        await asyncio.sleep(0)
        assert not waiting.done()
        meter.add_usage("m", Usage(prompt_tokens=5, completion_tokens=5))
        budgets.settle(meter, held)
        budgets.settle(meter, await waiting, spent_unknown=True)

    asyncio.run(stage(UsageMeter(), 60, 50))  # one meter per stage, as the runner makes them
    assert budgets.used_up() is None  # 10 used + 50 unsettled
    last = UsageMeter()
    asyncio.run(stage(last, 25, 25))  # the next stage's event loop, the same budgets
    assert budgets.used_up() is None  # 95 of 100
    last.add_usage("m", Usage(prompt_tokens=5, completion_tokens=0))
    assert str(budgets.used_up()) == "the --max-total-tokens budget is spent: 100 of 100 tokens used"
