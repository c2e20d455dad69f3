"""Side files beside a dataset: ``OUT.<name>.jsonl`` (e.g. ``unsolved``, ``rejected``).

Each line is a row plus ``"_request"``, the request it came from, so that a resumed run can
drop the lines of the requests it runs again (:func:`prune_side_files`) and never writes a
line twice. Lines are appended and flushed as they come, like the dataset's.

A side row named ``logprobs`` (a kept answer's soft targets) goes to the Parquet file
``OUT.logprobs.parquet`` instead, through :mod:`synthgen.io.logprobs_file` (pyarrow, imported
only when such a file is written or found).
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import IO, Any

from synthgen.io.beside import SOFT_TARGETS, TABLE_SIDE_FILES, side_path, table_path, temp_twin
from synthgen.io.files import dumps_line, fsync, write_jsonl_atomic

log = logging.getLogger("synthgen")


def _logprobs_file() -> Any:
    from synthgen.io import logprobs_file  # needs pyarrow: only when there are soft targets

    return logprobs_file


def _logprobs_paths(output: Path) -> list[Path]:
    """The soft-target file and its staging stream (see :mod:`synthgen.io.logprobs_file`)."""
    return [table_path(output, SOFT_TARGETS, ext) for ext in ("parquet", "arrows")]


def _logprobs_files_found(output: Path) -> bool:
    """Soft-target files beside ``output`` that this installation can maintain (with pyarrow)."""
    stem = f"{output.name}.logprobs"
    if not any(path.exists() for path in _logprobs_paths(output)):
        return False
    try:
        _logprobs_file()
    except ImportError:
        log.warning("%s.*: left as they are (maintaining them needs pyarrow)", output.with_name(stem))
        return False
    return True


class SideFiles:
    """Opened on first use; in overwrite mode written to temporary twins until published."""

    def __init__(self, output: Path, *, overwrite: bool) -> None:
        self.output = output
        self.overwrite = overwrite
        self._open: dict[str, IO[str]] = {}
        self._logprobs: Any = None  # a logprobs_file.LogprobsFile once soft targets come

    def append(self, name: str, row: dict[str, Any], request: int) -> None:
        if name in TABLE_SIDE_FILES:
            if self._logprobs is None:
                self._logprobs = _logprobs_file().LogprobsFile(self.output, overwrite=self.overwrite)
            self._logprobs.append(row, request)
            return
        handle = self._open.get(name)
        if handle is None:
            path = side_path(self.output, name)
            path = temp_twin(path) if self.overwrite else path
            handle = self._open[name] = path.open(
                "w" if self.overwrite else "a", encoding="utf-8", newline="\n"
            )
        handle.write(dumps_line({**row, "_request": request}))
        handle.flush()

    def sync(self) -> None:
        for handle in self._open.values():
            fsync(handle.fileno())
        if self._logprobs is not None:
            self._logprobs.sync()

    def close(self, *, complete: bool, publish: bool) -> None:
        """Close (``complete``: the run reached its end). In overwrite mode, ``publish`` the twins
        (and drop the side files of the replaced run that this one did not write), or discard
        them when the old files stay (see :mod:`synthgen.io.writer`)."""
        if self.overwrite and publish:
            written = {side_path(self.output, name) for name in self._open}
            if self._logprobs is None:  # the replaced run's soft targets are stale too
                for stale in _logprobs_paths(self.output):
                    stale.unlink(missing_ok=True)
            for stale in set(side_file_paths(self.output)) - written:
                stale.unlink(missing_ok=True)
        for name, handle in self._open.items():
            handle.close()
            if self.overwrite:
                final = side_path(self.output, name)
                if publish:
                    os.replace(temp_twin(final), final)
                else:
                    temp_twin(final).unlink(missing_ok=True)
        if self._logprobs is None and not self.overwrite and _logprobs_files_found(self.output):
            # a resumed run that kept nothing new still brings the Parquet file up to date
            self._logprobs = _logprobs_file().LogprobsFile(self.output, overwrite=False)
        if self._logprobs is not None:
            self._logprobs.close(complete=complete, publish=publish)


def side_file_paths(output: Path) -> list[Path]:
    """The side files of ``output`` on disk."""
    return [
        path for path in output.parent.glob(f"{output.name}.*.jsonl") if not path.name.endswith(".meta.jsonl")
    ]


def read_side_rows(output: Path, name: str) -> list[dict[str, Any]]:
    """The rows of side file ``OUT.<name>.jsonl`` (none when there is no such file)."""
    path = side_path(output, name)
    return _read_rows(path)[0] if path.exists() else []


def _read_rows(path: Path) -> tuple[list[dict[str, Any]], int]:
    """A side file's rows (a torn last line aside), and how many lines it has."""
    # split("\n"), not splitlines(): a JSON line may hold U+2028, U+0085, ... unescaped
    lines = path.read_text(encoding="utf-8").split("\n")
    if lines[-1] == "":
        lines.pop()
    rows = []
    for line in lines:
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue  # a torn last line
        if isinstance(row, dict):
            rows.append(row)
    return rows, len(lines)


def prune_side_files(output: Path, first_request: int) -> None:
    """Drop side-file lines of requests from ``first_request`` on (a resumed run asks again)."""
    if _logprobs_files_found(output):
        _logprobs_file().prune(output, first_request)
    for path in side_file_paths(output):
        rows, lines = _read_rows(path)
        kept = [row for row in rows if row.get("_request", -1) < first_request]
        if len(kept) != lines:
            log.info("%s: dropped %d lines that this run will write again", path, lines - len(kept))
            write_jsonl_atomic(path, kept)
