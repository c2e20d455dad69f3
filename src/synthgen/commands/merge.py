"""``synthgen merge OUT [SHARD|FOLDER]...``: a sharded run's shards joined into its output.

The shards' rows are read in the run's request order (:mod:`synthgen.commands.shard_set`) and
the run's global decisions are made on them, as one process makes them on its answers: for
``generate``, a task is dropped when its exact key is a kept task's or its ROUGE-L F against the
seeds or any earlier kept task is above the threshold; every recipe stops at ``--num`` rows.
For recipes whose requests do not depend on the rows kept (all but ``generate
--mix-generated``, which ``--shard`` refuses), ``OUT`` and ``OUT.meta.jsonl`` are then the bytes
one process writes with the same configuration and the same teacher answers. The report sums
the shards' usage, costs and counts (see :mod:`synthgen.commands.merge_report`).

The merge stops early where some shard stopped (its requests after its last row are not
covered): the rows still missing are said, with the command that tops the output up.
Everything is checked before anything is written; the output files are written to temporary
twins and renamed into place at the end.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from synthgen.commands.card import write_run_card
from synthgen.commands.merge_report import margin_needed, merged_report, top_up_command
from synthgen.commands.shard_set import ShardSet, find_shard_files, open_shards
from synthgen.config import MergeSettings
from synthgen.dedup.exact import ExactIndex, normalize_key
from synthgen.engine.shard import SHARD_PASS
from synthgen.errors import UsageError
from synthgen.exit_codes import OK, PARTIAL
from synthgen.io.beside import lock_path, meta_path, report_path, side_path, temp_twin
from synthgen.io.files import dumps_line, fsync, fsync_dir, output_errors
from synthgen.io.guards import refuse_overwriting
from synthgen.io.lock import OutputLock
from synthgen.io.resume import check_output_path
from synthgen.io.seeds import load_seeds, seeds_digest
from synthgen.io.side_files import side_file_paths
from synthgen.reports import RunReport
from synthgen.resources import default_seeds_path

__all__ = ["MergeOutcome", "run_merge"]


@dataclass(frozen=True)
class MergeOutcome:
    report: RunReport
    exit_code: int
    short: int | None  # rows the target still wants (None: no target, or met)
    top_up: str | None  # the command that tops the output up, when short
    margin_needed: float | None = None  # the --shard-margin that would have sufficed, when short


class Rule(Protocol):
    def decide(self, line: str) -> str | None:
        """Why the row (its JSON line) is not kept, or None: it is kept (and pooled)."""
        ...


class KeepAll:
    """Recipes whose screens decide everything per answer: merging is ordering and the target."""

    def decide(self, line: str) -> str | None:
        return None


class SelfInstructRule:
    """``generate``'s global rule: exact key, then ROUGE-L against seeds and kept tasks."""

    def __init__(self, threshold: float, seeds: list[str]) -> None:
        from synthgen.dedup.rouge_index import RougeIndex

        self.rouge = RougeIndex(threshold)
        self.rouge.extend(seeds)
        self.exact = ExactIndex()

    def decide(self, line: str) -> str | None:
        import json

        row = json.loads(line)
        key = normalize_key(row["instruction"], row.get("input", ""))
        if self.exact.seen(key):
            return "duplicates_exact"
        if self.rouge.check_and_add(row["instruction"]) is not None:
            return "duplicates_similar"
        self.exact.add(key)
        return None


def run_merge(settings: MergeSettings) -> MergeOutcome:
    """Merge the shards into ``settings.output``; UsageError (exit 2, nothing written) for bad input."""
    started = time.time()
    output = settings.output
    paths = find_shard_files(output, settings.shards)
    beside = [p for path in paths for p in (meta_path(path), report_path(path))]
    refuse_overwriting({"SHARD": [*paths, *beside]}, {"OUT": output}, beside=["OUT"])
    check_output_path(output)
    if output.exists() and not settings.overwrite:
        raise UsageError(f"{output} exists: pass --overwrite to replace it with the merged shards")
    lock = OutputLock(lock_path(output))
    lock.acquire()
    try:
        shards = open_shards(paths)
        try:
            rule = _rule(shards, settings)
            tally = _write(shards, rule, output)
        finally:
            shards.release()
    finally:
        lock.release()
    num = shards.first.info.get("num")
    short = None if num is None or tally["kept"] >= num else num - tally["kept"]
    covered = shards.covered_until() is None
    reached = short is None and (num is not None or covered)
    report = merged_report(shards, output, tally, started, reached=reached)
    with output_errors(report_path(output)):
        _write_report(output, report)
    write_run_card(output, settings.card)  # also when short: it describes the file as it is
    top_up = None if reached else top_up_command(shards.first, output, short)
    needed = None if short is None or num is None else margin_needed(shards, num, tally["kept"])
    return MergeOutcome(report, OK if reached else PARTIAL, short, top_up, needed)


