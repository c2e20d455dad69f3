"""The live panel :class:`~synthgen.engine.progress.ProgressReporter` shows on a terminal.

Apart so that rich is imported only when a panel is shown (not with ``--quiet``, log lines or
a pipe): it is ~30 ms of a run's start-up.
"""

from __future__ import annotations

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
    """The terminal view: a bar with ETA and a table of what the run is doing."""

    def __init__(self, total: int | None) -> None:
        self.console = Console(stderr=True)
        self.bar = Progress(
            TextColumn("[bold]kept"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=self.console,
        )
        self.task = self.bar.add_task("kept", total=total)
        self.table = Table.grid(padding=(0, 2))
        self.live = Live(
            self._render(Snapshot(kept=0)), console=self.console, auto_refresh=False, transient=False
        )
        self.live.start()

    def _render(self, shot: Snapshot) -> Panel:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="dim")
        table.add_column()
        cost = "" if shot.cost is None else f"  cost ${shot.cost:.4f}"
        table.add_row(
            "requests",
            f"{shot.in_flight} in flight (limit {shot.concurrency_limit:.0f}, oldest {shot.oldest_seconds:.0f}s)  "
            f"{shot.requests} sent  {shot.retries} retried  {shot.failed} failed  {shot.cached} cached",
        )
        table.add_row("tokens", f"{shot.tokens:,}{cost}")
        if shot.review is not None:
            table.add_row(shot.review.label, shot.review.line)
        rejected = ", ".join(f"{k} {v}" for k, v in shot.rejected.most_common(6)) or "none"
        table.add_row("rejected", rejected)
        table.add_row("duplicates", f"{shot.duplicates_exact} exact, {shot.duplicates_similar} similar")
        return Panel(Group(self.bar, table), title="synthgen", expand=False)

    def update(self, shot: Snapshot) -> None:
        self.bar.update(self.task, completed=shot.kept)
        self.live.update(self._render(shot), refresh=True)

    def close(self, kept: int) -> None:
        self.bar.update(self.task, completed=kept)
        self.live.refresh()
        self.live.stop()
