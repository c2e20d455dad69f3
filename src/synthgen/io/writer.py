"""The output files: Alpaca JSONL, per-example metadata JSONL, and the run report.

    <output>              {"instruction", "input", "output"} per line, nothing else
    <output>.meta.jsonl   one line per output line: where that example came from
    <output>.report.json  config (no secrets), counts, usage, history of runs

Lines are appended as examples are kept (meta line first, then the data line, so the
data file never has a row without provenance), flushed at once and fsynced every
``fsync_every`` seconds and at close. A crash can only tear the last line; ``open``
cuts such a line on the next start.

With ``overwrite`` (a fresh run: nothing of the old files is read) everything goes to hidden
temporary twins that replace the old files when the run ends, whatever stopped it (its target,
a budget, the failure limit, a signal), once it has written a row or reached its end: the old
data is never lost before the new run has something in its place, and what a stopped run kept
is not thrown away (rerun without ``--overwrite`` to continue it). A run that wrote nothing and
did not finish, a ``--batch`` pass still waiting on the provider, and a crash leave the old
files as they were.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel, ValidationError

from synthgen.errors import InputError
from synthgen.io.beside import meta_path, report_path, temp_twin
from synthgen.io.fast_json import dumps_lines
from synthgen.io.files import atomic_writer, dumps_line, fsync, fsync_dir, write_jsonl_atomic
from synthgen.io.side_files import SideFiles
from synthgen.records import AlpacaRecord
from synthgen.reports import RunReport

log = logging.getLogger("synthgen")


@dataclass
class ExistingOutput:
    """What a previous run left: its records, their metadata, and its report."""

    records: list[Any] = field(default_factory=list)  # rows as the row model (AlpacaRecord, ...)
    meta: list[dict[str, Any]] = field(default_factory=list)
    report: RunReport | None = None


def cut_torn_tail(path: Path) -> int:
    """Truncate ``path`` after its last newline; returns the bytes cut (0 if none)."""
    size = path.stat().st_size
    if size == 0:
        return 0
    with path.open("rb+") as handle:
        handle.seek(max(0, size - 1))
        if handle.read(1) == b"\n":
            return 0
        # Scan back in blocks for the last newline.
        end = size
        while end > 0:
            start = max(0, end - 65536)
            handle.seek(start)
            block = handle.read(end - start)
            cut = block.rfind(b"\n")
            if cut >= 0:
                keep = start + cut + 1
                break
            end = start
        else:
            keep = 0
        handle.truncate(keep)
        handle.flush()
        fsync(handle.fileno())
    return size - keep


def load_existing(output: Path, row_model: type[BaseModel] = AlpacaRecord) -> ExistingOutput:
    """Read what a previous run wrote, repairing a torn last line (with a warning)."""
    found = ExistingOutput()
    if not output.exists():
        return found
    for path in (output, meta_path(output)):
        if path.exists() and (cut := cut_torn_tail(path)):
            log.warning("%s: cut a torn last line (%d bytes) left by an interrupted run", path, cut)
    found.records = _read_records(output, row_model)
    if meta_path(output).exists():
        found.meta = _read_meta(meta_path(output))
    if len(found.meta) > len(found.records):  # crash between the meta and the data line
        found.meta = found.meta[: len(found.records)]
        write_jsonl_atomic(meta_path(output), found.meta)
    found.report = RunReport.read(report_path(output))
    return found


def _read_records(path: Path, row_model: type[BaseModel]) -> list[Any]:
    records = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                records.append(row_model.model_validate_json(line))
            except ValidationError as exc:
                err = exc.errors()[0]
                where = ".".join(str(p) for p in err["loc"]) or "(record)"
                raise InputError(
                    f"{path}:{number}: {where}: {err['msg']} - not a synthgen output line; "
                    "fix the file or pass --overwrite to start afresh"
                ) from exc
    return records


def _read_meta(path: Path) -> list[dict[str, Any]]:
    meta = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            try:
                meta.append(json.loads(line))
            except json.JSONDecodeError:
                meta.append({})
    return meta


class DatasetWriter:
    """Appends kept examples durably; see the module docstring for the guarantees."""

    def __init__(
        self, output: Path, *, overwrite: bool, fsync_every: float = 2.0, first_index: int = 0
    ) -> None:
        self.output = output
        self.overwrite = overwrite
        self.fsync_every = fsync_every
        self.count = first_index
        output.parent.mkdir(parents=True, exist_ok=True)
        self._data_path = temp_twin(output) if overwrite else output
        self._meta_path = temp_twin(meta_path(output)) if overwrite else meta_path(output)
        self._report_path = temp_twin(report_path(output)) if overwrite else report_path(output)
        mode = "w" if overwrite else "a"
        # Files this writer creates: removed again by discard_if_unused() when a run fails
        # before it has written anything.
        self._created = [p for p in (self._data_path, self._meta_path, self._report_path) if not p.exists()]
        self._first_index = first_index
        self._data: IO[str] = self._data_path.open(mode, encoding="utf-8", newline="\n")
        self._meta: IO[str] = self._meta_path.open(mode, encoding="utf-8", newline="\n")
        self._side = SideFiles(output, overwrite=overwrite)
        self._last_sync = time.monotonic()

    def append_many(
        self,
        records: list[dict[str, Any]],
        meta: dict[str, Any],
        row_meta: list[dict[str, Any]] | None = None,
    ) -> None:
        """Append the rows kept from one answer (they share ``meta``, e.g. its request;
        ``row_meta``, one per row, adds fields of that row's own, e.g. its grade).

        Meta lines are flushed before data lines, so a data line never reaches the disk
        without its meta line; one flush per answer rather than per example (two system
        calls instead of ~40) keeps the event loop free.
        """
        if not records:
            return
        first = self.count
        # The shared fields are encoded once and each line gets its index in front: the
        # same bytes as dumps_line({"index": i, **meta}), at a fraction of the cost.
        if row_meta:
            lines = (dumps_line({"index": first + i, **meta, **own}) for i, own in enumerate(row_meta))
            self._meta.write("".join(lines))
        else:
            shared = dumps_line(meta)[1:]
            head = '{"index":%d' + ("," if shared != "}\n" else "")
            self._meta.write("".join((head % (first + i)) + shared for i in range(len(records))))
        self._meta.flush()
        self._data.write(dumps_lines(records))
        self._data.flush()
        self.count += len(records)
        if time.monotonic() - self._last_sync >= self.fsync_every:
            self.sync()

    def append_side(self, name: str, row: dict[str, Any], request: int) -> None:
        """A row for the side file ``OUT.<name>.jsonl`` (see :mod:`synthgen.io.side_files`)."""
        self._side.append(name, row, request)

    def sync(self) -> None:
        fsync(self._meta.fileno())
        fsync(self._data.fileno())
        self._side.sync()
        self._last_sync = time.monotonic()

    def close(self, *, complete: bool, paused: bool = False) -> bool:
        """Flush and close: the run ended (``complete``: it reached its end; ``paused``: a
        ``--batch`` pass that waits on the provider). In overwrite mode the new files replace
        the old ones (see the module docstring); returns whether the output is this run's."""
        self.sync()
        self._data.close()
        self._meta.close()
        publish = not self.overwrite or complete or (self.count > self._first_index and not paused)
        self._side.close(complete=complete, publish=publish)
        if not self.overwrite:
            return True
        if publish:
            os.replace(self._meta_path, meta_path(self.output))
            if self._report_path.exists():
                os.replace(self._report_path, report_path(self.output))
            os.replace(self._data_path, self.output)
            fsync_dir(self.output.parent)
        else:
            self._remove_twins()
        return publish

    def discard_if_unused(self) -> None:
        """Close after a failure (an exception, not a stop): the old files of an overwrite run
        stay as they were; otherwise, if no row was written, remove the files this writer
        created (a failed start)."""
        self._data.close()
        self._meta.close()
        self._side.close(complete=False, publish=not self.overwrite)
        if self.overwrite:
            self._remove_twins()
        elif self.count == self._first_index:
            for path in self._created:
                path.unlink(missing_ok=True)

    def _remove_twins(self) -> None:
        for path in (self._data_path, self._meta_path, self._report_path):
            path.unlink(missing_ok=True)

    def write_report(self, report: RunReport) -> None:
        """Write the run report atomically (to its temporary twin in overwrite mode)."""
        with atomic_writer(self._report_path) as handle:
            handle.write(report.to_json())
