"""The engine with small readable fakes: order, launches, stop reasons, counts."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conftest import read_jsonl, run_cli
from synthgen.engine.launch import LaunchPolicy
from synthgen.engine.ordered import InOrder
from synthgen.engine.recipe import Answer, Request, Row, StopHints, Tally, Verdict
from synthgen.engine.run import Engine, EngineOptions
from synthgen.engine.stop import StopReason
from synthgen.records import Completion
from synthgen.teacher.dispatch import UsageMeter


@dataclass
class EchoScreen:
    """Keeps each answer as one row; an answer "bad" is rejected."""

    def screen(self, answer: Answer, limit: int) -> Verdict:
        verdict = Verdict(candidates=1)
        if answer.text == "bad":
            verdict.rejected["bad"] += 1
        elif limit <= 0:
            verdict.unused_after_target = 1
        else:
            verdict.kept.append({"index": answer.index, "text": answer.text})
        return verdict


@dataclass(frozen=True)
class EchoFactory:
    def __call__(self) -> EchoScreen:
        return EchoScreen()


@dataclass
class EchoRecipe:
    """A finite recipe: ``size`` requests, each asking to echo its index."""

    size: int
    expected_rows_per_request: float = 1.0
    stop_hints: StopHints = field(default_factory=StopHints)
    tally: Tally = field(default_factory=Tally)
    observed: list[Row] = field(default_factory=list)

    def plan(self, index: int) -> Request | None:
        if index >= self.size:
            return None
        return Request(index, [{"role": "user", "content": str(index)}], meta={"asked": index})

    def screen_factory(self) -> EchoFactory:
        return EchoFactory()

    def validate(self, completion: Completion) -> None:
        return None

    def observe(self, rows: list[Row]) -> None:
        self.observed.extend(rows)


class GatedTeacher:
    """Answers request i with ``answers(i)`` once gate i opens (all open unless held)."""

    def __init__(self, held: set[int] | None = None, answers: Any = str) -> None:
        self.meter = UsageMeter()
        self.held = held or set()
        self.gates: dict[int, asyncio.Event] = {}
        self.answers = answers
        self.started: list[int] = []

    def gate(self, index: int) -> asyncio.Event:
        return self.gates.setdefault(index, asyncio.Event())

    async def complete(
        self,
        messages: list[Any],
        *,
        sample_index: int,
        validate: Any,
        extra_body: Any = None,
        priority: Any = None,
    ) -> Completion:
        self.started.append(sample_index)
        self.meter.requests_sent += 1
        if sample_index in self.held:
            await self.gate(sample_index).wait()
        else:
            await asyncio.sleep(0)
        return Completion(text=self.answers(sample_index))

    async def aclose(self) -> None:
        return None


class ListSink:
    def __init__(self) -> None:
        self.rows: list[tuple[Row, dict[str, Any]]] = []

    def append_many(
        self, rows: list[Row], meta: dict[str, Any], row_meta: list[dict[str, Any]] | None = None
    ) -> None:
        own = row_meta or [{} for _ in rows]
        self.rows.extend((row, {**meta, **extra}) for row, extra in zip(rows, own, strict=True))


class Silent:
    def offer(self, snapshot: Any) -> None:
        snapshot()  # built, so a broken snapshot fails the tests


def _options(target: int | None, concurrency: int = 4) -> EngineOptions:
    return EngineOptions(
        concurrency=concurrency,
        target=target,
        first_index=0,
        max_consecutive_failures=5,
        screen_in_worker=False,
    )


def _engine(recipe: EchoRecipe, teacher: GatedTeacher, sink: ListSink, options: EngineOptions) -> Engine:
    async def make_teacher() -> Any:
        return teacher

    return Engine(recipe, make_teacher, sink, options, Silent())


def test_a_finite_recipe_runs_to_plan_done_in_request_order() -> None:
    recipe, teacher, sink = EchoRecipe(size=30), GatedTeacher(), ListSink()
    result = asyncio.run(_engine(recipe, teacher, sink, _options(None)).run())
    assert result.stop_reason is StopReason.PLAN_DONE
    assert [row["index"] for row, _ in sink.rows] == list(range(30))
    assert [meta["asked"] for _, meta in sink.rows] == list(range(30))
    assert [meta["request"] for _, meta in sink.rows] == list(range(30))
    assert recipe.observed == [row for row, _ in sink.rows]
    assert result.counts.requests == 30 and result.counts.kept == 30


def test_a_stalled_head_of_line_does_not_stop_launches() -> None:
    """Request 0 hangs; the engine keeps buying answers far past 4x the concurrency."""

    async def scenario() -> tuple[GatedTeacher, ListSink, Any]:
        recipe, teacher, sink = EchoRecipe(size=200), GatedTeacher(held={0}), ListSink()
        engine = _engine(recipe, teacher, sink, _options(None, concurrency=4))
        run = asyncio.create_task(engine.run())
        for _ in range(500):
            await asyncio.sleep(0)
            if len(teacher.started) == 200:
                break
        started_while_stalled = len(teacher.started)
        written_while_stalled = len(sink.rows)
        teacher.gate(0).set()
        result = await run
        return teacher, sink, (started_while_stalled, written_while_stalled, result)

    _, sink, (started, written, result) = asyncio.run(scenario())
    assert started == 200 > 4 * 4  # every request launched while the head was stuck
    assert written == 0  # but nothing judged out of order
    assert [row["index"] for row, _ in sink.rows] == list(range(200))
    assert result.stop_reason is StopReason.PLAN_DONE


def test_target_stops_the_run_and_later_answers_are_counted_unused() -> None:
    recipe, teacher, sink = EchoRecipe(size=1000), GatedTeacher(), ListSink()
    result = asyncio.run(_engine(recipe, teacher, sink, _options(target=25, concurrency=8)).run())
    assert result.stop_reason is StopReason.TARGET
    assert len(sink.rows) == 25
    counts = result.counts
    assert counts.candidates == counts.kept + counts.unused_after_target + sum(counts.rejected.values())
    # The yield is one row per answer: the engine asks for what it needs, not a burst.
    assert teacher.meter.requests_sent <= 25 + 1


def test_answers_that_keep_nothing_end_the_run_with_the_cause() -> None:
    recipe, teacher, sink = EchoRecipe(size=10_000), GatedTeacher(answers=lambda i: "bad"), ListSink()
    result = asyncio.run(_engine(recipe, teacher, sink, _options(target=10)).run())
    assert result.stop_reason is StopReason.EXHAUSTED
    assert result.error is not None and "filtered out" in result.error and "bad" in result.error
    assert sink.rows == []


@dataclass
class TallyScreen:
    """Counts its own figures by name: "??" is an answer it cannot read, others are echoed."""

    def screen(self, answer: Answer, limit: int) -> Verdict:
        verdict = Verdict(candidates=answer.text != "??")
        if answer.text == "??":
            verdict.counts["garbled"] += 1
        elif limit <= 0:
            verdict.unused_after_target = 1
            verdict.counts["echoed"] += 1
        else:
            verdict.kept.append({"index": answer.index})
            verdict.counts["echoed"] += 1
        return verdict


@dataclass(frozen=True)
class TallyFactory:
    def __call__(self) -> TallyScreen:
        return TallyScreen()


@dataclass
class TallyRecipe(EchoRecipe):
    tally: Tally = field(
        default_factory=lambda: Tally(("garbled", "echoed", "never"), unreadable="garbled",
                                      panel=(("echoes", "{echoed} echoed, {never} never"),))
    )  # fmt: skip

    def screen_factory(self) -> TallyFactory:  # type: ignore[override]
        return TallyFactory()


def test_a_recipes_own_counts_are_summed_by_the_names_it_declares() -> None:
    teacher = GatedTeacher(answers=lambda i: "??" if i % 3 == 0 else str(i))
    recipe, sink = TallyRecipe(size=1000), ListSink()
    engine = _engine(recipe, teacher, sink, _options(target=10, concurrency=8))
    counts = asyncio.run(engine.run()).counts
    judged = counts.requests + counts.answers_after_target
    assert counts.kept == 10 and counts.answers_after_target > 0
    # an unreadable answer counts among the answers judged; the others' figures are all summed
    assert counts.tallied["garbled"] == 5  # requests 0, 3, ... 12: the 10th row came with 14
    assert counts.tallied["echoed"] == judged - sum(i % 3 == 0 for i in range(judged))
    figures = counts.figures().model_dump()
    assert (figures["garbled"], figures["never"], figures["unparseable_responses"]) == (5, 0, 0)
    assert counts.tally.panel_rows(counts.tallied) == [
        ("echoes", f"{counts.tallied['echoed']} echoed, 0 never")
    ]


def test_a_streak_of_answers_the_recipe_cannot_read_shows_one() -> None:
    recipe, teacher, sink = TallyRecipe(size=10_000), GatedTeacher(answers=lambda i: "??"), ListSink()
    result = asyncio.run(_engine(recipe, teacher, sink, _options(target=10)).run())
    assert result.stop_reason is StopReason.EXHAUSTED
    assert result.error is not None and "could not be read (a sample: '??')" in result.error
    assert result.counts.tallied["garbled"] == result.counts.requests


def test_in_order_releases_only_a_complete_prefix() -> None:
    buffer: InOrder[str] = InOrder(first_index=5, max_bytes=10)
    buffer.put(7, "c", 4)
    buffer.put(6, "b", 4)
    assert list(buffer.pop_ready()) == []
    assert buffer.bytes == 8 and not buffer.full
    buffer.put(5, "a", 4)
    assert buffer.full
    assert list(buffer.pop_ready()) == [(5, "a"), (6, "b"), (7, "c")]
    assert buffer.bytes == 0 and len(buffer) == 0


def test_launch_policy_asks_for_what_the_observed_yield_needs() -> None:
    policy = LaunchPolicy(concurrency=64, prior_rows_per_request=20)
    # Before any answer: the optimistic prior (300 rows / 20 per request).
    assert policy.how_many(remaining_rows=300, judged=0, kept=0, in_hand=0, in_flight=0) == 15
    # Observed 10 rows per answer: 100 more rows need 10 requests, 4 are already in flight.
    assert policy.how_many(remaining_rows=100, judged=20, kept=200, in_hand=0, in_flight=4) == 6
    # Never more than two rounds of the concurrency in flight; nothing once the target is met.
    assert policy.how_many(remaining_rows=10**6, judged=1, kept=1, in_hand=0, in_flight=0) == 128
    assert policy.how_many(remaining_rows=0, judged=1, kept=1, in_hand=0, in_flight=0) == 0
    assert policy.how_many(remaining_rows=None, judged=0, kept=0, in_hand=0, in_flight=100) == 28


# ---- through the CLI --------------------------------------------------------------------------


def _counts(out: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    report = json.loads(out.with_name(out.name + ".report.json").read_text())
    return report["last_run"]["counts"], report["last_run"]["usage"]


def _assert_counts_add_up(counts: dict[str, Any]) -> None:
    judged = (
        counts["kept"]
        + sum(counts["rejected"].values())
        + counts["duplicates_exact"]
        + counts["duplicates_similar"]
        + counts["unused_after_target"]
    )
    assert counts["candidates"] == judged, counts


def test_every_candidate_is_counted_once_in_the_report(tmp_path: Path) -> None:
    out = tmp_path / "a.jsonl"
    result = run_cli("generate", "--teacher", "mock", "-n", "300", "-o", out, "-q")
    assert result.exit_code == 0, result.output
    counts, usage = _counts(out)
    _assert_counts_add_up(counts)
    assert counts["kept"] == len(read_jsonl(out)) == 300
    assert usage["requests_sent"] == counts["requests"] + counts["answers_after_target"]


def test_over_http_requests_sent_stay_close_to_requests_used(tmp_path: Path, mock_server: Any) -> None:
    server = mock_server("--latency-ms", "50")
    out = tmp_path / "a.jsonl"
    result = run_cli(
        "generate",
        "--base-url",
        server.url,
        "--model",
        "m",
        "-n",
        "300",
        "-j",
        "64",
        "--no-cache",
        "-o",
        out,
        "-q",
    )
    assert result.exit_code == 0, result.output
    counts, usage = _counts(out)
    _assert_counts_add_up(counts)
    assert usage["requests_sent"] <= 1.15 * counts["requests"] + 2, (usage, counts)
    assert server.stats()["requests_total"] == usage["requests_sent"]


def test_a_run_that_fails_before_writing_leaves_no_files(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    out = tmp_path / "out" / "a.jsonl"
    result = run_cli(
        "generate", "--base-url", "http://127.0.0.1:9/v1", "--model", "m", "-n", "5", "-o", out,
        "--cache-path", blocker / "cache.sqlite3",
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "cannot open the response cache" in result.stderr
    assert not (tmp_path / "out").exists()


def test_budget_stop_says_how_much_of_what_was_used(tmp_path: Path, mock_server: Any) -> None:
    server = mock_server()
    out = tmp_path / "a.jsonl"
    result = run_cli(
        "generate", "--base-url", server.url, "--model", "m", "-n", "1000", "-o", out, "--no-cache",
        "--max-total-tokens", "20000", "-q",
    )  # fmt: skip
    assert result.exit_code == 3, result.output
    assert "--max-total-tokens" in result.stderr and "of 20,000 tokens used" in result.stderr.replace(
        "20000", "20,000"
    )
    usage = json.loads(out.with_name("a.jsonl.report.json").read_text())["last_run"]["usage"]
    assert usage["total_tokens"] + usage["unsettled_tokens"] <= 20000


def test_stop_rules_keep_the_first_reason_but_a_fatal_error_takes_over() -> None:
    from synthgen.engine.stop import StopRules
    from synthgen.errors import TeacherError, TransientTeacherError
    from synthgen.teacher.dispatch import BudgetExhausted

    rules = StopRules(target=2, barren_limit=50, max_consecutive_failures=2)
    assert rules.on_failure(TransientTeacherError("timeout")) is True
    rules.on_answer()  # an answer breaks the run of failures
    assert rules.on_failure(TransientTeacherError("timeout")) is True and rules.reason is None
    assert rules.on_failure(TransientTeacherError("timeout")) is True
    assert rules.reason is StopReason.FAILURE_LIMIT and "2 requests in a row" in (rules.error or "")
    assert rules.on_failure(BudgetExhausted("max_requests", used=5, limit=5)) is False
    assert rules.reason is StopReason.FAILURE_LIMIT  # the first reason stays
    rules.on_failure(TeacherError("401: bad key"))
    assert rules.reason is StopReason.TEACHER_ERROR and rules.error == "401: bad key"
