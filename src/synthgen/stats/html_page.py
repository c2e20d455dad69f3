"""``synthgen stats --html``: one self-contained page, the plots drawn by matplotlib as inline SVG.

Nothing is fetched when the page is viewed: no scripts, no fonts, no images from elsewhere
(SVG text uses the viewer's sans-serif font). matplotlib is an optional extra
(``synthgen[stats]``); without it the page cannot be made and the CLI says how to get it.
"""

from __future__ import annotations

import html
import io
import itertools
import re
from pathlib import Path
from typing import Any

from synthgen import __version__
from synthgen.errors import UsageError
from synthgen.io.files import atomic_writer, output_errors
from synthgen.stats.text_view import render_text

_STYLE = """
body { font-family: sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.6em; border-bottom: 1px solid #ccc; }
figure { margin: 1em 0; } figure svg { max-width: 100%; height: auto; }
pre { background: #f6f6f6; padding: 1em; overflow-x: auto; font-size: 0.85em; }
table { border-collapse: collapse; } td, th { padding: 0.2em 0.8em; text-align: right; }
td:first-child, th:first-child { text-align: left; }
"""
_XML_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.DOTALL)


def _figure_module() -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise UsageError("--html needs matplotlib: pip install 'synthgen[stats]'") from exc
    return Figure


