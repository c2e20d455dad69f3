"""The files ``synthgen merge`` writes: OUT's rows and meta lines, decided one by one, and the
side files, all to temporary twins renamed into place at the end (meta before data, as the
writer does); the twins go when the merge fails, so nothing is written then."""

from __future__ import annotations

import contextlib
import itertools
import os
from collections import Counter, deque
from collections.abc import Generator, Iterable, Iterator
from pathlib import Path
from typing import IO, Any, Protocol

from synthgen.commands.shard_set import Candidate, ShardSet
from synthgen.engine.shard import SHARD_PASS
from synthgen.io.beside import meta_path, side_path, temp_twin
from synthgen.io.files import dumps_line, fsync, fsync_dir, output_errors
from synthgen.io.side_files import side_file_paths

__all__ = ["MergedRows", "Rule"]


class Rule(Protocol):
    def decide(self, line: str) -> str | None:
        """Why the row (its JSON line) is not kept, or None: it is kept (and pooled)."""
        ...

    def decide_all(self, lines: Iterable[str]) -> Generator[str | None, None, None]:
        """:meth:`decide` on each line in order, reading ahead as it likes; stopping early is fine."""
        ...


class MergedRows:
    """OUT's kept rows and their meta lines, written to the temporary twins as decided."""

    def __init__(self, output: Path) -> None:
        self.output = output
        self.finals = [meta_path(output), output]  # renamed in this order
        self.tally: Counter[str] = Counter()
        self.last_decided = -1  # the run's number of the last request decided
        self._meta: IO[str] | None = None
        self._data: IO[str] | None = None

    def __enter__(self) -> MergedRows:
        with output_errors(self.output):
            self.output.parent.mkdir(parents=True, exist_ok=True)
            self._meta, self._data = _open(self.finals[0]), _open(self.finals[1])
        return self

    def __exit__(self, *exc: object) -> None:
        for handle in (self._meta, self._data):
            if handle is not None:
                handle.close()
        for final in self.finals:
            temp_twin(final).unlink(missing_ok=True)

    def full(self, num: int | None) -> bool:
        return num is not None and self.tally["kept"] >= num

    def take(self, candidates: Iterable[Candidate], rule: Rule, num: int | None, until: int | None) -> None:
        """Decide ``candidates`` (in request order) up to request ``until`` or the target ``num``."""
        covered = itertools.takewhile(lambda c: until is None or c.request < until, candidates)
        held: deque[Candidate] = deque()  # read ahead of their decisions

        def lines() -> Iterator[str]:
            for candidate in covered:
                held.append(candidate)
                yield candidate.line

        with contextlib.closing(rule.decide_all(lines())) as reasons:  # closing stops its workers
            for reason in reasons:
                if self.full(num):
                    return
                self._record(held.popleft(), reason)

    def decide(self, candidate: Candidate, rule: Rule) -> None:
        self._record(candidate, rule.decide(candidate.line))

    def _record(self, candidate: Candidate, reason: str | None) -> None:
        assert self._meta is not None and self._data is not None
        self.last_decided = candidate.request
        if reason is not None:
            self.tally[reason] += 1
            return
        self._meta.write(dumps_line(_meta_line(self.tally["kept"], candidate.request, candidate.meta)))
        self._data.write(candidate.line)
        self.tally["kept"] += 1
        self.tally["last_request"] = candidate.request

    def restart(self) -> None:
        """Forget every decision (the twins emptied): the merge starts over."""
        assert self._meta is not None and self._data is not None
        for handle in (self._meta, self._data):
            handle.seek(0)
            handle.truncate()
        self.tally.clear()
        self.last_decided = -1

    def publish(self, shards: ShardSet, num: int | None, until: int | None) -> Counter[str]:
        """Write the side files, then rename every twin over its file; returns the tally."""
        assert self._meta is not None and self._data is not None
        self._meta.close()
        self._data.close()
        with output_errors(self.output):
            # Side rows go as far as the verdicts one process writes: up to the answer that met
            # the target (later answers are not written), else up to the first uncovered request.
            end = self.tally["last_request"] + 1 if self.full(num) else until
            for name in shards.side_names():
                self.finals.insert(0, side_path(self.output, name))
                with _open(self.finals[0]) as side:
                    for request, row in shards.side_rows(name):
                        if end is not None and request >= end:
                            break
                        side.write(dumps_line(row))
            for stale in set(side_file_paths(self.output)) - set(self.finals):  # an older OUT's
                stale.unlink()
            for final in self.finals:
                with temp_twin(final).open("rb") as handle:
                    fsync(handle.fileno())
                os.replace(temp_twin(final), final)
            fsync_dir(self.output.parent)
        self.tally["rows_read"] = sum(shard.rows for shard in shards.shards)
        return self.tally


def _meta_line(index: int, request: int, meta: dict[str, Any]) -> dict[str, Any]:
    """The meta line one process writes: its row number, the run's request number, the rest as written."""
    rest = {k: v for k, v in meta.items() if k not in ("index", "request", SHARD_PASS)}
    return {"index": index, "request": request, **rest}


def _open(final: Path) -> IO[str]:
    """``final``'s temporary twin, for writing JSON Lines."""
    return temp_twin(final).open("w", encoding="utf-8", newline="\n")
