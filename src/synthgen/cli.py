"""Command line: flags -> one pydantic settings object -> the pipeline.

This is the only module that prints a final error and chooses the exit code.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import typer

from synthgen import __version__
from synthgen.cli_help import Command, echo_error
from synthgen.cli_help import option as _opt
from synthgen.config import (
    CardSettings,
    CheckSettings,
    ConvertSettings,
    DedupSettings,
    EvolveSettings,
    FilterOptions,
    FilterSettings,
    JudgeSettings,
    MockServerSettings,
    PairsSettings,
    RespondSettings,
    RunOutputOptions,
    Settings,
    StatsSettings,
    build_settings,
)
from synthgen.errors import SynthgenError
from synthgen.exit_codes import HELP as EXIT_CODES
from synthgen.logjson import json_log_line
from synthgen.teacher.cache import default_cache_path

if TYPE_CHECKING:
    from synthgen.commands.evolve import EvolveResult
    from synthgen.engine.session import SessionResult

_Run = TypeVar("_Run", bound=RunOutputOptions)
_Outcome = TypeVar("_Outcome")


app = typer.Typer(
    name="synthgen",
    help="Turn seed tasks into an Alpaca-format instruction dataset with a teacher LLM.",
    # Plain help: rich's tables cut long option names at 80 columns and read "[...]" as markup.
    rich_markup_mode=None,
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


@dataclass
class _ErrorOutput:
    """How the final error line is written: plain text, or JSON under --log-format json."""

    as_json: bool = False


@contextlib.contextmanager
def _user_errors(output: _ErrorOutput | None = None) -> Iterator[None]:
    """Turn our errors into one line each on stderr and the documented exit code."""
    try:
        yield
    except SynthgenError as exc:
        if os.environ.get("SYNTHGEN_DEBUG"):
            raise
        as_json = output is not None and output.as_json
        echo_error(str(exc) or type(exc).__name__, as_json=as_json)
        raise typer.Exit(exc.exit_code) from None
    except OSError as exc:  # disk full, permissions changed under us, ...
        if os.environ.get("SYNTHGEN_DEBUG"):
            raise
        as_json = output is not None and output.as_json
        where = f"{exc.filename}: " if exc.filename else ""
        echo_error(f"{where}{exc.strerror or exc}", as_json=as_json)
        raise typer.Exit(1) from None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"synthgen {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool | None = typer.Option(
        None, "--version", "-V", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Turn seed tasks into an Alpaca-format instruction dataset with a teacher LLM."""


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

    _run_engine_command(Settings, flags, config, run)


def _run_engine_command(
    model: type[_Run], flags: dict[str, Any], config: Path | None, run: Callable[[_Run], SessionResult]
) -> NoReturn:
    """Settings from flags and config, the run, its end printed, its exit code."""
    settings, outcome = _settings_and_run(model, flags, config, run)
    # the run's own output: a command of several stages may have stopped at an earlier one
    output = Path(outcome.report.get("output") or settings.output)
    _print_run_end(outcome, output=output, quiet=settings.quiet, log_format=settings.log_format)
    if settings.json_report and outcome.report:
        typer.echo(json.dumps(outcome.report, indent=2))
    raise typer.Exit(outcome.exit_code)


def _settings_and_run(
    model: type[_Run], flags: dict[str, Any], config: Path | None, run: Callable[[_Run], _Outcome]
) -> tuple[_Run, _Outcome]:
    """Settings from flags and config, and the run's outcome (errors: one line and their exit code)."""
    errors = _ErrorOutput(as_json=flags.get("log_format") == "json")
    with _user_errors(errors):
        settings = build_settings(model, flags, config)
        errors.as_json = settings.log_format == "json"  # the config file may ask for it
        from synthgen.engine.progress import setup_logging

        setup_logging(settings.log_format)  # before the inputs are read: they may warn
        return settings, run(settings)


def _print_run_end(outcome: SessionResult, *, output: Path, quiet: bool, log_format: str) -> None:
    """The run's error line (if any) and its summary, on stderr."""
    from synthgen.engine.report import summary_text

    as_json = log_format == "json"
    if outcome.result.error:
        echo_error(outcome.result.error, as_json=as_json)
    if quiet or not outcome.report:
        return
    if as_json:  # one parseable line for log collectors
        report = outcome.report
        line = json_log_line(event="summary", examples=report["examples"], **report["last_run"])
        typer.echo(line, err=True)
    else:
        typer.echo(summary_text(outcome.report, output=str(output)), err=True)


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

    _run_engine_command(RespondSettings, flags, config, run)


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
    with _user_errors():
        settings = build_settings(CheckSettings, flags, config)
        if settings.teacher_kind() == "mock":
            typer.echo("ok: the mock teacher needs no connection")
            return
        from synthgen.teacher.preflight import check_teacher

        for result in check_teacher(settings):
            typer.echo(result.summary())


