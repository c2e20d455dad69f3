"""``synthgen merge --follow``: the shards of a sharded run, read while they are written.

A shard writes its answers in request order, each answer's meta lines before its data lines
(:class:`synthgen.io.writer.DatasetWriter`): a data line on disk always has its meta line, and a
``kill -9`` leaves at most a cut last line (cut again by the rerun that resumes the shard) or
meta lines ahead of the data (dropped again by that rerun). So the follower reads only whole
pairs of lines (a data line ending in a newline and its meta line), from byte offsets it keeps
per shard, opening the files afresh at every look (a resumed shard may replace its meta file).

A shard's request is *covered* (all its rows are on disk) once a row of a later request of the
shard has been read, or once the shard has ended (its report says so and its lock is free):
then it covers what :meth:`ShardFile.first_uncovered` says. :meth:`ShardFollower.follow` hands
out, in the run's request order, every row whose request and all requests before it are
covered by every shard, looking again every ``poll`` seconds, until every shard has ended.

What was read is trusted only once the shards are locked for the merge's checks:
:meth:`ShardFollower.rest` checks that the bytes read of each shard are the start of its final
files (the same SHA-256) and returns the rows not handed out yet; None when they are not (a
shard rerun with ``--overwrite``, a teacher whose answers changed): the merge then starts over.

A shard that has started and then neither writes nor holds its lock (killed, not rerun) for
``timeout`` seconds ends the follow with the error a merge gives for a killed shard. A shard
that has not started yet (no report: e.g. a queued array task) is waited for while any other
shard runs, and for ``timeout`` seconds after the last of them ended; then the follow ends with
the error a merge gives for a missing shard (a cron job must not wait for ever for a shard
nobody will start).
"""

from __future__ import annotations

import contextlib
import heapq
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from synthgen.commands.shard_set import PATTERN, Candidate, ShardSet, killed_shard
from synthgen.commands.shard_tail import ShardTail
from synthgen.engine.shard import ShardLayout
from synthgen.errors import UsageError
from synthgen.exit_codes import SIGNAL_EXIT
from synthgen.io.beside import lock_path, report_path, shard_name
from synthgen.io.lock import lock_is_held
from synthgen.reports import RunReport

__all__ = ["ShardFollower", "stop_on_sigterm"]

_NAME = re.compile(r"shard-\d+-of-\d+\.jsonl")
BACKLOG = 50_000  # rows read ahead of the others per shard, at most (memory while one lags)


