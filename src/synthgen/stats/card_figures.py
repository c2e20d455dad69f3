"""What a dataset card says: headline figures from the rows, provenance from the run report,
and what the meta file beside the data knows (verification flags, judge grades).

Every figure is about the rows in the file: a ``respond --keep all`` file says how many of its
answers were verified and which were not, a judged file its threshold and its scores, a file of
instructions without answers says so.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from synthgen.io.beside import published_beside
from synthgen.io.card import CardInfo
from synthgen.io.dataset_files import load_rows
from synthgen.io.shapes import triple_of
from synthgen.reports import RunReport
from synthgen.stats.run_report import load_meta, load_report, summarize_runs
from synthgen.stats.verbs import heuristic_verb
from synthgen.stats.words import word_quantiles

__all__ = ["card_info", "headline_stats"]

INSTRUCTIONS_ONLY = (
    "Instructions only: these rows hold tasks and no answers (evolve or generate --mode "
    "instructions output). Answer them (synthgen respond) before training on them."
)
# A file under the Hub's download cache names the dataset it came from.
_HUB_CACHE_PATH = re.compile(r"datasets--([^/\\]+)--([^/\\]+)[/\\]")


def card_info(
    dataset: Path,
    language: list[str],
    *,
    license: str | None = None,
    pretty_name: str | None = None,
    sources: list[str] | None = None,
) -> CardInfo:
    """A card for ``dataset``: headline figures from its rows, provenance from its run report."""
    loaded = load_rows(dataset, allow_torn=True)
    triples = [triple_of(loaded.shape, value) for value in loaded.values]
    report = load_report(dataset)
    info = CardInfo(
        dataset=dataset, rows=len(triples), shape=loaded.shape, language=language, license=license,
        pretty_name=pretty_name, source_datasets=[*(sources or []), *_named_inputs(report)],
    )  # fmt: skip
    answered = any(t.output.strip() for t in triples)
    info.stats = headline_stats(
        lengths=word_quantiles(triples),
        verbs=_leading_verbs([t.instruction for t in triples]),
        with_input=sum(1 for t in triples if t.input.strip()),
        rows=len(triples),
    )
    if not answered:
        info.stats.pop("output words (median / p90)", None)
        info.stats["answers"] = "none (instructions only)"
        info.notes.append(INSTRUCTIONS_ONLY)
    if report is not None:
        _add_provenance(info, report)
        info.batch = batch_figures(report)
    info.files = [path.name for path in published_beside(dataset)]
    meta = load_meta(dataset, len(triples), needed=("verified", "score"))
    _add_verification(info, meta, report)
    _add_grades(info, meta, report)
    return info


def headline_stats(
    *, lengths: dict[str, Any], verbs: dict[str, Any], with_input: int, rows: int
) -> dict[str, Any]:
    """The few figures a card shows: lengths, share with input, most common leading verbs."""
    figures: dict[str, Any] = {}
    for name in ("instruction", "prompt", "input", "output", "chosen", "rejected"):
        words = lengths.get(name, {}).get("words", {})
        if words.get("median") is not None:
            figures[f"{name} words (median / p90)"] = f"{words['median']:g} / {words['p90']:g}"
    figures["rows with an input"] = f"{with_input:,} ({100 * with_input / max(rows, 1):.1f}%)"
    how = "by a heuristic verb list" if verbs["parser"] == "heuristic" else "by a spaCy parse"
    share = 100 * verbs["with_verb"]["share"]
    figures[f"most common leading verbs ({how})"] = (
        ", ".join(e["verb"] for e in verbs["top"][:8]) + f" ({share:.1f}% of rows start with one)"
        if verbs["top"]
        else "-"
    )
    return figures


def _leading_verbs(instructions: list[str]) -> dict[str, Any]:
    """What :func:`headline_stats` reads of ``synthgen stats``' verb figures (heuristic parser):
    the leading verbs only (no objects, no numpy: a card is written at the end of every run)."""
    verbs = Counter(verb for verb in map(heuristic_verb, instructions) if verb)
    rows = len(instructions)
    return {
        "parser": "heuristic",
        "with_verb": {"share": round(sum(verbs.values()) / rows, 4) if rows else 0.0},
        "top": [{"verb": verb} for verb, _ in verbs.most_common(8)],
    }


def _add_provenance(info: CardInfo, report: RunReport) -> None:
    runs = summarize_runs(report)
    teacher = runs["teacher"]
    info.teacher_models = runs["teacher"]["models_seen"] or [m for m in [teacher["model"]] if m]
    kind = teacher["kind"]
    if kind == "mock":
        info.endpoint_kinds = ["synthgen's built-in mock teacher (offline, for testing)"]
    elif kind:
        urls = report.teacher.base_urls
        hosts = sorted({urlsplit(url).hostname or url for url in urls}) or ["api.openai.com (default)"]
        info.endpoint_kinds = [f"OpenAI-compatible HTTP API at {host}" for host in hosts]
    info.synthgen_version = runs["synthgen_version"] or info.synthgen_version
    info.config = report.config
    info.stats["teacher requests"] = f"{runs['requests_sent']:,} ({runs['cached_responses']:,} from cache)"
    info.stats["tokens (in / out)"] = f"{runs['prompt_tokens']:,} / {runs['completion_tokens']:,}"
    if runs["cost_usd"] is not None:
        info.stats["cost (USD)"] = f"{runs['cost_usd']:.4f}"
    rejected = ", ".join(f"{reason} {count:,}" for reason, count in runs["rejected"].items())
    info.stats["rejected during generation"] = rejected or "none"
    info.stats["near/exact duplicates dropped"] = (
        f"{runs['duplicates_similar']:,} / {runs['duplicates_exact']:,}"
    )
    last = runs["last_stop"]
    if last["exit_code"] not in (0, None):
        info.notes.append(
            f"The last run stopped early ({last['reason']}, exit code {last['exit_code']}): the "
            "file holds the rows kept until then."
        )


def batch_figures(report: RunReport) -> dict[str, str]:
    """The card's Batch API figures (none when no run used ``--batch``): how many batches,
    requests answered by them and sent live, their cost at the batch price."""
    runs = report.history()
    batched = [run for run in runs if run.batch is not None]
    if not batched:
        return {}
    ids = {i for run in batched for i in run.batch.batches if i}  # type: ignore[union-attr]
    answered = sum(
        model.requests for run in batched for use in _usages(run) for model in use.by_model.values()
    )
    live = sum(u.requests_sent for run in runs if run.batch is None for u in _usages(run))
    costs = [u.cost_usd for run in batched for u in _usages(run) if u.cost_usd is not None]
    figures = {
        "batches": f"{len(ids):,}",
        "requests answered in batches / sent live": f"{answered:,} / {live:,}",
        "cost at the batch price (USD)": f"{sum(costs):.4f}" if costs else "price unknown",
    }
    waited = [run.batch.seconds_from_first_submission for run in batched if run.batch]  # type: ignore[union-attr]
    if any(w is not None for w in waited):
        figures["first submission to last collection"] = _duration(max(w for w in waited if w is not None))
    return figures


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min" if seconds < 7200 else f"{seconds / 3600:.1f} h"


def _usages(run: Any) -> list[Any]:
    """A run's usage figures: its teacher's, and its inline judge's."""
    return [u for u in (run.usage, run.judge_usage) if u is not None]


