"""Commands that run a recipe on the engine: generate and respond."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import typer

from synthgen.cli.app import app, run_engine_command
from synthgen.cli.help import Command
from synthgen.cli.help import option as _opt
from synthgen.config import (
    RespondSettings,
    RunOutputOptions,
    Settings,
)
from synthgen.exit_codes import HELP as EXIT_CODES
from synthgen.teacher.cache import default_cache_path

if TYPE_CHECKING:
    from synthgen.engine.session import SessionResult

_Run = TypeVar("_Run", bound=RunOutputOptions)
_Outcome = TypeVar("_Outcome")


S = Settings


@app.command(
    cls=Command,
    epilog="Examples:\n\n"
    "  synthgen generate --teacher mock --num 200 -o data/alpaca.jsonl\n\n"
    "  OPENAI_API_KEY=... synthgen generate --model gpt-4o-mini --num 5000\n\n"
    "  synthgen generate --base-url http://localhost:8000/v1 --model Qwen/Qwen2.5-7B-Instruct\n\n"
    + EXIT_CODES,
)
def generate(
    config: Path | None = typer.Option(
        None, "--config", "-c", help="TOML file with any of these options (flags win)."
    ),
    teacher: str | None = _opt(S, "teacher", "--teacher"),
    model: str | None = _opt(S, "model", "--model", "-m"),
    base_url: list[str] | None = _opt(S, "base_url", "--base-url", metavar="URL"),
    api_key_env: str | None = _opt(S, "api_key_env", "--api-key-env"),
    temperature: float | None = _opt(S, "temperature", "--temperature"),
    top_p: float | None = _opt(S, "top_p", "--top-p"),
    max_tokens: int | None = _opt(S, "max_tokens", "--max-tokens"),
    seed: int | None = _opt(S, "seed", "--seed"),
    mode: str | None = _opt(S, "mode", "--mode"),
    seeds: Path | None = _opt(S, "seeds", "--seeds"),
    prompt: Path | None = _opt(S, "prompt", "--prompt"),
    examples_per_prompt: int | None = _opt(S, "examples_per_prompt", "--examples-per-prompt"),
    mix_generated: int | None = _opt(S, "mix_generated", "--mix-generated"),
    tasks_per_request: int | None = _opt(S, "tasks_per_request", "--tasks-per-request"),
    similarity_threshold: float | None = _opt(S, "similarity_threshold", "--similarity-threshold"),
    min_instruction_words: int | None = _opt(S, "min_instruction_words", "--min-instruction-words"),
    max_instruction_words: int | None = _opt(S, "max_instruction_words", "--max-instruction-words"),
    blocklist: list[str] | None = _opt(S, "blocklist", "--blocklist", extra=" Repeatable.", metavar="WORD"),
    judge_model: str | None = _opt(S, "judge_model", "--judge-model"),
    min_score: int | None = _opt(S, "min_score", "--min-score"),
    judge_base_url: list[str] | None = _opt(S, "judge_base_url", "--judge-base-url", metavar="URL"),
    judge_api_key_env: str | None = _opt(S, "judge_api_key_env", "--judge-api-key-env"),
    judge_concurrency: int | None = _opt(S, "judge_concurrency", "--judge-concurrency"),
    judge_temperature: float | None = _opt(S, "judge_temperature", "--judge-temperature"),
    judge_max_tokens: int | None = _opt(S, "judge_max_tokens", "--judge-max-tokens"),
    judge_prompt: Path | None = _opt(S, "judge_prompt", "--judge-prompt"),
    judge_structured: bool | None = _opt(S, "judge_structured", "--judge-structured/--no-judge-structured"),
    num: int | None = _opt(S, "num", "--num", "-n"),
    add: int | None = _opt(S, "add", "--add"),
    output: Path | None = _opt(S, "output", "--output", "-o"),
    overwrite: bool | None = _opt(S, "overwrite", "--overwrite"),
    force: bool | None = _opt(S, "force", "--force"),
    concurrency: int | None = _opt(S, "concurrency", "--concurrency", "-j"),
    max_retries: int | None = _opt(S, "max_retries", "--max-retries"),
    retry_max_wait: float | None = _opt(S, "retry_max_wait", "--retry-max-wait"),
    request_timeout: float | None = _opt(S, "request_timeout", "--request-timeout"),
    rpm: int | None = _opt(S, "rpm", "--rpm"),
    tpm: int | None = _opt(S, "tpm", "--tpm"),
    max_consecutive_failures: int | None = _opt(S, "max_consecutive_failures", "--max-consecutive-failures"),
    cache: bool | None = _opt(S, "cache", "--cache/--no-cache"),
    cache_path: Path | None = _opt(S, "cache_path", "--cache-path", shown=str(default_cache_path())),
    max_requests: int | None = _opt(S, "max_requests", "--max-requests"),
    max_total_tokens: int | None = _opt(S, "max_total_tokens", "--max-total-tokens"),
    max_cost: float | None = _opt(S, "max_cost", "--max-cost"),
    quiet: bool | None = _opt(S, "quiet", "--quiet", "-q"),
    log_format: str | None = _opt(S, "log_format", "--log-format"),
    json_report: bool | None = _opt(S, "json_report", "--json"),
    card: str | None = _opt(S, "card", "--card"),
) -> None:
    """Generate instruction/input/output examples from seed tasks with a teacher model."""
    flags = {k: v for k, v in locals().items() if k != "config"}

    def run(settings: Settings) -> SessionResult:
        from synthgen.commands.generate import run_generate

        return run_generate(settings)

    run_engine_command(Settings, flags, config, run)


R = RespondSettings


@app.command(
    cls=Command,
    epilog="Examples:\n\n"
    "  synthgen respond data/instructions.jsonl -o data/answers.jsonl --teacher mock\n\n"
    "  synthgen respond seeds/math_word_problems.jsonl -o data/math.jsonl --model deepseek-r1 \\\n"
    "      --base-url http://localhost:8000/v1 --samples 4 --verify math --reasoning inline\n\n" + EXIT_CODES,
)
def respond(
    input: Path = typer.Argument(
        ..., help="Dataset to answer: Alpaca, seeds, {prompt} or {messages} JSONL/JSON.", metavar="INPUT"
    ),
    config: Path | None = typer.Option(
        None, "--config", "-c", help="TOML file with any of these options (flags win)."
    ),
    teacher: str | None = _opt(R, "teacher", "--teacher"),
    model: str | None = _opt(R, "model", "--model", "-m"),
    base_url: list[str] | None = _opt(R, "base_url", "--base-url", metavar="URL"),
    api_key_env: str | None = _opt(R, "api_key_env", "--api-key-env"),
    temperature: float | None = _opt(R, "temperature", "--temperature"),
    top_p: float | None = _opt(R, "top_p", "--top-p"),
    max_tokens: int | None = _opt(R, "max_tokens", "--max-tokens"),
    seed: int | None = _opt(R, "seed", "--seed"),
    prompt_field: str | None = _opt(R, "prompt_field", "--prompt-field"),
    system: str | None = _opt(R, "system", "--system"),
    samples: int | None = _opt(R, "samples", "--samples", "-k"),
    reasoning: str | None = _opt(R, "reasoning", "--reasoning"),
    format: str | None = _opt(R, "format", "--format"),
    verify: str | None = _opt(R, "verify", "--verify"),
    verify_pattern: str | None = _opt(R, "verify_pattern", "--verify-pattern"),
    reference_field: str | None = _opt(R, "reference_field", "--reference-field"),
    keep: str | None = _opt(R, "keep", "--keep"),
    logprobs: int | None = _opt(R, "logprobs", "--logprobs", metavar="K"),
    min_confidence: float | None = _opt(R, "min_confidence", "--min-confidence"),
    judge_model: str | None = _opt(R, "judge_model", "--judge-model"),
    min_score: int | None = _opt(R, "min_score", "--min-score"),
    judge_base_url: list[str] | None = _opt(R, "judge_base_url", "--judge-base-url", metavar="URL"),
    judge_api_key_env: str | None = _opt(R, "judge_api_key_env", "--judge-api-key-env"),
    judge_concurrency: int | None = _opt(R, "judge_concurrency", "--judge-concurrency"),
    judge_temperature: float | None = _opt(R, "judge_temperature", "--judge-temperature"),
    judge_max_tokens: int | None = _opt(R, "judge_max_tokens", "--judge-max-tokens"),
    judge_prompt: Path | None = _opt(R, "judge_prompt", "--judge-prompt"),
    judge_structured: bool | None = _opt(R, "judge_structured", "--judge-structured/--no-judge-structured"),
    output: Path | None = _opt(R, "output", "--output", "-o"),
    overwrite: bool | None = _opt(R, "overwrite", "--overwrite"),
    force: bool | None = _opt(R, "force", "--force"),
    concurrency: int | None = _opt(R, "concurrency", "--concurrency", "-j"),
    max_retries: int | None = _opt(R, "max_retries", "--max-retries"),
    retry_max_wait: float | None = _opt(R, "retry_max_wait", "--retry-max-wait"),
    request_timeout: float | None = _opt(R, "request_timeout", "--request-timeout"),
    rpm: int | None = _opt(R, "rpm", "--rpm"),
    tpm: int | None = _opt(R, "tpm", "--tpm"),
    max_consecutive_failures: int | None = _opt(R, "max_consecutive_failures", "--max-consecutive-failures"),
    cache: bool | None = _opt(R, "cache", "--cache/--no-cache"),
    cache_path: Path | None = _opt(R, "cache_path", "--cache-path", shown=str(default_cache_path())),
    max_requests: int | None = _opt(R, "max_requests", "--max-requests"),
    max_total_tokens: int | None = _opt(R, "max_total_tokens", "--max-total-tokens"),
    max_cost: float | None = _opt(R, "max_cost", "--max-cost"),
    quiet: bool | None = _opt(R, "quiet", "--quiet", "-q"),
    log_format: str | None = _opt(R, "log_format", "--log-format"),
    json_report: bool | None = _opt(R, "json_report", "--json"),
    card: str | None = _opt(R, "card", "--card"),
) -> None:
    """Have the teacher answer every row of a dataset (response and reasoning distillation)."""
    flags = {k: v for k, v in locals().items() if k != "config"}

    def run(settings: RespondSettings) -> SessionResult:
        from synthgen.commands.respond import run_respond

        return run_respond(settings)

    run_engine_command(RespondSettings, flags, config, run)
