"""Commands without a recipe: check, mock-teacher, dedup, filter, stats, convert, card."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import typer

from synthgen.cli.app import app, user_errors
from synthgen.cli.help import Command
from synthgen.cli.help import option as _opt
from synthgen.config import (
    CardSettings,
    CheckSettings,
    ConvertSettings,
    DedupSettings,
    FilterOptions,
    FilterSettings,
    MockServerSettings,
    RunOutputOptions,
    StatsSettings,
    build_settings,
)

if TYPE_CHECKING:
    pass

_Run = TypeVar("_Run", bound=RunOutputOptions)
_Outcome = TypeVar("_Outcome")


C = CheckSettings


@app.command(
    epilog="Examples:\n\n"
    "  OPENAI_API_KEY=... synthgen check --model gpt-4o-mini\n\n"
    "  synthgen check --base-url http://localhost:8000/v1 --model Qwen/Qwen2.5-7B-Instruct\n\n"
    "  synthgen check -c run.toml\n\n"
    "Exit codes: 0 ready; 1 the teacher cannot be used as configured (the line says why); 2 bad options.",
)
def check(
    config: Path | None = typer.Option(
        None, "--config", "-c", help="TOML file of generate or respond (its teacher options are used)."
    ),
    teacher: str | None = _opt(C, "teacher", "--teacher"),
    model: str | None = _opt(C, "model", "--model", "-m"),
    base_url: list[str] | None = _opt(C, "base_url", "--base-url"),
    api_key_env: str | None = _opt(C, "api_key_env", "--api-key-env"),
    request_timeout: float | None = _opt(
        C, "request_timeout", "--request-timeout", extra=" At most 20 s here."
    ),
) -> None:
    """Check the teacher before a run: the key, the base URL and the model, in one call."""
    flags = {k: v for k, v in locals().items() if k != "config"}
    with user_errors():
        settings = build_settings(CheckSettings, flags, config)
        if settings.teacher_kind() == "mock":
            typer.echo("ok: the mock teacher needs no connection")
            return
        from synthgen.commands.check import check_teacher

        for result in check_teacher(settings):
            typer.echo(result.summary())


M = MockServerSettings


@app.command(
    "mock-teacher",
    cls=Command,
    epilog="Example:\n\n  synthgen mock-teacher --port 8000 --latency-ms 300 --error-rate-429 0.05\n\n"
    "  Then: synthgen generate --base-url http://127.0.0.1:8000/v1 --model mock",
)
def mock_teacher(
    host: str | None = _opt(M, "host", "--host"),
    port: int | None = _opt(M, "port", "--port"),
    seed: int | None = _opt(M, "seed", "--seed"),
    latency_ms: float | None = _opt(M, "latency_ms", "--latency-ms"),
    jitter_ms: float | None = _opt(M, "jitter_ms", "--jitter-ms"),
    capacity: int | None = _opt(M, "capacity", "--capacity"),
    retry_after: float | None = _opt(M, "retry_after", "--retry-after"),
    error_rate_429: float | None = _opt(M, "error_rate_429", "--error-rate-429"),
    error_rate_500: float | None = _opt(M, "error_rate_500", "--error-rate-500"),
    error_rate_503: float | None = _opt(M, "error_rate_503", "--error-rate-503"),
    drop_rate: float | None = _opt(M, "drop_rate", "--drop-rate"),
    hang_rate: float | None = _opt(M, "hang_rate", "--hang-rate"),
    hang_seconds: float | None = _opt(M, "hang_seconds", "--hang-seconds"),
    truncate_rate: float | None = _opt(M, "truncate_rate", "--truncate-rate"),
    malformed_rate: float | None = _opt(M, "malformed_rate", "--malformed-rate"),
    wrong_answer_rate: float | None = _opt(M, "wrong_answer_rate", "--wrong-answer-rate"),
    reasoning: str | None = _opt(M, "reasoning", "--reasoning"),
    ignore_logprobs: bool | None = _opt(M, "ignore_logprobs", "--ignore-logprobs"),
    require_api_key: str | None = _opt(M, "require_api_key", "--require-api-key"),
    models: list[str] | None = _opt(M, "models", "--model", extra=" Repeatable.", metavar="NAME"),
    log_level: str | None = _opt(M, "log_level", "--log-level"),
) -> None:
    """Serve the mock teacher as an OpenAI-compatible HTTP API (for CI and fault drills)."""
    with user_errors():
        settings = build_settings(MockServerSettings, dict(locals()))
        from synthgen.commands.mock_teacher import serve

        serve(settings)


D = DedupSettings


@app.command(
    cls=Command,
    epilog="Example:\n\n  synthgen dedup data/alpaca.jsonl -o data/dedup.jsonl --against eval.jsonl",
)
def dedup(
    input: Path = typer.Argument(..., help="Alpaca JSON or JSONL file.", metavar="INPUT"),
    output: Path = typer.Option(..., "--output", "-o", help="Where to write the kept records."),
    threshold: float | None = _opt(D, "threshold", "--threshold"),
    against: list[str] | None = _opt(D, "against", "--against", extra=" Repeatable.", metavar="FILE"),
    dropped: Path | None = _opt(D, "dropped", "--dropped"),
) -> None:
    """Drop near-duplicate instructions (ROUGE-L, as self-instruct) from an existing dataset."""
    with user_errors():
        settings = build_settings(DedupSettings, dict(locals()))
        from synthgen.commands.dedup import run_dedup

        report = run_dedup(settings)
        typer.echo(report.summary(), err=True)


F = FilterOptions


@app.command(
    "filter",
    cls=Command,
    epilog="Example:\n\n  synthgen filter data/alpaca.jsonl -o data/clean.jsonl --rejected rejects.jsonl",
)
def filter_command(
    input: Path = typer.Argument(..., help="Alpaca JSON or JSONL file.", metavar="INPUT"),
    output: Path = typer.Option(..., "--output", "-o", help="Where to write the kept records."),
    rejected: Path | None = _opt(FilterSettings, "rejected", "--rejected"),
    min_instruction_words: int | None = _opt(F, "min_instruction_words", "--min-instruction-words"),
    max_instruction_words: int | None = _opt(F, "max_instruction_words", "--max-instruction-words"),
    blocklist: list[str] | None = _opt(F, "blocklist", "--blocklist", extra=" Repeatable.", metavar="WORD"),
) -> None:
    """Apply the generate pipeline's heuristic filters to an existing dataset."""
    with user_errors():
        settings = build_settings(FilterSettings, dict(locals()))
        from synthgen.commands.filter import run_filter

        report = run_filter(settings)
        typer.echo(report.summary(), err=True)


