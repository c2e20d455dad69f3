"""What a run shows while it works: a live panel on a terminal, plain or JSON lines otherwise.

Everything goes to stderr; stdout is reserved for results the user asks for (``--json``).
The engine offers a :class:`Snapshot` maker at every wake-up; the reporter builds one only
when it is due (every 0.2 s on a terminal, every ``interval`` seconds otherwise), so the
per-answer cost is one clock read.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from synthgen.engine.snapshot import Snapshot

if TYPE_CHECKING:
    from synthgen.engine.progress_panel import LivePanel

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
    """Call :meth:`offer` often; it shows a snapshot at most every ``interval`` seconds."""

    def __init__(self, *, total: int | None, quiet: bool, log_format: str, interval: float = 5.0) -> None:
        self.total = total
        self.interval = interval
        self._start = time.monotonic()
        self._last = self._start  # first line after one interval, not at once
        self._mode = "off" if quiet else log_format
        self._live: LivePanel | None = None
        self._latest: Callable[[], Snapshot] | None = None
        if self._mode == "text" and sys.stderr.isatty():
            # rich (~30 ms to import) only for the panel: not with --quiet, logs or a pipe
            from synthgen.engine.progress_panel import LivePanel

            self._mode = "panel"
            self._live = LivePanel(total)
            self.interval = 0.2

    def offer(self, snapshot: Callable[[], Snapshot]) -> None:
        self._latest = snapshot  # for the panel's last frame (see close)
        now = time.monotonic()
        if self._mode == "off" or now - self._last < self.interval:
            return
        self._last = now
        self.show(snapshot(), now)

    def show(self, shot: Snapshot, now: float) -> None:
        elapsed = now - self._start
        if self._live is not None:
            self._live.update(shot, elapsed)
        elif self._mode == "json":
            line = {"ts": round(time.time(), 3), "event": "progress", "kept": shot.kept, "target": self.total}
            print(json.dumps({**line, **shot.plain_figures()}), file=sys.stderr, flush=True)
        else:
            rest = " ".join(f"{k}={v}" for k, v in shot.plain_figures().items())
            total = "" if self.total is None else f"/{self.total}"
            print(
                f"synthgen: kept {shot.kept}{total} {rest} elapsed={elapsed:.0f}s",
                file=sys.stderr,
                flush=True,
            )

    def close(self, kept: int) -> None:
        """End the panel on the run's final figures (a short run may end between two frames)."""
        if self._live is None:
            return
        if self._latest is not None:
            # a courtesy: a snapshot that fails here must not hide why the run ended
            with contextlib.suppress(Exception):
                self._live.update(self._latest(), time.monotonic() - self._start)
        self._live.close(kept)