def _add_verification(info: CardInfo, meta: list[dict[str, Any]], report: RunReport | None) -> None:
    flags = [m["verified"] for m in meta if isinstance(m.get("verified"), bool)]
    if not flags or len(flags) != len(meta):
        return
    wrong = flags.count(False)
    info.stats["verified answers"] = (
        f"all {len(flags):,}"
        if not wrong
        else f"{len(flags) - wrong:,} of {len(flags):,} ({wrong:,} not verified: kept, flagged "
        "verified=false in the meta file)"
    )
    metrics = summarize_runs(report)["metrics"] if report is not None else {}
    problems = metrics.get("rows_verified") or 0
    rates = sorted(
        (int(key[5:-4]), value / problems)
        for key, value in metrics.items()
        if problems and re.fullmatch(r"pass@\d+_sum", key)
    )
    if rates:
        names = " / ".join(f"pass@{k}" for k, _ in rates)
        info.stats[f"{names} ({problems:,} problems)"] = " / ".join(f"{rate:.3f}" for _, rate in rates)


def _add_grades(info: CardInfo, meta: list[dict[str, Any]], report: RunReport | None) -> None:
    scores = [m["score"] for m in meta if isinstance(m.get("score"), int)]
    if not scores:
        return
    threshold = None if report is None else report.config.get("min_score")
    if isinstance(threshold, int):
        info.stats["judge threshold"] = f"score >= {threshold} (1-10): lower-scored rows were not kept"
    counts = Counter(scores)
    info.stats["scores of these rows"] = ", ".join(f"{s}: {counts[s]:,}" for s in sorted(counts))
    metrics = summarize_runs(report)["metrics"] if report is not None else {}
    graded = {int(k[6:]): v for k, v in metrics.items() if re.fullmatch(r"score_\d+", k)}
    if graded and sum(graded.values()) != len(scores):
        info.stats["scores of every graded answer"] = ", ".join(f"{s}: {graded[s]:,}" for s in sorted(graded))


def _named_inputs(report: RunReport | None) -> list[str]:
    """``extended|owner/name`` for an input read from the Hub's download cache."""
    config = {} if report is None else report.config
    found = _HUB_CACHE_PATH.search(str(config.get("input") or ""))
    return [f"extended|{found.group(1)}/{found.group(2)}"] if found else []
