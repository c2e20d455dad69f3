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

import contextlib
import json
import time
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any, ClassVar

from synthgen.commands.card import write_run_card
from synthgen.commands.merge_output import MergedRows, Rule
from synthgen.commands.merge_report import margin_needed, merged_report, top_up_command
from synthgen.commands.shard_follow import ShardFollower, stop_on_sigterm
from synthgen.commands.shard_set import Candidate, ShardSet, find_shard_files, open_shards
from synthgen.config import MergeSettings
from synthgen.dedup.exact import normalize_key
from synthgen.errors import UsageError
from synthgen.exit_codes import OK, PARTIAL
from synthgen.io.beside import lock_path, meta_path, report_path, shard_folder
from synthgen.io.files import output_errors
from synthgen.io.guards import refuse_overwriting
from synthgen.io.lock import OutputLock
from synthgen.io.resume import check_output_path
from synthgen.io.seeds import load_seeds, seeds_digest
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


class KeepAll:
    """Recipes whose screens decide everything per answer: merging is ordering and the target."""

    def decide(self, line: str) -> str | None:
        return None

    def decide_all(self, lines: Iterable[str]) -> Generator[str | None, None, None]:
        return (None for _ in lines)


class SelfInstructRule:
    """``generate``'s global rule: exact key, then ROUGE-L against seeds and kept tasks; with
    ``workers`` >= 2, :meth:`decide_all` looks up in that many processes (same decisions)."""

    _REASONS: ClassVar[dict[str | None, str | None]] = {
        None: None,
        "exact": "duplicates_exact",
        "similar": "duplicates_similar",
    }

    def __init__(self, threshold: float, seeds: list[str], workers: int = 1) -> None:
        from synthgen.dedup.greedy import GreedyPool

        self.pool = GreedyPool(threshold, workers=workers, best_match=False)
        self.pool.rouge.extend(seeds)  # as generate's pool: seeds have no exact key of their own

    def decide(self, line: str) -> str | None:
        return self._REASONS[self.pool.decide_one(*_text_and_key(line)).reason]

    def decide_all(self, lines: Iterable[str]) -> Generator[str | None, None, None]:
        """:meth:`decide` on each line, in order (read ahead); once, after any :meth:`decide`."""
        with contextlib.closing(self.pool.decide(map(_text_and_key, lines))) as decisions:
            for decision in decisions:
                yield self._REASONS[decision.reason]


def _text_and_key(line: str) -> tuple[str, str]:
    row = json.loads(line)
    return row["instruction"], normalize_key(row["instruction"], row.get("input", ""))


def run_merge(settings: MergeSettings) -> MergeOutcome:
    """Merge the shards into ``settings.output``; UsageError (exit 2, nothing written) for bad input."""
    started = time.time()
    output = settings.output
    follower = None
    if settings.follow:  # the shards may not exist yet: those found are checked again at the end
        watched = settings.shards or [shard_folder(output)]
        follower = ShardFollower(watched, poll=settings.follow_poll, timeout=settings.follow_timeout)
    paths = follower.shard_files() if follower else find_shard_files(output, settings.shards)
    beside = [p for path in paths for p in (meta_path(path), report_path(path))]
    refuse_overwriting({"SHARD": [*paths, *beside]}, {"OUT": output}, beside=["OUT"])
    check_output_path(output)
    if output.exists() and not settings.overwrite:
        raise UsageError(f"{output} exists: pass --overwrite to replace it with the merged shards")
    lock = OutputLock(lock_path(output))
    lock.acquire()
    try:
        with output_errors(output), MergedRows(output) as rows:
            if follower is None:
                shards, followed = _merge(paths, settings, rows)
            else:
                shards, followed = _follow(follower, settings, rows)
            try:
                tally = rows.publish(shards, shards.first.info.get("num"), shards.covered_until())
            finally:
                shards.release()
    finally:
        lock.release()
    num = shards.first.info.get("num")
    short = None if num is None or tally["kept"] >= num else num - tally["kept"]
    covered = shards.covered_until() is None
    reached = short is None and (num is not None or covered)
    report = merged_report(shards, output, tally, started, reached=reached, follow=followed)
    with output_errors(report_path(output)):
        _write_report(output, report)
    write_run_card(output, settings.card)  # also when short: it describes the file as it is
    top_up = None if reached else top_up_command(shards.first, output, short)
    needed = None if short is None or num is None else margin_needed(shards, num, tally["kept"])
    return MergeOutcome(report, OK if reached else PARTIAL, short, top_up, needed)


