"""The dataset card written beside a finished run's output (``--card``)."""

from __future__ import annotations

import logging
import shlex
import sys
from pathlib import Path

log = logging.getLogger("synthgen")


def write_run_card(output: Path, where: str) -> Path | None:
    """Write the card of ``output`` (``where``: "beside", "readme" or "none"); never fails a run."""
    if where == "none" or not output.exists():
        return None
    # Imported here: the statistics code is only needed once the run is over (start-up time).
    from synthgen.io.card import write_card
    from synthgen.stats.card_command import card_info, card_path

    path = output.parent / "README.md" if where == "readme" else card_path(output)
    try:
        info = card_info(output, ["en"])
        info.command = shlex.join(["synthgen", *sys.argv[1:]])
        write_card(path, info)
    except Exception as exc:  # the data is written: a card problem must not fail the run
        log.warning("could not write the dataset card %s: %s", path, exc)
        return None
    return path
