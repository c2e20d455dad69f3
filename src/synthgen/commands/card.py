"""Dataset cards: ``synthgen card FILE``, and the card written beside a finished run (``--card``)."""

from __future__ import annotations

import logging
import shlex
import sys
from pathlib import Path

from synthgen.config import CardSettings
from synthgen.io.beside import card_path, report_path
from synthgen.io.guards import refuse_overwriting

__all__ = ["run_card", "write_run_card"]

log = logging.getLogger("synthgen")


def run_card(settings: CardSettings) -> Path:
    """Write the card of ``settings.input``; returns where it went."""
    from synthgen.io.card import write_card
    from synthgen.stats.card_figures import card_info

    path = settings.output or card_path(settings.input)
    refuse_overwriting({"INPUT": [settings.input, report_path(settings.input)]}, {"--output": path})
    write_card(path, card_info(settings.input, settings.language))
    return path


def write_run_card(output: Path, where: str) -> Path | None:
    """Write the card of ``output`` (``where``: "beside", "readme" or "none"); never fails a run."""
    if where == "none" or not output.exists():
        return None
    # Imported here: the statistics code is only needed once the run is over (start-up time).
    from synthgen.io.card import write_card
    from synthgen.stats.card_figures import card_info

    path = output.parent / "README.md" if where == "readme" else card_path(output)
    try:
        info = card_info(output, ["en"])
        info.command = shlex.join(["synthgen", *sys.argv[1:]])
        write_card(path, info)
    except Exception as exc:  # the data is written: a card problem must not fail the run
        log.warning("could not write the dataset card %s: %s", path, exc)
        return None
    return path
