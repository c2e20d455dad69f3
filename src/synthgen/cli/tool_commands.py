"""Commands without a recipe: check, mock-teacher, dedup, filter, stats, convert, card, batches."""

from __future__ import annotations

import json

import typer

from synthgen.cli.options import command
from synthgen.config import (
    BatchesSettings,
    CardSettings,
    CheckSettings,
    ConvertSettings,
    DedupSettings,
    FilterSettings,
    MergeSettings,
    MockServerSettings,
    PushSettings,
    StatsSettings,
)
from synthgen.exit_codes import USAGE


@command(
    CheckSettings,
    config_help="TOML file of generate or respond (its teacher options are used).",
    notes={"request_timeout": "At most 20 s here."},
    epilog="""Examples:

  OPENAI_API_KEY=sk-... synthgen check --base-url https://api.openai.com/v1 --model gpt-4o-mini

  synthgen check --base-url http://localhost:8000/v1 --model Qwen/Qwen2.5-7B-Instruct

  synthgen check -c run.toml   # the teacher of a run's config file (README: Config file)

Exit codes: 0 ready; 1 the teacher cannot be used as configured (the line says why); 2 bad options.""",
)
def check(settings: CheckSettings) -> None:
    """Check the teacher before a run: the key, the base URL and the model, in one call."""
    if settings.teacher_kind() == "mock":
        typer.echo("ok: the mock teacher needs no connection")
        return
    from synthgen.commands.check import check_teacher

    for result in check_teacher(settings):
        typer.echo(result.summary())


@command(
    MockServerSettings,
    name="mock-teacher",
    epilog="""Example:

  synthgen mock-teacher --port 8000 --latency-ms 300 --error-rate-429 0.05   # until Ctrl-C

Then, in another shell:

  synthgen generate --base-url http://127.0.0.1:8000/v1 --model mock -o data/drill.jsonl""",
)
def mock_teacher(settings: MockServerSettings) -> None:
    """Serve the mock teacher as an OpenAI-compatible HTTP API (for CI and fault drills)."""
    from synthgen.commands.mock_teacher import serve

    serve(settings)


@command(
    DedupSettings,
    epilog="""Example:

  # also drop rows close to an eval set's instructions (here: the seed tasks)
  synthgen dedup data/alpaca.jsonl -o data/dedup.jsonl --against seeds/seed_tasks.jsonl""",
)
def dedup(settings: DedupSettings) -> None:
    """Drop near-duplicate instructions (ROUGE-L, as self-instruct) from an existing dataset."""
    from synthgen.commands.dedup import run_dedup

    typer.echo(run_dedup(settings).summary(), err=True)


@command(
    MergeSettings,
    epilog="""Examples:

  # one run in two shards (anywhere, in any order; in a job array: --shard auto), then the merge
  synthgen generate --teacher mock --num 400 -o data/sharded.jsonl --shard 0/2
  synthgen generate --teacher mock --num 400 -o data/sharded.jsonl --shard 1/2
  synthgen merge data/sharded.jsonl   # the shards in data/sharded.jsonl.shards/

  # shards named one by one, or by folder (e.g. copied from other machines)
  synthgen merge data/joined.jsonl data/sharded.jsonl.shards/shard-0-of-2.jsonl \\
      data/sharded.jsonl.shards/shard-1-of-2.jsonl

  # started with (or before) the shards: merges while they run, ends once they all have
  synthgen merge data/followed.jsonl data/sharded.jsonl.shards --follow

Exit codes: 0 merged (the target reached); 2 bad input (a shard missing, still running, torn,
or of another run; OUT one of the inputs; with --follow, a shard killed and not rerun within
--follow-timeout): nothing is written; 3 merged, but the shards did not bring enough rows: the
command printed tops OUT up; 143 stopped by SIGTERM (--follow): nothing is written.""",
)
def merge(settings: MergeSettings) -> None:
    """Join the shards of a --shard run into its output, as one process would have written it."""
    from synthgen.cli.summary import summary_text
    from synthgen.commands.merge import run_merge

    outcome = run_merge(settings)
    if not settings.quiet:
        typer.echo(summary_text(outcome.report, output=str(settings.output)), err=True)
    if outcome.top_up is not None:
        wanted = f"{outcome.short} rows short of the target" if outcome.short else "some shards stopped early"
        typer.echo(f"synthgen: {wanted}; to top {settings.output} up, run:\n  {outcome.top_up}", err=True)
        if outcome.margin_needed is not None:
            typer.echo(
                f"synthgen: at this yield, --shard-margin {outcome.margin_needed:g} on the shards "
                "would have brought enough rows",
                err=True,
            )
    if settings.json_report:
        typer.echo(json.dumps(outcome.report.as_data(), indent=2))
    raise typer.Exit(outcome.exit_code)