T = StatsSettings


@app.command(
    epilog="Examples:\n\n  synthgen stats data/alpaca.jsonl\n\n"
    "  synthgen stats data/alpaca.jsonl --html report.html --seeds seeds/seed_tasks.jsonl\n\n"
    "Exit code 2 for an unreadable file (a torn last line is reported after the figures of the rest)."
)
def stats(
    input: Path = typer.Argument(..., help="Dataset: alpaca, messages, ShareGPT or DPO rows (JSONL/JSON)."),
    html: Path | None = _opt(T, "html", "--html"),
    seeds: Path | None = _opt(T, "seeds", "--seeds"),
    json_output: bool | None = _opt(T, "json_output", "--json"),
    threshold: float | None = _opt(T, "threshold", "--threshold"),
    sample: int | None = _opt(T, "sample", "--sample"),
    seed: int | None = _opt(T, "seed", "--seed"),
    parser: str | None = _opt(T, "parser", "--parser"),
) -> None:
    """Lengths, leading verbs, ROUGE-L similarity, duplicates and run totals of a dataset."""
    with user_errors():
        settings = build_settings(StatsSettings, dict(locals()))
        from synthgen.commands.stats import run_stats
        from synthgen.stats.text_view import render_text

        figures = run_stats(settings)
        if settings.json_output:
            typer.echo(json.dumps(figures, indent=2))
        else:
            typer.echo(render_text(figures))
        if settings.html is not None:
            typer.echo(f"wrote {settings.html}", err=True)
        if figures["torn"]:
            typer.echo(f"synthgen: error: {figures['torn']}", err=True)
            raise typer.Exit(2)


C = ConvertSettings


@app.command(
    epilog="Examples:\n\n  synthgen convert data/alpaca.jsonl -o data/chat.jsonl --to messages\n\n"
    "  synthgen convert pairs.jsonl -o pairs.parquet --to parquet --order curriculum\n\n"
    "  synthgen convert data/alpaca.jsonl -o data/hf --to hf --order shuffle --seed 1"
)
def convert(
    input: Path = typer.Argument(
        ..., help="Dataset file (JSONL, JSON array, .parquet) or saved dataset folder."
    ),
    output: Path = typer.Option(..., "--output", "-o", help="Where to write the converted dataset."),
    to: str = typer.Option(..., "--to", help=C.model_fields["to"].description),
    from_shape: str | None = _opt(C, "from_shape", "--from"),
    shape: str | None = _opt(C, "shape", "--shape"),
    conversational: bool | None = _opt(C, "conversational", "--conversational"),
    order: str | None = _opt(C, "order", "--order"),
    seed: int | None = _opt(C, "seed", "--seed"),
) -> None:
    """Rewrite a dataset as alpaca, messages, sharegpt or dpo JSONL, Parquet or a HF dataset."""
    with user_errors():
        settings = build_settings(ConvertSettings, dict(locals()))
        from synthgen.commands.convert import run_convert

        typer.echo(run_convert(settings).summary(), err=True)


@app.command(epilog="Example:\n\n  synthgen card data/alpaca.jsonl   # writes data/alpaca.jsonl.card.md")
def card(
    input: Path = typer.Argument(..., help="Dataset file; its run report is read when it exists."),
    output: Path | None = _opt(CardSettings, "output", "--output", "-o"),
    language: list[str] | None = _opt(
        CardSettings, "language", "--language", extra=" Repeatable.", metavar="CODE"
    ),
) -> None:
    """Write a Hugging Face style dataset card (README.md) for an existing dataset."""
    with user_errors():
        settings = build_settings(CardSettings, dict(locals()))
        from synthgen.commands.card import run_card

        typer.echo(f"wrote {run_card(settings)}", err=True)
