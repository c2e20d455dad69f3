"""The typer app, the one place where errors become a line and an exit code, and the run ends.

Every command module registers its commands on :data:`app`; only this package prints a final
error or picks an exit code (from :mod:`synthgen.exit_codes`).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

from synthgen import __version__
from synthgen.cli.help import echo_error
from synthgen.config import RunOutputOptions
from synthgen.errors import SynthgenError
from synthgen.exit_codes import FAILURE, SIGNAL_EXIT
from synthgen.logjson import json_log_line

if TYPE_CHECKING:
    from synthgen.engine.session import SessionResult

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
class ErrorOutput:
    """How the final error line is written: plain text, or JSON under --log-format json."""

    as_json: bool = False


@contextlib.contextmanager
def user_errors(output: ErrorOutput | None = None) -> Iterator[None]:
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
        raise typer.Exit(FAILURE) from None


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


def finish_run(settings: RunOutputOptions, outcome: SessionResult) -> NoReturn:
    """A run's end printed (its error, its summary, --json: its report) and its exit code."""
    # the run's own output: a command of several stages may have stopped at an earlier one
    output = Path(outcome.report.output if outcome.report else settings.output)
    print_run_end(outcome, output=output, quiet=settings.quiet, log_format=settings.log_format)
    if settings.json_report and outcome.report:
        typer.echo(json.dumps(outcome.report.as_data(), indent=2))
    raise typer.Exit(outcome.exit_code)


def print_run_end(outcome: SessionResult, *, output: Path, quiet: bool, log_format: str) -> None:
    """The run's error line (if any) and its summary, on stderr."""
    from synthgen.cli.summary import summary_text

    as_json = log_format == "json"
    if outcome.result.error:
        echo_error(outcome.result.error, as_json=as_json)
    if quiet or outcome.report is None:
        return
    if as_json:  # one parseable line for log collectors
        report = outcome.report
        line = json_log_line(
            event="summary", examples=report.examples, **report.last_run.model_dump(mode="json")
        )
        typer.echo(line, err=True)
    else:
        typer.echo(summary_text(outcome.report, output=str(output)), err=True)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:  # outside a run (a run handles its own signals)
        sys.exit(SIGNAL_EXIT[signal.SIGINT])
