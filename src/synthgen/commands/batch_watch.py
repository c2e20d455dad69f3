"""What a ``--batch`` run shows of the batches the provider is still working on.

Without ``--batch-wait`` the run says once which batches are pending, and exits 75. With it,
the process polls until they are done and shows their progress at every poll: each batch's
status and counts (requests submitted, completed, failed, as the provider counts them) in a
live panel on a terminal (rich, as the engine's panel), otherwise one line per poll, as text
or as JSON (``--log-format json``); nothing with ``--quiet``. Everything goes to stderr.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any

from synthgen.teacher.batch_state import BatchRecord

log = logging.getLogger("synthgen")

HEADINGS = ("batch", "status", "submitted", "completed", "failed")


def batch_rows(records: list[BatchRecord]) -> list[tuple[str, str, int, int, int]]:
    """One row per batch: its id, status and counts (a batch not yet created: its file id)."""
    return [
        (
            record.batch_id or record.file_id or record.part,
            record.status,
            record.total or record.requests,
            record.completed,
            record.failed,
        )
        for record in records
    ]


class BatchWatch:
    """Shows pending batches (see the module docstring); :meth:`close` before anything else
    draws on the terminal (the engine's own panel)."""

    def __init__(self, *, wait: bool, quiet: bool, log_format: str) -> None:
        self.wait = wait
        self.mode = "off" if quiet else log_format
        self.polls = 0
        self._panel: Any = None
        if wait and self.mode == "text" and sys.stderr.isatty():
            self.mode = "panel"

    def show(self, records: list[BatchRecord]) -> None:
        """The batches still at the provider after a poll."""
        self.polls += 1
        if not self.wait:
            for batch, status, submitted, completed, _ in batch_rows(records):
                log.info(
                    "batch %s is %s (%d of %d requests done); rerun the same command to collect it",
                    batch, status, completed, submitted,
                )  # fmt: skip
        elif self.mode == "panel":
            self._show_panel(records)
        elif self.mode == "json":
            batches = [dict(zip(HEADINGS, row, strict=True)) for row in batch_rows(records)]
            line = {
                "ts": round(time.time(), 3),
                "event": "batch_progress",
                "poll": self.polls,
                "batches": batches,
            }
            print(json.dumps(line), file=sys.stderr, flush=True)
        elif self.mode == "text":
            rows = "; ".join(
                f"{b} {s}, {c:,} of {n:,} done, {f:,} failed" for b, s, n, c, f in batch_rows(records)
            )
            print(f"synthgen: waiting for {len(records)} batch(es): {rows} (poll {self.polls})", file=sys.stderr, flush=True)  # fmt: skip

    def _show_panel(self, records: list[BatchRecord]) -> None:
        if self._panel is None:
            from synthgen.commands.batch_panel import BatchPanel  # rich only for the panel

            self._panel = BatchPanel()
        rows = [(b, s, f"{n:,}", f"{c:,}", f"{f:,}") for b, s, n, c, f in batch_rows(records)]
        self._panel.update(HEADINGS, rows, self.polls)

    def close(self) -> None:
        if self._panel is not None:
            self._panel.close()
            self._panel = None