E = EvolveSettings


@app.command(
    cls=Command,
    epilog="Examples:\n\n"
    "  synthgen evolve seeds/seed_tasks.jsonl -o data/evolved.jsonl --rounds 3 --teacher mock\n\n"
    "  synthgen evolve data/alpaca.jsonl -o data/evolved.jsonl --rounds 4 --model gpt-4o-mini \\\n"
    "      --operations add-constraint,deepen,breadth\n\n" + EXIT_CODES,
)
def evolve(
    input: Path = typer.Argument(
        ...,
        help="Dataset whose instructions to evolve: Alpaca, seeds or {prompt} JSONL/JSON.",
        metavar="INPUT",
    ),
    config: Path | None = typer.Option(
        None, "--config", "-c", help="TOML file with any of these options (flags win)."
    ),
    rounds: int | None = _opt(E, "rounds", "--rounds", "-r"),
    operations: list[str] | None = _opt(E, "operations", "--operations", metavar="NAME[,NAME...]"),
    prompt_dir: Path | None = _opt(E, "prompt_dir", "--prompt-dir", shown="prompts/evolve"),
    prompt_field: str | None = _opt(E, "prompt_field", "--prompt-field"),
    similarity_threshold: float | None = _opt(E, "similarity_threshold", "--similarity-threshold"),
    min_new_words: int | None = _opt(E, "min_new_words", "--min-new-words"),
    retry_failed: bool | None = _opt(E, "retry_failed", "--retry-failed"),
    min_instruction_words: int | None = _opt(E, "min_instruction_words", "--min-instruction-words"),
    max_instruction_words: int | None = _opt(E, "max_instruction_words", "--max-instruction-words"),
    blocklist: list[str] | None = _opt(E, "blocklist", "--blocklist", extra=" Repeatable.", metavar="WORD"),
    teacher: str | None = _opt(E, "teacher", "--teacher"),
    model: str | None = _opt(E, "model", "--model", "-m"),
    base_url: list[str] | None = _opt(E, "base_url", "--base-url", metavar="URL"),
    api_key_env: str | None = _opt(E, "api_key_env", "--api-key-env"),
    temperature: float | None = _opt(E, "temperature", "--temperature"),
    top_p: float | None = _opt(E, "top_p", "--top-p"),
    max_tokens: int | None = _opt(E, "max_tokens", "--max-tokens"),
    seed: int | None = _opt(E, "seed", "--seed"),
    output: Path | None = _opt(E, "output", "--output", "-o"),
    overwrite: bool | None = _opt(E, "overwrite", "--overwrite"),
    force: bool | None = _opt(E, "force", "--force"),
    concurrency: int | None = _opt(E, "concurrency", "--concurrency", "-j"),
    max_retries: int | None = _opt(E, "max_retries", "--max-retries"),
    retry_max_wait: float | None = _opt(E, "retry_max_wait", "--retry-max-wait"),
    request_timeout: float | None = _opt(E, "request_timeout", "--request-timeout"),
    rpm: int | None = _opt(E, "rpm", "--rpm"),
    tpm: int | None = _opt(E, "tpm", "--tpm"),
    max_consecutive_failures: int | None = _opt(E, "max_consecutive_failures", "--max-consecutive-failures"),
    cache: bool | None = _opt(E, "cache", "--cache/--no-cache"),
    cache_path: Path | None = _opt(E, "cache_path", "--cache-path", shown=str(default_cache_path())),
    max_requests: int | None = _opt(E, "max_requests", "--max-requests"),
    max_total_tokens: int | None = _opt(E, "max_total_tokens", "--max-total-tokens"),
    max_cost: float | None = _opt(E, "max_cost", "--max-cost"),
    quiet: bool | None = _opt(E, "quiet", "--quiet", "-q"),
    log_format: str | None = _opt(E, "log_format", "--log-format"),
    json_report: bool | None = _opt(E, "json_report", "--json"),
    card: str | None = _opt(E, "card", "--card"),
) -> None:
    """Evolve instructions into harder and broader ones, round after round (Evol-Instruct)."""
    flags = {k: v for k, v in locals().items() if k != "config"}

    def run(settings: EvolveSettings) -> EvolveResult:
        from synthgen.commands.evolve import run_evolve

        return run_evolve(settings)

    settings, outcome = _settings_and_run(EvolveSettings, flags, config, run)
    _print_evolve_end(outcome, settings)
    raise typer.Exit(outcome.exit_code)


