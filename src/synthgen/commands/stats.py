"""``synthgen stats``: the figures of a dataset file, and its HTML page when asked."""

from __future__ import annotations

from typing import Any

from synthgen.config import StatsSettings
from synthgen.io.beside import SOFT_TARGETS, report_path, table_path
from synthgen.io.guards import refuse_overwriting
from synthgen.stats.compute import compute_stats

__all__ = ["run_stats"]


def run_stats(settings: StatsSettings) -> dict[str, Any]:
    """Compute the figures and write the HTML page when asked; returns the figures."""
    dataset = [settings.input, report_path(settings.input), table_path(settings.input, SOFT_TARGETS)]
    refuse_overwriting({"INPUT": dataset, "--seeds": settings.seeds}, {"--html": settings.html})
    if settings.html is not None:
        from synthgen.stats.html_page import require_matplotlib, write_html

        require_matplotlib()
    stats = compute_stats(settings)
    if settings.html is not None:
        write_html(settings.html, stats)
    return stats
