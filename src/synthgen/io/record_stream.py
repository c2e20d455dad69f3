"""Alpaca records read one at a time, with where each starts: for files too big to hold in memory.

:func:`stream_alpaca_records` yields the records of a JSON Lines file as it reads it (a JSON
array is read whole: such files are small), each with its line and byte offset, so that a
command can read one back later (:class:`RecordReader`) instead of keeping it. Bad records are
not yielded but collected in ``problems`` (``file:line: field: message``, as
:func:`synthgen.io.readers.load_alpaca_records` words them), for the caller to raise once the
file is read; so a command reads a file through once to check it before writing anything.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from synthgen.errors import InputError
from synthgen.io.readers import AlpacaInput, read_json_values, validation_problems

__all__ = ["RecordReader", "Streamed", "stream_alpaca_records"]


@dataclass(frozen=True)
class Streamed:
    """A record, the line it starts on (1-based) and its byte offset (None: in a JSON array)."""

    line: int
    offset: int | None
    value: dict[str, Any]


def stream_alpaca_records(path: Path, problems: list[str]) -> Iterator[Streamed]:
    """The valid records of ``path``, in order; a problem found is appended to ``problems``."""
    try:
        handle = path.open("rb")
    except FileNotFoundError as exc:
        raise InputError(f"{path}: file not found") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from exc
    with handle:
        first = handle.read(4096).lstrip()
        handle.seek(0)
        if not first:
            raise InputError(f"{path}: empty file: no records")
        if first.startswith(b"["):  # a JSON array: decoded whole (with its line numbers)
            items = ((item.line, None, item.value) for item in read_json_values(path))
        else:
            items = _lines(path, handle, problems)
        yielded = False
        for line, offset, value in items:
            if _valid(path, line, value, problems):
                yielded = True
                yield Streamed(line, offset, value)
        if not yielded and not problems:
            raise InputError(f"{path}: no records")


def _lines(path: Path, handle: IO[bytes], problems: list[str]) -> Iterator[tuple[int, int, Any]]:
    offset = 0
    for number, raw in enumerate(handle, start=1):
        start, offset = offset, offset + len(raw)
        if not raw.strip():
            continue
        try:
            yield number, start, json.loads(raw)
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {start + exc.start})") from exc
        except json.JSONDecodeError as exc:
            problems.append(f"{path}:{number}: invalid JSON: {exc.msg} (column {exc.colno})")


def _valid(path: Path, line: int, value: Any, problems: list[str]) -> bool:
    """Whether ``value`` is an Alpaca record; the fast check first, pydantic's words otherwise."""
    if (
        type(value) is dict
        and type(value.get("instruction")) is str
        and type(value.get("input", "")) is str
        and type(value.get("output", "")) is str
    ):
        return True
    if not isinstance(value, dict):
        problems.append(f"{path}:{line}: (record): expected a JSON object")
        return False
    try:
        AlpacaInput.model_validate(value)
    except ValidationError as exc:
        problems.extend(validation_problems(path, line, exc))
    return False


class RecordReader:
    """Reads records back by their offsets (records of a JSON array are kept instead)."""

    def __init__(self) -> None:
        self._handles: dict[Path, IO[bytes]] = {}

    def read(self, path: Path, offset: int) -> dict[str, Any]:
        handle = self._handles.get(path)
        if handle is None:
            handle = self._handles[path] = path.open("rb")
        handle.seek(offset)
        value: dict[str, Any] = json.loads(handle.readline())
        return value

    def close(self) -> None:
        for handle in self._handles.values():
            handle.close()