def _print_evolve_end(outcome: EvolveResult, settings: EvolveSettings) -> None:
    """The error line (if any) and the rounds' summary on stderr; --json: the report on stdout."""
    from synthgen.commands.evolve_summary import evolve_summary, summary_fields
    from synthgen.io.writer import report_path

    as_json = settings.log_format == "json"
    if outcome.error:
        echo_error(outcome.error, as_json=as_json)
    if not settings.quiet:
        if as_json:  # one parseable line for log collectors
            typer.echo(json_log_line(event="summary", **summary_fields(outcome)), err=True)
        else:
            typer.echo(evolve_summary(outcome, output=str(settings.output)), err=True)
    if settings.json_report and report_path(settings.output).exists():
        typer.echo(report_path(settings.output).read_text(encoding="utf-8").rstrip())


J = JudgeSettings


@app.command(
    cls=Command,
    epilog="Examples:\n\n"
    "  synthgen judge data/answers.jsonl -o data/judged.jsonl --teacher mock --min-score 7\n\n"
    "  synthgen judge data/answers.jsonl -o data/judged.jsonl --model gpt-4o-mini --min-score 8\n\n"
    + EXIT_CODES,
)
def judge(
    input: Path = typer.Argument(
        ..., help="Dataset to grade: Alpaca (instruction, input, output) or {messages}.", metavar="INPUT"
    ),
    config: Path | None = typer.Option(
        None, "--config", "-c", help="TOML file with any of these options (flags win)."
    ),
    teacher: str | None = _opt(J, "teacher", "--teacher"),
    model: str | None = _opt(J, "model", "--model", "-m"),
    base_url: list[str] | None = _opt(J, "base_url", "--base-url", metavar="URL"),
    api_key_env: str | None = _opt(J, "api_key_env", "--api-key-env"),
    temperature: float | None = _opt(J, "temperature", "--temperature"),
    top_p: float | None = _opt(J, "top_p", "--top-p"),
    max_tokens: int | None = _opt(J, "max_tokens", "--max-tokens"),
    seed: int | None = _opt(J, "seed", "--seed"),
    prompt: Path | None = _opt(J, "prompt", "--prompt"),
    structured: bool | None = _opt(J, "structured", "--structured/--no-structured"),
    min_score: int | None = _opt(J, "min_score", "--min-score"),
    format: str | None = _opt(J, "format", "--format"),
    output: Path | None = _opt(J, "output", "--output", "-o"),
    overwrite: bool | None = _opt(J, "overwrite", "--overwrite"),
    force: bool | None = _opt(J, "force", "--force"),
    concurrency: int | None = _opt(J, "concurrency", "--concurrency", "-j"),
    max_retries: int | None = _opt(J, "max_retries", "--max-retries"),
    retry_max_wait: float | None = _opt(J, "retry_max_wait", "--retry-max-wait"),
    request_timeout: float | None = _opt(J, "request_timeout", "--request-timeout"),
    rpm: int | None = _opt(J, "rpm", "--rpm"),
    tpm: int | None = _opt(J, "tpm", "--tpm"),
    max_consecutive_failures: int | None = _opt(J, "max_consecutive_failures", "--max-consecutive-failures"),
    cache: bool | None = _opt(J, "cache", "--cache/--no-cache"),
    cache_path: Path | None = _opt(J, "cache_path", "--cache-path", shown=str(default_cache_path())),
    max_requests: int | None = _opt(J, "max_requests", "--max-requests"),
    max_total_tokens: int | None = _opt(J, "max_total_tokens", "--max-total-tokens"),
    max_cost: float | None = _opt(J, "max_cost", "--max-cost"),
    quiet: bool | None = _opt(J, "quiet", "--quiet", "-q"),
    log_format: str | None = _opt(J, "log_format", "--log-format"),
    json_report: bool | None = _opt(J, "json_report", "--json"),
    card: str | None = _opt(J, "card", "--card"),
) -> None:
    """Grade every answer of a dataset from 1 to 10 with a teacher (LLM as a judge); keep the good ones."""
    flags = {k: v for k, v in locals().items() if k != "config"}

    def run(settings: JudgeSettings) -> SessionResult:
        from synthgen.commands.judge import run_judge

        return run_judge(settings)

    _run_engine_command(JudgeSettings, flags, config, run)


P = PairsSettings


