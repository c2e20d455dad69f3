"""Dataset cards: ``synthgen card FILE``, and the card written beside a finished run (``--card``)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from synthgen.config import CardSettings
from synthgen.io.beside import card_path, report_path
from synthgen.io.guards import refuse_overwriting

__all__ = ["run_card", "write_run_card"]

log = logging.getLogger("synthgen")


def run_card(settings: CardSettings) -> Path:
    """Write the card of ``settings.input``; returns where it went. The command an earlier card
    of this file recorded (the run's) is kept."""
    from synthgen.io.card import recorded_command, write_card
    from synthgen.stats.card_figures import card_info

    path = settings.output or card_path(settings.input)
    refuse_overwriting({"INPUT": [settings.input, report_path(settings.input)]}, {"--output": path})
    info = card_info(
        settings.input,
        settings.language,
        license=settings.license,
        pretty_name=settings.pretty_name,
        sources=settings.source_dataset,
    )
    earlier = [path, card_path(settings.input), settings.input.parent / "README.md"]
    info.command = next((c for c in (recorded_command(p, settings.input) for p in earlier) if c), None)
    write_card(path, info)
    return path


def write_run_card(output: Path, where: str) -> Path | None:
    """Write the card of ``output`` (``where``: "beside", "readme" or "none"); never fails a run.

    Called whenever a run ends with a report, whatever its exit code: the card must describe
    the file as it is now (an ``--overwrite`` run that stopped early included).
    """
    if where == "none" or not output.exists() or output.stat().st_size == 0:
        return None  # nothing written (a run that failed at once): no card to make
    # Imported here: the statistics code is only needed once the run is over (start-up time).
    from synthgen.io.card import public_command, write_card
    from synthgen.stats.card_figures import card_info

    path = output.parent / "README.md" if where == "readme" else card_path(output)
    try:
        info = card_info(output, ["en"])
        info.command = public_command(["synthgen", *sys.argv[1:]])
        write_card(path, info)
    except Exception as exc:  # the data is written: a card problem must not fail the run
        log.warning("could not write the dataset card %s: %s", path, exc)
        return None
    return path
