"""One shard as ``synthgen merge --follow`` reads it while it is written (see
:mod:`synthgen.commands.shard_follow`): whole line pairs from byte offsets, their bytes hashed."""

from __future__ import annotations

import hashlib
import json
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from synthgen.commands.shard_set import Candidate, ShardFile
from synthgen.engine.shard import ShardLayout
from synthgen.io.beside import meta_path
from synthgen.reports import RunReport

__all__ = ["ShardTail"]

CHUNK = 1 << 24  # bytes read per file and look


@dataclass
class ShardTail:
    """What has been read of one shard: whole line pairs, their bytes hashed."""

    path: Path
    quiet_since: float
    layout: ShardLayout | None = None  # known once its report is
    report: RunReport | None = None
    stamp: tuple[int, int] | None = None  # the report file's (mtime, size) when read
    ended: bool = False
    at_end: bool = False  # ended, and every line read
    data_at: int = 0
    meta_at: int = 0
    data_hash: Any = field(default_factory=hashlib.sha256)
    meta_hash: Any = field(default_factory=hashlib.sha256)
    last_local: int | None = None  # the shard's number of the last row's request read
    diverged: bool = False  # its files are not what was read: the merge starts over at the end
    pending: deque[Candidate] = field(default_factory=deque)

    def frontier(self) -> float:
        """The run's number of this shard's first request not known to be covered."""
        assert self.layout is not None
        if self.at_end and self.report is not None and self.report.last_run.stop_reason == "plan_done":
            return float("inf")
        after = 0 if self.last_local is None else self.last_local + (1 if self.at_end else 0)
        return self.layout.global_request(after)

    def read(self) -> bool:
        """Read the whole line pairs written since the last look; whether there were any."""
        assert self.layout is not None
        if self.diverged:
            self.at_end = self.ended
            return False
        data = _whole_lines(self.path, self.data_at)
        metas = _whole_lines(meta_path(self.path), self.meta_at, len(data)) if data else []
        if data is None or metas is None:  # not where the last look ended: rewritten
            self.diverged = True
            return False
        pairs = min(len(data), len(metas))
        for line, meta_line in zip(data[:pairs], metas[:pairs], strict=True):
            try:
                meta = json.loads(meta_line)
                local = meta["request"]
            except (ValueError, KeyError, TypeError):
                self.diverged = True  # not a line a shard writes: the file was rewritten
                return False
            self.data_hash.update(line)
            self.meta_hash.update(meta_line)
            self.data_at += len(line)
            self.meta_at += len(meta_line)
            self.last_local = local
            self.pending.append(Candidate(self.layout.global_request(local), line.decode(), meta))
        # ended, and nothing more to read: a cut last line stays unread (the final checks name it)
        self.at_end = self.ended and pairs == 0
        return pairs > 0

    def take_below(self, frontier: float) -> list[Candidate]:
        taken = []
        while self.pending and self.pending[0].request < frontier:
            taken.append(self.pending.popleft())
        return taken

    def same_start(self, shard: ShardFile) -> bool:
        """Whether what was read is the start of the shard's final files."""
        return _prefix_digest(shard.path, self.data_at) == self.data_hash.digest() and (
            _prefix_digest(meta_path(shard.path), self.meta_at) == self.meta_hash.digest()
        )

    def rest(self) -> Iterator[Candidate]:
        """The rows read and not handed out, then the final files' rows after what was read."""
        assert self.layout is not None
        layout = self.layout
        with self.path.open("rb") as rows, meta_path(self.path).open("rb") as metas:
            rows.seek(self.data_at)
            metas.seek(self.meta_at)
            yield from self.pending
            for line, meta_line in zip(rows, metas, strict=True):
                meta = json.loads(meta_line)
                yield Candidate(layout.global_request(meta["request"]), line.decode(), meta)


def _whole_lines(path: Path, offset: int, most: int | None = None) -> list[bytes] | None:
    """The lines of ``path`` from byte ``offset`` that end in a newline (``most``: at most so
    many); None when ``offset`` is not the start of a line (the file was rewritten)."""
    try:
        with path.open("rb") as handle:
            handle.seek(max(0, offset - 1))
            if offset and handle.read(1) != b"\n":
                return None
            block = handle.read(CHUNK)
            if b"\n" not in block and len(block) == CHUNK:
                block += handle.read()  # one line longer than CHUNK
    except FileNotFoundError:
        return []
    lines = [line + b"\n" for line in block[: block.rfind(b"\n")].split(b"\n")] if b"\n" in block else []
    return lines if most is None else lines[:most]


def _prefix_digest(path: Path, size: int) -> bytes:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while size > 0 and (block := handle.read(min(size, 1 << 20))):
            digest.update(block)
            size -= len(block)
    return digest.digest() if size == 0 else b""
