"""``synthgen stats``: what is in a dataset file, on the terminal, as JSON, or as an HTML page.

* :mod:`synthgen.stats.compute`: every figure, as JSON-ready data (:func:`compute_stats`);
* :mod:`synthgen.stats.similarity`: ROUGE-L histograms and duplicate counts;
* :mod:`synthgen.stats.verbs`: leading verbs and their direct objects;
* :mod:`synthgen.stats.run_report`: totals from the run report beside the file;
* :mod:`synthgen.stats.text_view` / :mod:`synthgen.stats.html_page`: the two views.
"""

from __future__ import annotations

from typing import Any

from synthgen.config import StatsSettings
from synthgen.stats.compute import compute_stats

__all__ = ["compute_stats", "run_stats"]


def run_stats(settings: StatsSettings) -> dict[str, Any]:
    """Compute the figures and write the HTML page when asked; returns the figures."""
    if settings.html is not None:
        from synthgen.stats.html_page import require_matplotlib, write_html

        require_matplotlib()
    stats = compute_stats(settings)
    if settings.html is not None:
        write_html(settings.html, stats)
    return stats
