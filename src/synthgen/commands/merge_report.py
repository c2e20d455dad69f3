"""The report of a merged run, and the command that tops a short one up.

The report has the shape of a single run's (:func:`synthgen.engine.report.build_report`), so
that ``stats``, ``card`` and a later run on ``OUT`` (``--add``, resuming) read it as one: the
configuration and its hash are the shards' (a top-up run must match them), ``--shard`` aside.
Its one history entry sums every run of every shard: usage, cost, CPU and counts; the merge's
own decisions replace the shards' estimates (``kept``, ``duplicates_similar``), and the rows
the merge did not reach are ``unused_after_target``, so that, as in any report::

    candidates == kept + sum(rejected) + duplicates_exact + duplicates_similar + unused_after_target
"""

from __future__ import annotations

import math
import shlex
import time
from collections import Counter
from pathlib import Path
from typing import Any

from synthgen import __version__
from synthgen.commands.shard_set import ShardFile, ShardSet
from synthgen.config.shard import MAX_SHARD_MARGIN
from synthgen.exit_codes import OK, PARTIAL
from synthgen.reports import RunEntry, RunReport

__all__ = ["margin_needed", "merged_report", "sum_figures", "top_up_command"]

SHARD_OPTIONS = ("--shard", "--shards", "--shard-margin")
DROPPED_FOR_TOP_UP = ("--num", "-n", "--overwrite", *SHARD_OPTIONS)
TAKES_VALUE = ("--shard", "--shards", "--shard-margin", "--num", "-n", "-o", "--output")


def merged_report(
    shards: ShardSet,
    output: Path,
    tally: Counter[str],
    started: float,
    *,
    reached: bool,
    follow: dict[str, Any] | None = None,
) -> RunReport:
    """``follow``: how a ``--follow`` merge went (rows decided while the shards ran, whether it
    had to start over), recorded as the run's ``follow``."""
    first = shards.first.report
    runs = [run.model_dump(mode="json") for shard in shards.shards for run in shard.report.history()]
    counts = sum_figures([run.get("counts", {}) for run in runs])
    counts["kept"] = tally["kept"]
    counts["duplicates_exact"] = counts.get("duplicates_exact", 0) + tally["duplicates_exact"]
    counts["duplicates_similar"] = tally["duplicates_similar"]
    decided = tally["kept"] + tally["duplicates_exact"] + tally["duplicates_similar"]
    counts["unused_after_target"] = counts.get("unused_after_target", 0) + tally["rows_read"] - decided
    this_run = RunEntry.model_validate(
        {
            "merged_shards": [_shard_entry(shard) for shard in shards.shards],
            "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
            "wall_seconds": round(time.time() - started, 3),
            "shards_wall_seconds": round(sum(run.get("wall_seconds", 0) for run in runs), 3),
            "stop_reason": "target" if reached else "shards_short",
            "exit_code": OK if reached else PARTIAL,
            "counts": counts,
            "usage": sum_figures([run.get("usage", {}) for run in runs]),
            "cpu_seconds": sum_figures([run.get("cpu_seconds", {}) for run in runs]),
            "synthgen_version": __version__,
            **({} if follow is None else {"follow": follow}),
        }
    )
    return RunReport(
        synthgen_version=__version__,
        output=str(output),
        examples=tally["kept"],
        teacher=first.teacher,
        config_hash=first.config_hash,
        content_config=first.content_config,
        config={k: v for k, v in first.config.items() if k not in ("shard", "shards")},
        last_run=this_run,
        runs=[this_run],
    )


def _shard_entry(shard: ShardFile) -> dict[str, Any]:
    return {"file": str(shard.path), "index": shard.layout.index, "rows": shard.rows}


def sum_figures(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Numbers summed key by key, nested tables too (a key missing from a part counts 0; a
    figure that is None everywhere stays None, e.g. a cost without prices)."""
    total: dict[str, Any] = {}
    for part in parts:
        for key, value in part.items():
            if isinstance(value, dict):
                total[key] = sum_figures([total.get(key) or {}, value])
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                total[key] = round((total.get(key) or 0) + value, 6)
            else:
                total.setdefault(key, value)
    return total


def top_up_command(shard: ShardFile, output: Path, short: int | None) -> str:
    """A shard's command line with ``--shard`` dropped, ``-o OUT`` and ``--add`` the rows short
    (without a target: the same command, which resumes OUT to the end of its input)."""
    words = shlex.split(shard.info.get("command") or "synthgen ...")
    kept: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
            continue
        name = word.split("=", 1)[0]
        if name in DROPPED_FOR_TOP_UP or name in ("-o", "--output"):
            skip = name in TAKES_VALUE and "=" not in word
            continue
        kept.append(word)
    kept += ["-o", str(output)]
    if "--config" in kept or "-c" in kept or any(w.startswith("--config=") for w in kept):
        kept += ["--shard", "none"]  # the config file may shard it again
    if short is not None:
        kept += ["--add", str(short)]
    return shlex.join(kept)


def margin_needed(shards: ShardSet, num: int, kept: int) -> float | None:
    """The ``--shard-margin`` that would have brought ``num`` rows at the yield this merge saw,
    when every shard met its target (otherwise a shard that stopped early explains the rows
    short): the shards counted ``num * (1 + margin)`` rows and ``kept`` of them survived, so the
    margin wanted is ``(1 + margin) * num / kept - 1``, rounded up to a hundredth (None: unknown,
    or above what the option takes)."""
    margin = shards.first.info.get("margin")
    met = all(shard.report.last_run.stop_reason == "target" for shard in shards.shards)
    if not met or not isinstance(margin, (int, float)) or kept <= 0:
        return None
    needed = math.ceil(((1 + margin) * num / kept - 1) * 100) / 100
    return needed if needed <= MAX_SHARD_MARGIN else None
