"""The shards of one sharded run, checked and read back in the run's request order.

:func:`open_shards` refuses (one line, exit 2) anything that could make ``synthgen merge`` write
something other than what one process would have written: a shard missing from ``0..N-1``
(named), one still being written (its lock is held), one whose run did not finish, a torn or
altered shard file, shards of different configurations, seeds or shard counts.

What a shard covers: the requests it screened. Answers are screened in request order, so a
shard that ran out of requests (``plan_done``) covers all of its share, and any other covers
its requests up to the one of its last row (a later answer that brought no row cannot be told
from one never sent, so it is left out: the merge stops before it, as a single process would
stop short of its target there).
"""

from __future__ import annotations

import heapq
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synthgen.engine.shard import ShardLayout
from synthgen.errors import LockHeldError, UsageError
from synthgen.io.beside import (
    is_beside,
    lock_path,
    meta_path,
    report_path,
    shard_folder,
    shard_name,
    side_path,
)
from synthgen.io.lock import OutputLock
from synthgen.io.side_files import side_file_paths
from synthgen.reports import RunReport

__all__ = ["Candidate", "ShardFile", "ShardSet", "find_shard_files", "killed_shard", "open_shards"]

PATTERN = "shard-*-of-*.jsonl"
_NAME = re.compile(r"shard-\d+-of-\d+\.jsonl")  # PATTERN's "*" also matches the files beside one


@dataclass(frozen=True)
class ShardFile:
    path: Path
    report: RunReport
    layout: ShardLayout
    rows: int
    last_request: int | None  # local number of its last row's request (None: no row)

    @property
    def info(self) -> dict[str, Any]:
        return dict((self.report.last_run.model_extra or {})["shard"])

    @property
    def covers_all(self) -> bool:
        return self.report.last_run.stop_reason == "plan_done"

    def first_uncovered(self) -> int | None:
        """The run's number of this shard's first request not covered (None: all are)."""
        if self.covers_all:
            return None
        after = 0 if self.last_request is None else self.last_request + 1
        return self.layout.global_request(after)


@dataclass(frozen=True)
class Candidate:
    """A row of a shard, under the run's request number, with its meta line (as read)."""

    request: int
    line: str  # the row's JSON line, newline included: written as is
    meta: dict[str, Any]


@dataclass
class ShardSet:
    """Every shard of one run, locked while read (no shard run can start meanwhile)."""

    shards: list[ShardFile]
    locks: list[OutputLock]

    @property
    def first(self) -> ShardFile:
        return self.shards[0]

    def covered_until(self) -> int | None:
        """The first request of the run that some shard does not cover (None: all covered)."""
        ends = [end for shard in self.shards if (end := shard.first_uncovered()) is not None]
        return min(ends, default=None)

    def candidates(self) -> Iterator[Candidate]:
        """Every row of every shard, in the run's request order (within a request, as written)."""
        streams = [_rows(shard) for shard in self.shards]
        return heapq.merge(*streams, key=lambda c: c.request)

    def side_names(self) -> list[str]:
        """The side files (``unsolved``, ``rejected``, ...) some shard wrote."""
        names = {
            path.name[len(s.path.name) + 1 : -len(".jsonl")]
            for s in self.shards
            for path in side_file_paths(s.path)
        }
        return sorted(names)

    def side_rows(self, name: str) -> Iterator[tuple[int, dict[str, Any]]]:
        """(the run's request number, row) of every shard's side file ``name``, in request order."""
        streams = [_side_rows(shard, name) for shard in self.shards]
        return heapq.merge(*streams, key=lambda pair: pair[0])

    def release(self) -> None:
        for lock in self.locks:
            lock.release()


def find_shard_files(output: Path, given: list[Path]) -> list[Path]:
    """The shard files named, or found in the folders named (default: OUT.shards/)."""
    found: list[Path] = []
    for path in given or [shard_folder(output)]:
        if path.is_dir():
            files = sorted(p for p in path.glob(PATTERN) if _NAME.fullmatch(p.name))
            if not files:
                raise UsageError(f"{path}: no shard files ({PATTERN}) in this folder")
            found += files
        elif path.is_file():
            found.append(path)
        else:
            raise UsageError(f"{path}: no such shard file or folder")
    found = list(dict.fromkeys(found))
    # `OUT.shards/*` names the files beside each shard too: those are read with their shard
    return [p for p in found if not any(q != p and is_beside(p.name, q.name) for q in found)]


