"""Commands that refine a dataset with a teacher: evolve, judge and pairs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from synthgen.cli.app import finish_run, print_run_end
from synthgen.cli.help import echo_error
from synthgen.cli.options import CONFIG_HELP, command
from synthgen.config import EvolveSettings, JudgeSettings, PairsSettings
from synthgen.exit_codes import HELP as EXIT_CODES
from synthgen.logjson import json_log_line

if TYPE_CHECKING:
    from synthgen.commands.evolve import EvolveResult
    from synthgen.engine.session import SessionResult


@command(
    EvolveSettings,
    config_help=CONFIG_HELP,
    epilog="""Examples:

  synthgen evolve seeds/seed_tasks.jsonl -o data/evolved.jsonl --rounds 3 --teacher mock

  OPENAI_API_KEY=sk-... synthgen evolve data/alpaca.jsonl -o data/evolved-gpt.jsonl --rounds 4 \\
      --base-url https://api.openai.com/v1 --model gpt-4o-mini --operations add-constraint,deepen,breadth

"""
    + EXIT_CODES,
)
def evolve(settings: EvolveSettings) -> None:
    """Evolve instructions into harder and broader ones, round after round (Evol-Instruct)."""
    from synthgen.commands.evolve import run_evolve

    outcome = run_evolve(settings)
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


@command(
    JudgeSettings,
    config_help=CONFIG_HELP,
    epilog="""Examples:

  synthgen judge data/answers.jsonl -o data/judged.jsonl --teacher mock --min-score 7

  OPENAI_API_KEY=sk-... synthgen judge data/answers.jsonl -o data/judged-gpt.jsonl --min-score 8 \\
      --base-url https://api.openai.com/v1 --model gpt-4o-mini

"""
    + EXIT_CODES,
)
def judge(settings: JudgeSettings) -> None:
    """Grade every answer of a dataset from 1 to 10 with a teacher (LLM as a judge); keep the good ones."""
    from synthgen.commands.judge import run_judge

    finish_run(settings, run_judge(settings))


@command(
    PairsSettings,
    config_help=CONFIG_HELP,
    epilog="""Examples:

  synthgen pairs data/answers.jsonl -o data/pairs.jsonl --teacher mock   # answers of respond --samples 4

  # prompts answered twice by each model here, through a router serving both (e.g. LiteLLM):
  synthgen pairs data/instructions.jsonl -o data/pairs-ab.jsonl --samples 2 \\
      --base-url http://localhost:4000/v1 --model big-model --rejected-model small-model

  # answers of respond --verify math --keep all: ranked by their verified flags, no teacher
  synthgen pairs data/math.jsonl -o data/math-pairs.jsonl

"""
    + EXIT_CODES,
)
def pairs(settings: PairsSettings) -> None:
    """Preference pairs (prompt, chosen, rejected) for DPO: each prompt's best and worst answer."""
    from synthgen.commands.pairs import run_pairs

    def stage_done(outcome: SessionResult, path: Path) -> None:  # answers made here, before pairs
        print_run_end(outcome, output=path, quiet=settings.quiet, log_format=settings.log_format)

    finish_run(settings, run_pairs(settings, stage_done))