def _merge(paths: list[Path], settings: MergeSettings, rows: MergedRows) -> tuple[ShardSet, None]:
    """Decide the shards' rows (every shard ended, checked and locked)."""
    shards = open_shards(paths)
    try:
        num, until = shards.first.info.get("num"), shards.covered_until()
        rows.take(shards.candidates(), _rule(shards.first.report, settings), num, until)
    except BaseException:
        shards.release()
        raise
    return shards, None


def _follow(
    follower: ShardFollower, settings: MergeSettings, rows: MergedRows
) -> tuple[ShardSet, dict[str, Any]]:
    """Decide the shards' rows while they are written; once every shard has ended, the checks
    of a merge, then the rest, or everything again when what was read is not what the shards hold."""
    rule: Rule | None = None
    num: int | None = None
    early = 0
    with stop_on_sigterm():
        for candidate in follower.follow():
            if rule is None:
                rule = _rule(follower.first_report, settings)
                num = _shard_info(follower.first_report).get("num")
            if not rows.full(num):
                rows.decide(candidate, rule)
                early += not follower.all_ended
    for path in follower.paths():
        reads = [path, meta_path(path), report_path(path)]
        refuse_overwriting({"SHARD": reads}, {"OUT": settings.output}, beside=["OUT"])
    shards = open_shards(follower.paths())
    try:
        num, until = shards.first.info.get("num"), shards.covered_until()
        rest = follower.rest(shards)
        if rest is not None and rule is not None:
            rest = _after(rest, rows.last_decided)
        same = rule is not None and follower.first_report.config_hash == shards.first.report.config_hash
        started_over = rest is None or not same or (until is not None and rows.last_decided >= until)
        decided = rows.last_decided >= 0
        if started_over:
            rows.restart()
            rule, rest = _rule(shards.first.report, settings), shards.candidates()
        assert rule is not None
        rows.take(rest, rule, num, until)
    except BaseException:
        shards.release()
        raise
    # started over: decisions were made and thrown away (not: nothing was decided before the end)
    return shards, {"rows_decided_while_shards_ran": early, "started_over": started_over and decided}


def _rule(report: RunReport, settings: MergeSettings) -> Rule:
    if _shard_info(report).get("merge") != "self-instruct":
        return KeepAll()
    recorded = report.config.get("seeds")
    path = settings.seeds or (Path(recorded) if recorded else default_seeds_path())
    if not path.is_file():
        raise UsageError(f"the shards' seed file {path} is not there: pass --seeds with the file they used")
    if seeds_digest(path) != report.content_config.get("seeds"):
        raise UsageError(
            f"--seeds {path}: not the seed file the shards used (its content differs): pass the one they used"
        )
    threshold = float(report.config["similarity_threshold"])
    return SelfInstructRule(threshold, [seed.instruction for seed in load_seeds(path)], settings.workers)


def _after(rest: Iterator[Candidate], last: int) -> Iterator[Candidate] | None:
    """``rest``, or None when it holds a request already decided (what was read was not final)."""
    first = next(rest, None)
    if first is None:
        return iter(())
    return None if first.request <= last else chain([first], rest)


def _shard_info(report: RunReport) -> dict[str, Any]:
    return dict((report.last_run.model_extra or {})["shard"])


def _write_report(output: Path, report: RunReport) -> None:
    from synthgen.io.files import atomic_writer

    with atomic_writer(report_path(output)) as handle:
        handle.write(report.to_json())