def open_shards(paths: list[Path]) -> ShardSet:
    """Check the shards (see the module docstring) and lock them; UsageError otherwise."""
    locks: list[OutputLock] = []
    try:
        shards = [_open(path, locks) for path in paths]
        _same_run(shards)
    except BaseException:
        for lock in locks:
            lock.release()
        raise
    shards.sort(key=lambda s: s.layout.index)
    return ShardSet(shards, locks)


def _open(path: Path, locks: list[OutputLock]) -> ShardFile:
    lock = OutputLock(lock_path(path))
    try:
        lock.acquire()
    except LockHeldError:
        holder = lock_path(path).read_text(errors="replace").strip() or "unknown"
        raise UsageError(
            f"{path}: this shard is still running (PID {holder} holds its lock): wait for it"
        ) from None
    locks.append(lock)
    report = _report(path)
    run = report.last_run
    if run.stop_reason == "running":
        raise killed_shard(path)
    info = (run.model_extra or {})["shard"]
    rows, last_line = _complete_lines(path), _last_line(meta_path(path))
    if rows != report.examples or _complete_lines(meta_path(path)) != rows:
        raise UsageError(
            f"{path}: torn or altered ({rows} rows, its report says {report.examples}): "
            "run the shard again to repair it"
        )
    layout = ShardLayout(int(info["index"]), int(info["count"]), int(info.get("group", 1)))
    last = json.loads(last_line)["request"] if last_line else None
    return ShardFile(path, report, layout, rows, last)


def killed_shard(path: Path) -> UsageError:
    """The error for a shard whose run was stopped and not run again."""
    return UsageError(
        f"{path}: this shard's run did not finish (killed?): run the same command again to finish it"
    )


def _report(path: Path) -> RunReport:
    where = report_path(path)
    if not where.exists():
        raise UsageError(f"{path}: no shard report beside it ({where.name}): not a shard's file")
    report = RunReport.read(where)
    if report is None:
        raise UsageError(f"{path}: its report {where.name} is not a synthgen report")
    if not isinstance((report.last_run.model_extra or {}).get("shard"), dict):
        raise UsageError(f"{path}: not a shard's file (its report names no shard; made without --shard?)")
    return report


def _complete_lines(path: Path) -> int:
    """Newlines in ``path``; UsageError if its last line is cut (a torn file)."""
    count, last = 0, b"\n"
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            count += block.count(b"\n")
            last = block[-1:]
    if last != b"\n":
        raise UsageError(f"{path}: torn (its last line is cut): run the shard again to repair it")
    return count


def _last_line(path: Path) -> str | None:
    with path.open("rb") as handle:
        handle.seek(0, 2)
        size = handle.tell()
        handle.seek(max(0, size - 65536))
        lines = handle.read().splitlines()
    return lines[-1].decode() if lines else None


def _same_run(shards: list[ShardFile]) -> None:
    """Shards of one run: one configuration, one shard count and grouping, one target, no gaps."""
    first = shards[0]
    for shard in shards[1:]:
        if shard.report.config_hash != first.report.config_hash:
            old, new = first.report.content_config, shard.report.content_config
            changed = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k)) or ["unknown"]
            raise UsageError(
                f"{shard.path} and {first.path} were made with different configurations "
                f"(changed: {', '.join(changed)}): merge shards of one run"
            )
        for key in ("count", "group", "num"):
            if shard.info.get(key) != first.info.get(key):
                raise UsageError(
                    f"{shard.path} and {first.path} are shards of different runs "
                    f"({key} {shard.info.get(key)} vs {first.info.get(key)}): merge shards of one run"
                )
    count = first.layout.count
    seen: dict[int, Path] = {}
    for shard in shards:
        if shard.layout.index in seen:
            raise UsageError(
                f"{shard.path} and {seen[shard.layout.index]} are both shard {shard.layout.index}"
            )
        seen[shard.layout.index] = shard.path
    missing = [i for i in range(count) if i not in seen]
    if missing:
        raise UsageError(
            f"missing shard {missing[0]} of {count} ({first.path.parent / shard_name(missing[0], count)}"
            + (f"; {len(missing)} shards missing in all" if len(missing) > 1 else "")
            + ")"
        )


def _rows(shard: ShardFile) -> Iterator[Candidate]:
    layout = shard.layout
    with shard.path.open(encoding="utf-8") as rows, meta_path(shard.path).open(encoding="utf-8") as metas:
        for line, meta_line in zip(rows, metas, strict=True):
            meta = json.loads(meta_line)
            yield Candidate(layout.global_request(meta["request"]), line, meta)


def _side_rows(shard: ShardFile, name: str) -> Iterator[tuple[int, dict[str, Any]]]:
    path = side_path(shard.path, name)
    if not path.exists():
        return
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            row["_request"] = number = shard.layout.global_request(row["_request"])
            yield number, row