def _rule(shards: ShardSet, settings: MergeSettings) -> Rule:
    if shards.first.info.get("merge") != "self-instruct":
        return KeepAll()
    report = shards.first.report
    recorded = report.config.get("seeds")
    path = settings.seeds or (Path(recorded) if recorded else default_seeds_path())
    if not path.is_file():
        raise UsageError(f"the shards' seed file {path} is not there: pass --seeds with the file they used")
    if seeds_digest(path) != report.content_config.get("seeds"):
        raise UsageError(
            f"--seeds {path}: not the seed file the shards used (its content differs): pass the one they used"
        )
    threshold = float(report.config["similarity_threshold"])
    return SelfInstructRule(threshold, [seed.instruction for seed in load_seeds(path)])


def _write(shards: ShardSet, rule: Rule, output: Path) -> Counter[str]:
    """Write the kept rows, their meta lines and the side files to temporary twins, then rename
    them over OUT's (meta before data, as the writer does)."""
    num = shards.first.info.get("num")
    until = shards.covered_until()
    tally: Counter[str] = Counter()
    finals = [meta_path(output), output]  # written to temporary twins, renamed in this order
    with output_errors(output):
        output.parent.mkdir(parents=True, exist_ok=True)
        try:
            with _open(finals[0]) as meta, _open(finals[1]) as data:
                for candidate in shards.candidates():
                    if (until is not None and candidate.request >= until) or (
                        num is not None and tally["kept"] >= num
                    ):
                        break
                    reason = rule.decide(candidate.line)
                    if reason is not None:
                        tally[reason] += 1
                        continue
                    meta.write(dumps_line(_meta_line(tally["kept"], candidate.request, candidate.meta)))
                    data.write(candidate.line)
                    tally["kept"] += 1
                    tally["last_request"] = candidate.request
            # Side rows go as far as the verdicts one process writes: up to the answer that met
            # the target (later answers are not written), else up to the first uncovered request.
            end = tally["last_request"] + 1 if num is not None and tally["kept"] >= num else until
            for name in shards.side_names():
                finals.insert(0, side_path(output, name))
                with _open(finals[0]) as side:
                    for request, row in shards.side_rows(name):
                        if end is not None and request >= end:
                            break
                        side.write(dumps_line(row))
            for stale in set(side_file_paths(output)) - set(finals):  # an older OUT's (--overwrite)
                stale.unlink()
            for final in finals:
                with temp_twin(final).open("rb") as handle:
                    fsync(handle.fileno())
                os.replace(temp_twin(final), final)
            fsync_dir(output.parent)
        finally:
            for final in finals:
                temp_twin(final).unlink(missing_ok=True)
    tally["rows_read"] = sum(shard.rows for shard in shards.shards)
    return tally


def _meta_line(index: int, request: int, meta: dict[str, Any]) -> dict[str, Any]:
    """The meta line one process writes: its row number, the run's request number, the rest as written."""
    rest = {k: v for k, v in meta.items() if k not in ("index", "request", SHARD_PASS)}
    return {"index": index, "request": request, **rest}


def _write_report(output: Path, report: RunReport) -> None:
    from synthgen.io.files import atomic_writer

    with atomic_writer(report_path(output)) as handle:
        handle.write(report.to_json())


def _open(final: Path) -> IO[str]:
    """``final``'s temporary twin, for writing JSON Lines."""
    return temp_twin(final).open("w", encoding="utf-8", newline="\n")
