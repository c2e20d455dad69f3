"""What the runs that made a dataset did, summed from its ``<FILE>.report.json``.

Read tolerantly: a key an older or newer report lacks counts as absent, not as an error,
so ``stats`` and ``card`` work on any synthgen report (and without one).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from synthgen.io.beside import report_path


def load_report(dataset: Path) -> dict[str, Any] | None:
    """The run report beside ``dataset``, or None when there is none (or it is unreadable)."""
    path = report_path(dataset)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def summarize_runs(report: dict[str, Any]) -> dict[str, Any]:
    """Totals over every run recorded in ``report``: requests, tokens, cost, time, rejections."""
    runs = report.get("runs") or ([report["last_run"]] if isinstance(report.get("last_run"), dict) else [])
    rejected: Counter[str] = Counter()
    totals: Counter[str] = Counter(prompt_tokens=0, completion_tokens=0)  # present when nothing was sent
    cost: float | None = None
    models: set[str] = set()
    metrics: Counter[str] = Counter()
    for run in runs:
        counts, usage = run.get("counts", {}), run.get("usage", {})
        rejected.update({k: int(v) for k, v in (counts.get("rejected") or {}).items()})
        metrics.update(
            {k: v for k, v in (counts.get("metrics") or {}).items() if isinstance(v, (int, float))}
        )
        for key in ("requests", "cached_responses", "failed_requests", "candidates", "kept"):
            totals[key] += int(counts.get(key) or 0)
        totals["duplicates_exact"] += int(counts.get("duplicates_exact") or 0)
        totals["duplicates_similar"] += int(counts.get("duplicates_similar") or 0)
        totals["requests_sent"] += int(usage.get("requests_sent") or 0)
        totals["retries"] += int(usage.get("retries") or 0)
        for model, use in (usage.get("by_model") or {}).items():
            models.add(model)
            totals["prompt_tokens"] += int(use.get("prompt_tokens") or 0)
            totals["completion_tokens"] += int(use.get("completion_tokens") or 0)
        if usage.get("cost_usd") is not None:
            cost = (cost or 0.0) + float(usage["cost_usd"])
        totals["wall_seconds"] += float(run.get("wall_seconds") or 0.0)
    teacher = report.get("teacher") or {}
    last = runs[-1] if runs else {}
    return {
        "runs": len(runs),
        "teacher": {
            "kind": teacher.get("kind"),
            "model": teacher.get("model"),
            "models_seen": sorted(models),
        },
        "synthgen_version": report.get("synthgen_version"),
        "rejected": dict(rejected.most_common()),
        **{key: totals[key] for key in sorted(totals) if key != "wall_seconds"},
        "total_tokens": totals["prompt_tokens"] + totals["completion_tokens"],
        "cost_usd": None if cost is None else round(cost, 6),
        "wall_seconds": round(totals["wall_seconds"], 3),
        "metrics": dict(metrics),  # the recipes' own sums (pass@k, grades, tokens of traces)
        "last_stop": {"reason": last.get("stop_reason"), "exit_code": last.get("exit_code")},
    }
