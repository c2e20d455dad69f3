"""Read a dataset of any shape (see :mod:`synthgen.io.shapes`) from JSONL, a JSON array,
Parquet or a saved Hugging Face dataset, checked row by row.

A bad file stops with one line naming the first problem (``file:line: field: message``)
and how many more there are. A last JSONL line that is not JSON is a *torn* line (a run or
a copy cut short): callers that can work without it get it reported in ``torn`` instead.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synthgen.errors import InputError, UsageError
from synthgen.io.fast_json import loads
from synthgen.io.readers import Located, read_json_values
from synthgen.io.shapes import SHAPES, Shape, detect_shape, row_problem


@dataclass
class LoadedRows:
    """The rows of one file, all of one shape, each with its line (row number for tables)."""

    path: Path
    shape: Shape
    rows: list[Located]
    torn: str | None = None  # "file:N: torn last line ..." when one was left out

    @property
    def values(self) -> list[dict[str, Any]]:
        return [item.value for item in self.rows]


def load_rows(path: Path, shape: Shape | None = None, *, allow_torn: bool = False) -> LoadedRows:
    """Every row of ``path`` (its shape detected from the first row unless given), validated."""
    items, torn = _read_items(path, allow_torn)
    if not items:
        raise InputError(f"{path}: empty file: no rows" + (f" ({torn})" if torn else ""))
    if shape is None:
        first = items[0]
        shape = detect_shape(first.value)
        if shape is None:
            keys = (
                ", ".join(sorted(first.value))
                if isinstance(first.value, dict)
                else type(first.value).__name__
            )
            raise InputError(
                f"{path}:{first.line}: (record): not a known dataset shape ({keys}); expected "
                "alpaca (instruction/input/output), messages, conversations (ShareGPT), or TRL's "
                "prompt/chosen/rejected, prompt/completion[/label] or prompt"
            )
    _check_rows(path, shape, items)
    return LoadedRows(path, shape, items, torn)


def _check_rows(path: Path, shape: Shape, items: list[Located]) -> None:
    problems = []
    for item in items:
        problem = row_problem(shape, item.value)
        if problem is not None:
            problems.append(f"{path}:{item.line}: {problem}")
    if problems:
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise InputError(f"{problems[0]}{more}")


def _read_items(path: Path, allow_torn: bool) -> tuple[list[Located], str | None]:
    if path.is_dir():
        return _read_saved_dataset(path), None
    if path.suffix == ".parquet":
        return _read_parquet(path), None
    return _read_json(path, allow_torn)


def _read_json(path: Path, allow_torn: bool) -> tuple[list[Located], str | None]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"{path}: file not found") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from exc
    if raw.lstrip().startswith(b"["):
        return read_json_values(path), None
    lines = raw.split(b"\n")
    last = max((i for i, line in enumerate(lines) if line.strip()), default=-1)
    items: list[Located] = []
    torn = None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            items.append(Located(number, loads(line)))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            what = exc.msg if isinstance(exc, json.JSONDecodeError) else "not UTF-8 text"
            if number - 1 == last and allow_torn:
                torn = f"{path}:{number}: torn last line ({what}): left out, the other rows analysed"
            elif number - 1 == last:
                raise InputError(f"{path}:{number}: torn last line: invalid JSON ({what})") from exc
            else:
                raise InputError(f"{path}:{number}: invalid JSON: {what}") from exc
    return items, torn


def _read_parquet(path: Path) -> list[Located]:
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise UsageError("reading Parquet needs pyarrow: pip install 'synthgen[parquet]'") from exc
    try:
        table = pq.read_table(path)
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        raise InputError(f"{path}: cannot read as Parquet: {exc}") from exc
    return [Located(i, _drop_nulls(row)) for i, row in enumerate(table.to_pylist(), start=1)]


def _read_saved_dataset(path: Path) -> list[Located]:
    try:
        from datasets import load_from_disk
    except ImportError as exc:
        raise UsageError("reading a saved dataset needs datasets: pip install 'synthgen[hf]'") from exc
    try:
        data = load_from_disk(str(path))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: not a dataset saved with save_to_disk: {exc}") from exc
    if hasattr(data, "keys"):  # a DatasetDict: one split is all convert writes
        data = data["train"] if "train" in data else data[next(iter(data.keys()))]
    return [Located(i, _drop_nulls(row)) for i, row in enumerate(data.to_list(), start=1)]


def _drop_nulls(row: dict[str, Any]) -> dict[str, Any]:
    """Columnar files fill a key some rows lack with null; JSONL rows simply lack it."""
    return {k: v for k, v in row.items() if v is not None}


def parse_shape(name: str | None) -> Shape | None:
    """A ``--from``/``--shape`` value checked against the known shapes."""
    if name is None:
        return None
    if name not in SHAPES:
        raise UsageError(f"unknown shape {name!r}: choose one of {', '.join(SHAPES)}")
    return name  # type: ignore[return-value]