def _svg(fig: Any) -> str:
    """A figure as an inline <svg> element (text kept as text, no XML prologue)."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):  # text as <text>: smaller, searchable
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return _XML_PROLOGUE.sub("", buffer.getvalue(), count=1)


def _bars(ax: Any, histogram: dict[str, Any], color: str) -> None:
    edges, counts = histogram["edges"], histogram["counts"]
    widths = [b - a for a, b in itertools.pairwise(edges)]
    ax.bar(edges[:-1], counts, width=widths, align="edge", color=color, edgecolor="white", linewidth=0.5)
    ax.set_ylabel("rows")


def length_figure(lengths: dict[str, Any]) -> Any:
    """One histogram of word counts per field."""
    fields = [name for name, f in lengths.items() if f["words"]["histogram"]]
    fig = _figure_module()(figsize=(3.6 * max(1, len(fields)), 2.8))
    for ax, name in zip(fig.subplots(1, max(1, len(fields)), squeeze=False)[0], fields, strict=False):
        _bars(ax, lengths[name]["words"]["histogram"], "#4c78a8")
        ax.set_title(f"{name} (median {lengths[name]['words']['median']:g} words)", fontsize=10)
        ax.set_xlabel("words (last bar: the longest 1%)")
        if name == "chosen":
            ax.set_ylabel("pairs")
    return fig


def similarity_figure(similarity: dict[str, Any]) -> Any:
    """ROUGE-L histograms: to the nearest seed and to the nearest other row."""
    fig = _figure_module()(figsize=(10, 2.8))
    panels = (("nearest_seed", "to the nearest seed"), ("nearest_row", "to the nearest other row"))
    for ax, (key, title) in zip(fig.subplots(1, 2), panels, strict=True):
        figures = similarity[key]
        _bars(ax, figures, "#f58518")
        ax.axvline(similarity["threshold"], color="#b22222", linestyle="--", linewidth=1)
        sampled = f", {figures.get('rows_scored', 0):,} sampled rows" if figures.get("sampled") else ""
        ax.set_title(f"ROUGE-L {title}{sampled}", fontsize=10)
        ax.set_xlabel("ROUGE-L F (dashed: dedup threshold)")
        ax.set_xlim(0, 1)
    return fig


def verbs_figure(verbs: dict[str, Any]) -> Any:
    """The leading verbs (bars) split by their most common direct objects (Alpaca's chart)."""
    top = verbs["top"]
    fig = _figure_module()(figsize=(10, 0.3 * max(4, len(top)) + 1))
    ax = fig.subplots()
    names = [entry["verb"] for entry in top][::-1]
    ax.barh(names, [entry["count"] for entry in top][::-1], color="#d8d8d8", label="all objects")
    for y, entry in enumerate(top[::-1]):
        left = 0
        for k, (obj, count) in enumerate(entry["objects"]):
            ax.barh(y, count, left=left, color=("#54a24b", "#72b7b2", "#eeca3b", "#b279a2")[k % 4])
            if count > 0.06 * max(e["count"] for e in top):
                ax.text(left + count / 2, y, obj, ha="center", va="center", fontsize=7)
            left += count
    ax.set_xlabel("rows (coloured: the verb's 4 most common direct objects)")
    how = (
        "heuristic verb list: names and prepositions are not verbs"
        if verbs["parser"] == "heuristic"
        else "spaCy parse"
    )
    ax.set_title(f"Leading verbs and their direct objects ({how})", fontsize=10)
    return fig


def soft_targets_figure(soft: dict[str, Any]) -> Any | None:
    """Per-row histograms of the teacher's soft targets: mean token logprob and entropy."""
    panels = [(k, t) for k, t in (("mean_logprob", "mean token logprob"), ("entropy", "entropy (nats/token)"))
              if soft[k]["histogram"]]  # fmt: skip
    if not panels:
        return None
    fig = _figure_module()(figsize=(5 * len(panels), 2.8))
    for ax, (key, title) in zip(fig.subplots(1, len(panels), squeeze=False)[0], panels, strict=True):
        _bars(ax, soft[key]["histogram"], "#72b7b2")
        ax.set_title(f"{title} per row (median {soft[key]['median']:g})", fontsize=10)
        ax.set_xlabel(title)
    return fig


def preference_figure(lengths: dict[str, Any], preference: dict[str, Any] | None) -> Any | None:
    """Chosen against rejected answers: their lengths, and the judge's scores when known."""
    if "rejected" not in lengths or "chosen" not in lengths:
        return None
    fig = _figure_module()(figsize=(10 if preference else 5, 2.8))
    axes = fig.subplots(1, 2 if preference else 1, squeeze=False)[0]
    for name, color in (("chosen", "#54a24b"), ("rejected", "#e45756")):
        histogram = lengths[name]["words"]["histogram"]
        if histogram:
            axes[0].stairs(histogram["counts"], histogram["edges"], color=color, label=name)
    axes[0].set_title("words of the chosen and the rejected answers", fontsize=10)
    axes[0].set_xlabel("words")
    axes[0].set_ylabel("pairs")
    axes[0].legend(fontsize=8)
    if preference:
        scores = preference["scores"]
        axes[1].bar(
            [s - 0.2 for s in scores], preference["chosen"], width=0.4, color="#54a24b", label="chosen"
        )
        axes[1].bar(
            [s + 0.2 for s in scores], preference["rejected"], width=0.4, color="#e45756", label="rejected"
        )
        axes[1].set_xticks(scores)
        axes[1].set_title(f"judge scores of {preference['pairs']:,} pairs", fontsize=10)
        axes[1].set_xlabel("score")
        axes[1].legend(fontsize=8)
    return fig


def rejections_figure(run: dict[str, Any]) -> Any | None:
    """Candidates rejected during the runs, by reason (None when there were none)."""
    if not run["rejected"]:
        return None
    reasons = list(run["rejected"])[::-1]
    fig = _figure_module()(figsize=(8, 0.35 * len(reasons) + 1))
    ax = fig.subplots()
    ax.barh(reasons, [run["rejected"][r] for r in reasons], color="#e45756")
    ax.set_xlabel("candidates rejected")
    ax.set_title("Rejected during generation, by reason (run report)", fontsize=10)
    return fig


def render_html(stats: dict[str, Any]) -> str:
    """The whole page as a string."""
    title = f"synthgen stats: {Path(stats['file']).name}"
    sections = [
        ("Lengths", length_figure(stats["lengths"])),
        ("Similarity", similarity_figure(stats["similarity"])),
        ("Leading verbs", verbs_figure(stats["verbs"])),
    ]
    optional = [
        ("Chosen and rejected answers", lambda: preference_figure(stats["lengths"], stats.get("preference"))),
        (
            "Teacher soft targets",
            lambda: stats.get("soft_targets") and soft_targets_figure(stats["soft_targets"]),
        ),
        ("Rejections", lambda: stats["run"] and rejections_figure(stats["run"])),
    ]
    sections += [(heading, figure) for heading, make in optional if (figure := make())]
    body = [f"<h1>{html.escape(title)}</h1>"]
    for heading, figure in sections:
        body.append(f"<h2>{heading}</h2>\n<figure>{_svg(figure)}</figure>")
    body.append(f"<h2>All figures</h2>\n<pre>{html.escape(render_text(stats))}</pre>")
    body.append(f"<p><small>made by synthgen {html.escape(__version__)}</small></p>")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def write_html(path: Path, stats: dict[str, Any]) -> None:
    """Write the page atomically."""
    page = render_html(stats)
    with output_errors(path), atomic_writer(path) as handle:
        handle.write(page)


def require_matplotlib() -> None:
    """Fail early (before minutes of work) when the page cannot be drawn."""
    _figure_module()