@app.command(
    cls=Command,
    epilog="Examples:\n\n"
    "  synthgen pairs data/answers.jsonl -o data/pairs.jsonl --teacher mock   (respond --samples 4 output)\n\n"
    "  synthgen pairs data/prompts.jsonl -o data/pairs.jsonl --model big --rejected-model small \\\n"
    "      --samples 2 --base-url http://localhost:8000/v1\n\n"
    "  synthgen pairs data/math.jsonl -o data/math-pairs.jsonl   (respond --verify math --keep all output:\n"
    "      ranked by the verified flags, no teacher)\n\n" + EXIT_CODES,
)
def pairs(
    input: Path = typer.Argument(
        ..., help="Answers (several per prompt), or prompts with --samples.", metavar="INPUT"
    ),
    config: Path | None = typer.Option(
        None, "--config", "-c", help="TOML file with any of these options (flags win)."
    ),
    teacher: str | None = _opt(P, "teacher", "--teacher"),
    model: str | None = _opt(P, "model", "--model", "-m"),
    judge_model: str | None = _opt(P, "judge_model", "--judge-model"),
    rejected_model: str | None = _opt(P, "rejected_model", "--rejected-model"),
    base_url: list[str] | None = _opt(P, "base_url", "--base-url", metavar="URL"),
    api_key_env: str | None = _opt(P, "api_key_env", "--api-key-env"),
    samples: int | None = _opt(P, "samples", "--samples", "-k"),
    temperature: float | None = _opt(P, "temperature", "--temperature"),
    top_p: float | None = _opt(P, "top_p", "--top-p"),
    max_tokens: int | None = _opt(P, "max_tokens", "--max-tokens"),
    judge_temperature: float | None = _opt(P, "judge_temperature", "--judge-temperature"),
    judge_max_tokens: int | None = _opt(P, "judge_max_tokens", "--judge-max-tokens"),
    seed: int | None = _opt(P, "seed", "--seed"),
    prompt: Path | None = _opt(P, "prompt", "--prompt"),
    structured: bool | None = _opt(P, "structured", "--structured/--no-structured"),
    rank: str | None = _opt(P, "rank", "--rank"),
    min_margin: int | None = _opt(P, "min_margin", "--min-margin"),
    format: str | None = _opt(P, "format", "--format"),
    output: Path | None = _opt(P, "output", "--output", "-o"),
    overwrite: bool | None = _opt(P, "overwrite", "--overwrite"),
    force: bool | None = _opt(P, "force", "--force"),
    concurrency: int | None = _opt(P, "concurrency", "--concurrency", "-j"),
    max_retries: int | None = _opt(P, "max_retries", "--max-retries"),
    retry_max_wait: float | None = _opt(P, "retry_max_wait", "--retry-max-wait"),
    request_timeout: float | None = _opt(P, "request_timeout", "--request-timeout"),
    rpm: int | None = _opt(P, "rpm", "--rpm"),
    tpm: int | None = _opt(P, "tpm", "--tpm"),
    max_consecutive_failures: int | None = _opt(P, "max_consecutive_failures", "--max-consecutive-failures"),
    cache: bool | None = _opt(P, "cache", "--cache/--no-cache"),
    cache_path: Path | None = _opt(P, "cache_path", "--cache-path", shown=str(default_cache_path())),
    max_requests: int | None = _opt(P, "max_requests", "--max-requests"),
    max_total_tokens: int | None = _opt(P, "max_total_tokens", "--max-total-tokens"),
    max_cost: float | None = _opt(P, "max_cost", "--max-cost"),
    quiet: bool | None = _opt(P, "quiet", "--quiet", "-q"),
    log_format: str | None = _opt(P, "log_format", "--log-format"),
    json_report: bool | None = _opt(P, "json_report", "--json"),
    card: str | None = _opt(P, "card", "--card"),
) -> None:
    """Preference pairs (prompt, chosen, rejected) for DPO: each prompt's best and worst answer."""
    flags = {k: v for k, v in locals().items() if k != "config"}

    def run(settings: PairsSettings) -> SessionResult:
        from synthgen.commands.pairs import run_pairs

        def stage_done(outcome: SessionResult, path: Path) -> None:  # answers made here, before pairs
            _print_run_end(outcome, output=path, quiet=settings.quiet, log_format=settings.log_format)

        return run_pairs(settings, stage_done)

    _run_engine_command(PairsSettings, flags, config, run)


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
    with _user_errors():
        settings = build_settings(MockServerSettings, dict(locals()))
        from synthgen.mock.server.serving import serve

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
    with _user_errors():
        settings = build_settings(DedupSettings, dict(locals()))
        from synthgen.dedup.dedup_command import run_dedup

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
    with _user_errors():
        settings = build_settings(FilterSettings, dict(locals()))
        from synthgen.dedup.filter_command import run_filter

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
    with _user_errors():
        settings = build_settings(StatsSettings, dict(locals()))
        from synthgen.stats import run_stats
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
    with _user_errors():
        settings = build_settings(ConvertSettings, dict(locals()))
        from synthgen.convert import run_convert

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
    with _user_errors():
        settings = build_settings(CardSettings, dict(locals()))
        from synthgen.stats.card_command import run_card

        typer.echo(f"wrote {run_card(settings)}", err=True)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:  # outside a run (a run handles its own signals)
        sys.exit(130)
