"""``OUT.batch.json``: what a ``--batch`` run has submitted, so that any later run can collect it.

Written atomically (a temporary file renamed over it, fsynced) at every step that talks to the
provider, so a ``kill -9`` anywhere leaves one of these states, each safe to rerun:

    part planned (input file written, nothing sent)   -> the rerun plans afresh
    file uploaded, ``file_id`` recorded                -> the rerun looks the batch up by its
                                                          metadata (``synthgen_run``) before it
                                                          creates one: never submitted twice
    batch created, ``batch_id`` recorded               -> the rerun polls it

Request indices are kept as ranges (``[[first, last], ...]``): 100,000 requests in a few lines.
Failed lines are kept per request index (attempts so far, the last reason, whether retrying can
help) until they are answered or given up on. Unusable answers (answered, but of no use to the
recipe: a judge's reply without a score) are counted per request index too, each answer once
however many runs read it (``unusable``: [answers found unusable, whether the answer now in
the cache is one of them]).
"""

from __future__ import annotations

import bisect
import contextlib
import json
import os
import secrets
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from synthgen.errors import InputError
from synthgen.io.beside import batch_state_path
from synthgen.io.files import atomic_writer

VERSION = 1


def state_path(output: Path) -> Path:
    return batch_state_path(output)


def to_ranges(indices: list[int]) -> list[list[int]]:
    """Sorted indices as ``[[first, last], ...]`` runs."""
    ranges: list[list[int]] = []
    for index in sorted(indices):
        if ranges and index == ranges[-1][1] + 1:
            ranges[-1][1] = index
        else:
            ranges.append([index, index])
    return ranges


@dataclass
class BatchRecord:
    """One submitted (or about to be submitted) batch: a part of one submission."""

    part: str  # "<submission>.<part>", unique in the run; with the run id, the batch's metadata
    ranges: list[list[int]]
    requests: int
    reserved_tokens: int  # the worst case of its requests, held against the budgets until collected
    reserved_cost: float
    input_path: str = ""  # the input file, removed once the batch exists
    file_id: str | None = None
    batch_id: str | None = None
    status: str = "planned"  # planned, uploaded, then the provider's status; collected at the end
    total: int = 0
    completed: int = 0
    failed: int = 0
    submitted_at: float = 0.0
    output_file_id: str | None = None
    error_file_id: str | None = None
    errors: list[str] = field(default_factory=list)  # why a failed batch failed
    collected: bool = False

    def holds(self, index: int) -> bool:
        at = bisect.bisect_right(self.ranges, [index, float("inf")]) - 1
        return at >= 0 and self.ranges[at][0] <= index <= self.ranges[at][1]

    def indices(self) -> list[int]:
        return [i for first, last in self.ranges for i in range(first, last + 1)]


@dataclass
class Usage:
    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0


@dataclass
class BatchState:
    fingerprint: str  # the run's configuration hash: a changed configuration is refused
    run: str  # fingerprint + a nonce: names this run's batches at the provider
    overwrite: bool = False  # the series was started by --overwrite (the rerun collects, not cancels)
    endpoint: dict[str, Any] = field(default_factory=dict)  # kind, base_url, api_key_env (no key)
    submissions: int = 0
    batches: list[BatchRecord] = field(default_factory=list)
    failures: dict[str, list[Any]] = field(default_factory=dict)  # index -> [attempts, reason, fatal]
    unusable: dict[str, list[Any]] = field(default_factory=dict)  # index -> [answers, counted]
    spent: Usage = field(default_factory=Usage)  # collected answers, at the batch price
    answered: int = 0  # answers collected from batches
    first_submitted_at: float | None = None
    completed_at: float | None = None

    @classmethod
    def new(cls, fingerprint: str, endpoint: dict[str, Any], overwrite: bool) -> BatchState:
        return cls(fingerprint, f"{fingerprint[:12]}{secrets.token_hex(4)}", overwrite, endpoint)

    # ---- questions ----------------------------------------------------------------------

    def pending(self) -> list[BatchRecord]:
        """Batches submitted (or maybe submitted) and not yet collected."""
        return [b for b in self.batches if not b.collected and b.file_id is not None]

    def answered_by_batch(self, index: int) -> bool:
        return any(b.collected and b.holds(index) for b in self.batches)

    def failure(self, index: int) -> tuple[int, str, bool] | None:
        entry = self.failures.get(str(index))
        return None if entry is None else (int(entry[0]), str(entry[1]), bool(entry[2]))

    # ---- changes --------------------------------------------------------------------------

    def fail(self, index: int, reason: str, fatal: bool = False) -> None:
        attempts = self.failures.get(str(index), [0])[0]
        self.failures[str(index)] = [attempts + 1, reason, fatal]

    def answered_now(self, index: int) -> None:
        """A batch answered ``index``: its failed lines are forgotten; an answer found unusable
        before is replaced by one not yet read."""
        self.failures.pop(str(index), None)
        entry = self.unusable.get(str(index))
        if entry is not None:
            entry[1] = False

    def count_unusable(self, index: int) -> int:
        """The answer in the cache for ``index`` is unusable: how many of its answers were so
        far, this one counted once (a later run reading it again does not count it again)."""
        entry = self.unusable.setdefault(str(index), [0, False])
        if not entry[1]:
            entry[0], entry[1] = int(entry[0]) + 1, True
        return int(entry[0])

    def drop_planned(self) -> None:
        """Forget parts never uploaded (a run killed while planning)."""
        for record in [b for b in self.batches if b.file_id is None]:
            _remove(record.input_path)
            self.batches.remove(record)

    def save(self, path: Path) -> None:
        with atomic_writer(path) as handle:
            handle.write(json.dumps({"version": VERSION, **asdict(self)}, indent=1))


def load_state(path: Path) -> BatchState | None:
    """The state beside an output, or None; a file of another shape stops the run (exit 2)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise InputError(
            f"{path}: not a synthgen batch state file ({exc}); move it away to start afresh"
        ) from exc
    try:
        if data.pop("version") != VERSION:
            raise ValueError("unknown version")
        batches = [BatchRecord(**b) for b in data.pop("batches")]
        spent = Usage(**data.pop("spent"))
        return BatchState(**data, batches=batches, spent=spent)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(
            f"{path}: not a synthgen batch state file ({exc}); move it away to start afresh"
        ) from exc


def _remove(path: str) -> None:
    if path:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
