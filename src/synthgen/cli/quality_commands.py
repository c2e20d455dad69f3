"""Commands that refine a dataset with a teacher: evolve, judge and pairs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import typer

from synthgen.cli.app import app, print_run_end, run_engine_command, settings_and_run
from synthgen.cli.help import Command, echo_error
from synthgen.cli.help import option as _opt
from synthgen.config import (
    EvolveSettings,
    JudgeSettings,
    PairsSettings,
    RunOutputOptions,
)
from synthgen.exit_codes import HELP as EXIT_CODES
from synthgen.logjson import json_log_line
from synthgen.teacher.cache import default_cache_path

if TYPE_CHECKING:
    from synthgen.commands.evolve import EvolveResult
    from synthgen.engine.session import SessionResult

_Run = TypeVar("_Run", bound=RunOutputOptions)
_Outcome = TypeVar("_Outcome")


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

    settings, outcome = settings_and_run(EvolveSettings, flags, config, run)
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

    run_engine_command(JudgeSettings, flags, config, run)


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
            print_run_end(outcome, output=path, quiet=settings.quiet, log_format=settings.log_format)

        return run_pairs(settings, stage_done)

    run_engine_command(PairsSettings, flags, config, run)
