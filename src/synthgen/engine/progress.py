"""What a run shows while it works: a live bar on a terminal, plain or JSON lines otherwise.

Everything goes to stderr; stdout is reserved for results the user asks for (``--json``).
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

log = logging.getLogger("synthgen")


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(
            {"ts": round(record.created, 3), "level": record.levelname.lower(), "msg": record.getMessage()}
        )


def setup_logging(log_format: str) -> None:
    """Warnings and errors to stderr, as text or JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    fmt = (
        _JsonFormatter()
        if log_format == "json"
        else logging.Formatter("synthgen: %(levelname)s: %(message)s")
    )
    handler.setFormatter(fmt)
    log.handlers[:] = [handler]
    log.setLevel(logging.INFO)
    log.propagate = False


class ProgressReporter:
    """Call ``update(**figures)`` often; it renders at most every ``interval`` seconds."""

    def __init__(self, *, total: int, quiet: bool, log_format: str, interval: float = 5.0) -> None:
        self.total = total
        self.interval = interval
        self._start = time.monotonic()
        self._last = self._start  # first line after one interval, not at once
        self._mode = "off" if quiet else log_format
        self._bar: Progress | None = None
        if self._mode == "text" and sys.stderr.isatty():
            self._mode = "bar"
            self._bar = Progress(
                TextColumn("[bold]generating"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[info]}"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=False,
            )
            self._task = self._bar.add_task("generate", total=total, info="")
            self._bar.start()
            self.interval = 0.2

    def update(self, kept: int, **figures: Any) -> None:
        now = time.monotonic()
        if self._mode == "off" or now - self._last < self.interval:
            return
        self._last = now
        if self._bar is not None:
            info = "  ".join(f"{k}={v}" for k, v in figures.items())
            self._bar.update(self._task, completed=kept, info=info)
        elif self._mode == "json":
            line = {"event": "progress", "kept": kept, "target": self.total, **figures}
            print(json.dumps(line), file=sys.stderr, flush=True)
        else:
            rest = " ".join(f"{k}={v}" for k, v in figures.items())
            elapsed = now - self._start
            print(
                f"synthgen: kept {kept}/{self.total} {rest} elapsed={elapsed:.0f}s",
                file=sys.stderr,
                flush=True,
            )

    def close(self, kept: int) -> None:
        if self._bar is not None:
            self._bar.update(self._task, completed=kept)
            self._bar.stop()
