"""The live panel of ``--batch-wait`` on a terminal (see commands/batch_watch.py).

Apart so that rich is imported only when a panel is shown, as the engine's panel is.
"""

from __future__ import annotations

from rich.console import Console
from rich.live import Live
from rich.panel import Panel
from rich.table import Table

Row = tuple[str, ...]


def render(headings: Row, rows: list[Row], *, polls: int) -> Panel:
    """A table of the pending batches (a row each: id, status, counts), with the poll count."""
    table = Table(*headings, box=None, padding=(0, 1))
    for column in table.columns[2:]:
        column.justify = "right"
    for row in rows:
        table.add_row(*row)
    title = f"synthgen: waiting for {len(rows)} batch(es)"
    return Panel(table, title=title, subtitle=f"poll {polls}; Ctrl-C leaves them running", expand=False)


class BatchPanel:
    """The panel, redrawn at every poll until :meth:`close`."""

    def __init__(self) -> None:
        self.live: Live | None = None

    def update(self, headings: Row, rows: list[Row], polls: int) -> None:
        view = render(headings, rows, polls=polls)
        if self.live is None:
            self.live = Live(view, console=Console(stderr=True), auto_refresh=False, transient=False)
            self.live.start()
        self.live.update(view, refresh=True)

    def close(self) -> None:
        if self.live is not None:
            self.live.stop()
            self.live = None
