"""What is in a dataset file, for ``synthgen stats`` (:mod:`synthgen.commands.stats`) and cards.

* :mod:`synthgen.stats.compute`: every figure, as JSON-ready data (:func:`compute_stats`);
* :mod:`synthgen.stats.similarity`: ROUGE-L histograms and duplicate counts;
* :mod:`synthgen.stats.verbs`: leading verbs and their direct objects;
* :mod:`synthgen.stats.run_report`: totals from the run report beside the file;
* :mod:`synthgen.stats.text_view` / :mod:`synthgen.stats.html_page`: the two views;
* :mod:`synthgen.stats.card_figures`: what a dataset card says.
"""

from __future__ import annotations

from typing import Any

__all__ = ["compute_stats"]


def __getattr__(name: str) -> Any:
    # Imported on first use: the card written at the end of every run imports this package's
    # card_figures, which needs neither numpy nor the similarity code that compute_stats does.
    if name == "compute_stats":
        from synthgen.stats.compute import compute_stats

        return compute_stats
    raise AttributeError(f"module 'synthgen.stats' has no attribute {name!r}")