class ShardFollower:
    """The shards named (files, or folders of them; they may not exist yet), followed."""

    def __init__(
        self,
        watched: list[Path],
        *,
        poll: float,
        timeout: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.watched = watched
        self.poll, self.timeout = poll, timeout
        self.clock, self.sleep = clock, sleep
        self.tails: dict[Path, ShardTail] = {}
        self.first: ShardTail | None = None  # the first shard whose report was read
        self.all_ended = False
        self.others_ended_at: float | None = None  # when every started shard had ended, some not started

    @property
    def first_report(self) -> RunReport:
        assert self.first is not None and self.first.report is not None
        return self.first.report

    def paths(self) -> list[Path]:
        return list(self.tails)

    def follow(self) -> Iterator[Candidate]:
        """Every row once it is final, in the run's request order, until every shard has ended."""
        while True:
            self._look()
            last = self.all_ended
            frontier = -1 if any(t.diverged for t in self.tails.values()) else self._frontier()
            looked = self.clock()
            for candidate in heapq.merge(
                *(t.take_below(frontier) for t in self.tails.values()), key=_request
            ):
                yield candidate
                if self.clock() - looked >= self.poll:
                    # A long batch (the merge behind the shards): look on meanwhile, so that
                    # a killed shard is seen and all_ended says when the shards ended. Rows
                    # read now are all past this batch's frontier: handed out after it.
                    self._look()
                    looked = self.clock()
            if last:
                return
            self.sleep(self.poll)

    def rest(self, shards: ShardSet) -> Iterator[Candidate] | None:
        """The rows not handed out yet, in order, from the final (locked) shards; None when what
        was read is not the start of every final file (the merge must start over)."""
        tails = [self.tails.get(shard.path) for shard in shards.shards]
        if any(
            t is None or t.layout is None or t.diverged or not t.same_start(s)
            for t, s in zip(tails, shards.shards, strict=True)
        ):
            return None
        return heapq.merge(*(t.rest() for t in tails if t is not None), key=_request)

    def _look(self) -> None:
        for path in self.shard_files():
            if path not in self.tails:
                self.tails[path] = ShardTail(path, self.clock())
        for tail in self.tails.values():
            self._update(tail)
        count = self._count()
        indices = {t.layout.index for t in self.tails.values() if t.layout is not None}
        self.all_ended = (
            count is not None
            and all(t.at_end for t in self.tails.values())
            and (indices == set(range(count)) or not self._folders())
        )
        self._give_up_on_absent(count, indices)

    def _give_up_on_absent(self, count: int | None, indices: set[int]) -> None:
        """A shard not started ``timeout`` seconds after every started one ended: missing."""
        folders = self._folders()
        started = [t for t in self.tails.values() if t.layout is not None]
        absent = [] if count is None or not folders else [i for i in range(count) if i not in indices]
        if not absent or not all(t.at_end for t in started):
            self.others_ended_at = None
            return
        if self.others_ended_at is None:
            self.others_ended_at = self.clock()
        elif self.clock() - self.others_ended_at >= self.timeout:
            raise UsageError(
                f"missing shard {absent[0]} of {count} ({folders[0] / shard_name(absent[0], count)}): "
                f"not started {self.timeout:g} s after every other shard ended; start it, then merge"
            )

    def _update(self, tail: ShardTail) -> None:
        """Read the shard's report (when it changed), its state and its new rows."""
        if tail.at_end:
            return
        progressed = self._read_report(tail)
        if tail.report is None:
            tail.quiet_since = self.clock()  # not started: waited for without a limit
            return
        running = tail.report.last_run.stop_reason == "running"
        tail.ended = not running and not lock_is_held(lock_path(tail.path))
        if len(tail.pending) < BACKLOG or tail.ended:
            progressed = tail.read() or progressed
        if progressed or not running:
            tail.quiet_since = self.clock()
        elif self.clock() - tail.quiet_since >= self.timeout:
            if not lock_is_held(lock_path(tail.path)):
                raise killed_shard(tail.path)
            tail.quiet_since = self.clock()  # alive, only slow (or held back by BACKLOG)

    def _read_report(self, tail: ShardTail) -> bool:
        where = report_path(tail.path)
        try:
            info = where.stat()
        except FileNotFoundError:
            return False
        stamp = (info.st_mtime_ns, info.st_size)
        if stamp == tail.stamp:
            return False
        report = RunReport.read(where)
        if report is None:
            return False  # not written yet
        if not isinstance((report.last_run.model_extra or {}).get("shard"), dict):
            raise UsageError(
                f"{tail.path}: not a shard's file (its report names no shard; made without --shard?)"
            )
        tail.report, tail.stamp = report, stamp
        if tail.layout is None:
            shard = report.last_run.model_extra["shard"]  # type: ignore[index]
            tail.layout = ShardLayout(int(shard["index"]), int(shard["count"]), int(shard.get("group", 1)))
            self._check_new(tail)
        return True

    def _check_new(self, tail: ShardTail) -> None:
        """Refuse at once what the final checks would refuse and would keep the follow waiting."""
        assert tail.layout is not None
        if self.first is None:
            self.first = tail
            return
        first = self.first.layout
        assert first is not None
        if (tail.layout.count, tail.layout.group) != (first.count, first.group):
            raise UsageError(
                f"{tail.path} and {self.first.path} are shards of different runs "
                f"(count {tail.layout.count} vs {first.count}): merge shards of one run"
            )
        for other in self.tails.values():
            if other is not tail and other.layout is not None and other.layout.index == tail.layout.index:
                raise UsageError(f"{tail.path} and {other.path} are both shard {tail.layout.index}")

    def _count(self) -> int | None:
        return None if self.first is None or self.first.layout is None else self.first.layout.count

    def _frontier(self) -> float:
        """The run's first request that some shard (started or not) does not cover yet."""
        count = self._count()
        if count is None:
            return 0
        first = self.first.layout  # type: ignore[union-attr]
        ends = {t.layout.index: t.frontier() for t in self.tails.values() if t.layout is not None}
        return min(ends.get(i, ShardLayout(i, count, first.group).global_request(0)) for i in range(count))

    def _folders(self) -> list[Path]:
        return [p for p in self.watched if not (p.is_file() or _NAME.fullmatch(p.name))]

    def shard_files(self) -> list[Path]:
        """The shard files named, and those in the folders named, as far as they exist now."""
        found = [p for p in self.watched if p.is_file()]
        for folder in self._folders():
            if folder.is_dir():
                found += sorted(p for p in folder.glob(PATTERN) if _NAME.fullmatch(p.name))
        return found


@contextlib.contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """SIGTERM (``scancel``, a deleted pod) as an exit (143) that cleans up on its way out (the
    temporary twins, the lock), as Ctrl-C does: a follow waits long, and is stopped that way."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(SIGNAL_EXIT[signal.SIGTERM])

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _request(candidate: Candidate) -> int:
    return candidate.request
