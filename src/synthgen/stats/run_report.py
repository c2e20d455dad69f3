"""What the runs that made a dataset did, summed from its ``<FILE>.report.json``.

Read tolerantly: a key an older or newer report lacks counts as absent, not as an error,
so ``stats`` and ``card`` work on any synthgen report (and without one).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from synthgen.io.beside import meta_path, report_path
from synthgen.reports import RunReport


def load_report(dataset: Path) -> RunReport | None:
    """The run report beside ``dataset``, or None when there is none (or it is unreadable)."""
    return RunReport.read(report_path(dataset))


def summarize_runs(report: RunReport) -> dict[str, Any]:
    """Totals over every run recorded in ``report``: requests, tokens, cost, time, rejections."""
    runs = report.history()
    rejected: Counter[str] = Counter()
    totals: Counter[str] = Counter(prompt_tokens=0, completion_tokens=0)  # present when nothing was sent
    cost: float | None = None
    models: set[str] = set()
    metrics: Counter[str] = Counter()
    for run in runs:
        counts, usage = run.counts, run.usage
        rejected.update(counts.rejected)
        metrics.update(counts.metrics)
        for key in ("requests", "cached_responses", "failed_requests", "candidates", "kept"):
            totals[key] += getattr(counts, key)
        totals["duplicates_exact"] += counts.duplicates_exact
        totals["duplicates_similar"] += counts.duplicates_similar
        totals["requests_sent"] += usage.requests_sent
        totals["retries"] += usage.retries
        models.update(usage.by_model)
        totals["prompt_tokens"] += usage.prompt_tokens
        totals["completion_tokens"] += usage.completion_tokens
        if usage.cost_usd is not None:
            cost = (cost or 0.0) + usage.cost_usd
        totals["wall_seconds"] += run.wall_seconds
    last = runs[-1] if runs else None
    return {
        "runs": len(runs),
        "teacher": {
            "kind": report.teacher.kind,
            "model": report.teacher.model,
            "models_seen": sorted(models),
        },
        "synthgen_version": report.synthgen_version,
        "rejected": dict(rejected.most_common()),
        **{key: totals[key] for key in sorted(totals) if key != "wall_seconds"},
        "total_tokens": totals["prompt_tokens"] + totals["completion_tokens"],
        "cost_usd": None if cost is None else round(cost, 6),
        "wall_seconds": round(totals["wall_seconds"], 3),
        "metrics": dict(metrics),  # the recipes' own sums (pass@k, grades, tokens of traces)
        "last_stop": {
            "reason": last.stop_reason if last is not None else None,
            "exit_code": last.exit_code if last is not None else None,
        },
    }


def load_meta(dataset: Path, rows: int, *, needed: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """The meta file's lines beside ``dataset`` when it matches the data line for line, else
    none: figures are only taken from a meta file that certainly belongs to these rows.

    ``needed``: the keys the caller reads; when the file cannot hold any of them, none (its
    lines are not decoded: ~0.1 s for a 32K-row run's meta file, at the end of every run).
    """
    try:
        text = meta_path(dataset).read_text(encoding="utf-8")
        if needed and not _may_hold(text, needed):
            return []
        values = [json.loads(line) for line in text.splitlines() if line.strip()]
    except (OSError, ValueError):
        return []
    return values if len(values) == rows and all(isinstance(v, dict) for v in values) else []


def _may_hold(text: str, keys: tuple[str, ...]) -> bool:
    """Whether a JSON text may have one of ``keys`` as a key: written out, or escaped."""
    return "\\u" in text or any(f'"{key}"' in text for key in keys)