@command(
    FilterSettings,
    name="filter",
    epilog="""Example:

  synthgen filter data/alpaca.jsonl -o data/clean.jsonl --rejected data/rejects.jsonl""",
)
def filter_command(settings: FilterSettings) -> None:
    """Apply the generate pipeline's heuristic filters to an existing dataset."""
    from synthgen.commands.filter import run_filter

    typer.echo(run_filter(settings).summary(), err=True)


@command(
    StatsSettings,
    epilog="""Examples:

  synthgen stats data/alpaca.jsonl

  synthgen stats data/alpaca.jsonl --html data/alpaca.html --seeds seeds/seed_tasks.jsonl

Exit code 2 for an unreadable file (a torn last line is reported after the figures of the rest).""",
)
def stats(settings: StatsSettings) -> None:
    """Lengths, leading verbs, ROUGE-L similarity, duplicates and run totals of a dataset."""
    from synthgen.commands.stats import run_stats
    from synthgen.stats.text_view import render_text

    figures = run_stats(settings)
    typer.echo(json.dumps(figures, indent=2) if settings.json_output else render_text(figures))
    if settings.html is not None:
        typer.echo(f"wrote {settings.html}", err=True)
    if figures["torn"]:
        typer.echo(f"synthgen: error: {figures['torn']}", err=True)
        raise typer.Exit(USAGE)


@command(
    ConvertSettings,
    epilog="""Examples:

  synthgen convert data/alpaca.jsonl -o data/chat.jsonl --to messages

  synthgen convert data/pairs.jsonl -o data/kto.jsonl --to kto --conversational

  synthgen convert data/pairs.jsonl -o data/pairs.parquet --to parquet --order curriculum

  synthgen convert data/alpaca.jsonl -o data/hf --to hf --order shuffle --seed 1""",
)
def convert(settings: ConvertSettings) -> None:
    """Rewrite a dataset in a trainer's shape (JSONL), as Parquet or as a saved HF dataset."""
    from synthgen.commands.convert import run_convert

    typer.echo(run_convert(settings).summary(), err=True)


@command(
    CardSettings,
    epilog="""Example:

  synthgen card data/alpaca.jsonl   # writes data/alpaca.jsonl.card.md""",
)
def card(settings: CardSettings) -> None:
    """Write a Hugging Face style dataset card (README.md) for an existing dataset."""
    from synthgen.commands.card import run_card

    typer.echo(f"wrote {run_card(settings)}", err=True)


@command(
    PushSettings,
    epilog="""Examples:

  HF_TOKEN=hf_... synthgen push data/alpaca.jsonl --repo user/my-dataset

  synthgen push data/alpaca.jsonl --repo user/my-dataset --private --revision draft   # after `hf auth login`

Exit codes: 0 pushed; 1 the Hub refused the token or the upload, or the connection failed (nothing
committed); 2 no such file, no card beside it, a malformed --repo, no token.""",
)
def push(settings: PushSettings) -> None:
    """Publish a dataset file with its card (as README.md), meta file, soft targets and run report to the Hugging Face Hub, in one commit."""
    from synthgen.commands.push import run_push

    typer.echo(run_push(settings).summary(), err=True)


@command(
    BatchesSettings,
    epilog="""Example:

  synthgen batches data/batched.jsonl --poll   # the batches of respond ... -o data/batched.jsonl --batch""",
)
def batches(settings: BatchesSettings) -> None:
    """List the batches of a --batch run (OUT.batch.json, and its judge's) with their status and counts."""
    from synthgen.commands.batches import render, run_batches

    listed = run_batches(settings)
    typer.echo(json.dumps(listed, indent=2) if settings.json_output else render(listed))
