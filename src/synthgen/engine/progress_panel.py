"""The live panel :class:`~synthgen.engine.progress.ProgressReporter` shows on a terminal.

Apart so that rich is imported only when a panel is shown (not with ``--quiet``, log lines or
a pipe): it is ~30 ms of a run's start-up.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.live import Live
from rich.panel import Panel
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from synthgen.engine.snapshot import Snapshot


class LivePanel:
    """The terminal view: a bar with ETA and a table of what the run is doing.

    Each figure has its own row (label, then value) so that a narrow terminal wraps a value
    inside its column, beside its label; the bar drops its clocks below 70 columns and its ETA
    below 50.
    """

    def __init__(self, total: int | None) -> None:
        self.console = Console(stderr=True)
        self.total = total
        width = self.console.width
        columns: list[Any] = [TextColumn("[bold]kept"), BarColumn(bar_width=None if width >= 50 else 8)]
        columns.append(MofNCompleteColumn())
        if width >= 70:
            columns.append(TimeElapsedColumn())
        if width >= 50:
            columns += [TextColumn("ETA"), TimeRemainingColumn()]
        self.bar = Progress(*columns, console=self.console, expand=False)
        self.task = self.bar.add_task("kept", total=total)
        self.live = Live(
            self._render(Snapshot(kept=0), 0.0), console=self.console, auto_refresh=False, transient=False
        )
        self.live.start()

    def _render(self, shot: Snapshot, elapsed: float) -> Panel:
        table = Table.grid(padding=(0, 1))
        table.add_column(style="dim", no_wrap=True)
        table.add_column(overflow="fold")
        for label, value in panel_rows(shot, elapsed=elapsed, total=self.total):
            table.add_row(label, value)
        return Panel(Group(self.bar, table), title="synthgen", expand=False)

    def update(self, shot: Snapshot, elapsed: float = 0.0) -> None:
        self.bar.update(self.task, completed=shot.kept)
        self.live.update(self._render(shot, elapsed), refresh=True)

    def close(self, kept: int) -> None:
        self.bar.update(self.task, completed=kept)
        self.live.refresh()
        self.live.stop()


def panel_rows(shot: Snapshot, *, elapsed: float, total: int | None) -> list[tuple[str, str]]:
    """The panel's rows: (label, value), each value short enough to wrap inside its column."""
    rate = shot.requests / elapsed if elapsed > 0 else 0.0
    rows = [
        ("in flight", f"{shot.in_flight} (limit {shot.concurrency_limit:.0f}), {shot.queued} queued"),
        ("requests", f"{shot.requests:,} sent, {rate:.1f}/s, oldest {shot.oldest_seconds:.0f}s"),
        ("retries", f"{shot.retries} retried, {shot.failed} failed, {shot.cached} cached"),
        ("tokens", f"{shot.tokens_in:,} in, {shot.tokens_out:,} out"),
    ]
    if shot.cost is not None or shot.max_cost is not None:
        rows.append(("cost", _cost(shot, total)))
    if shot.review is not None:
        rows.append((shot.review.label, shot.review.line))
    rows.append(("rejected", ", ".join(f"{k} {v}" for k, v in shot.rejected.most_common(6)) or "none"))
    rows += shot.tallied  # the recipe's own figures (its Tally's panel rows)
    return rows


def _cost(shot: Snapshot, total: int | None) -> str:
    """Spent, the budget, and the total at this rate (cost per kept row times the target)."""
    if shot.cost is None:
        return f"price unknown (budget ${shot.max_cost:.2f})"
    text = f"${shot.cost:.4f}"
    if shot.max_cost is not None:
        text += f" of ${shot.max_cost:.2f}"
    if total and shot.kept:
        text += f", ~${shot.cost / shot.kept * total:.4f} projected"
    return text
