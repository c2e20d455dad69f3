"""What a dataset card says: headline figures from the rows, provenance from the run report."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from synthgen.io.card import CardInfo
from synthgen.io.dataset_files import load_rows
from synthgen.io.shapes import triple_of
from synthgen.stats.compute import length_figures, verb_figures
from synthgen.stats.run_report import load_report, summarize_runs

__all__ = ["card_info", "headline_stats"]


def card_info(dataset: Path, language: list[str]) -> CardInfo:
    """A card for ``dataset``: headline figures from its rows, provenance from its run report."""
    loaded = load_rows(dataset, allow_torn=True)
    triples = [triple_of(loaded.shape, value) for value in loaded.values]
    report = load_report(dataset) or {}
    info = CardInfo(dataset=dataset, rows=len(triples), shape=loaded.shape, language=language)
    info.stats = headline_stats(
        lengths=length_figures(triples),
        verbs=verb_figures([t.instruction for t in triples], "heuristic"),
        with_input=sum(1 for t in triples if t.input.strip()),
        rows=len(triples),
    )
    if report:
        _add_provenance(info, report)
    return info


def headline_stats(
    *, lengths: dict[str, Any], verbs: dict[str, Any], with_input: int, rows: int
) -> dict[str, Any]:
    """The few figures a card shows: lengths, share with input, most common leading verbs."""
    figures: dict[str, Any] = {}
    for name in ("instruction", "input", "output"):
        words = lengths.get(name, {}).get("words", {})
        if words.get("median") is not None:
            figures[f"{name} words (median / p90)"] = f"{words['median']:g} / {words['p90']:g}"
    figures["rows with an input"] = f"{with_input:,} ({100 * with_input / max(rows, 1):.1f}%)"
    figures["most common leading verbs"] = ", ".join(e["verb"] for e in verbs["top"][:8]) or "-"
    return figures


def _add_provenance(info: CardInfo, report: dict[str, Any]) -> None:
    runs = summarize_runs(report)
    teacher = runs["teacher"]
    info.teacher_models = runs["teacher"]["models_seen"] or [m for m in [teacher["model"]] if m]
    kind = teacher["kind"]
    if kind == "mock":
        info.endpoint_kinds = ["synthgen's built-in mock teacher (offline, for testing)"]
    elif kind:
        urls = (report.get("teacher") or {}).get("base_urls") or []
        hosts = sorted({urlsplit(url).hostname or url for url in urls}) or ["api.openai.com (default)"]
        info.endpoint_kinds = [f"OpenAI-compatible HTTP API at {host}" for host in hosts]
    info.synthgen_version = runs["synthgen_version"] or info.synthgen_version
    info.config = report.get("config") or {}
    info.stats["teacher requests"] = f"{runs['requests_sent']:,} ({runs['cached_responses']:,} from cache)"
    info.stats["tokens (in / out)"] = f"{runs['prompt_tokens']:,} / {runs['completion_tokens']:,}"
    if runs["cost_usd"] is not None:
        info.stats["cost (USD)"] = f"{runs['cost_usd']:.4f}"
    rejected = ", ".join(f"{reason} {count:,}" for reason, count in runs["rejected"].items())
    info.stats["rejected during generation"] = rejected or "none"
    info.stats["near/exact duplicates dropped"] = (
        f"{runs['duplicates_similar']:,} / {runs['duplicates_exact']:,}"
    )
