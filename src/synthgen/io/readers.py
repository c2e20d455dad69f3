"""Read JSON Lines and JSON-array files, keeping each record's line number for errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from synthgen.errors import InputError

_DECODER = json.JSONDecoder()


@dataclass(frozen=True)
class Located:
    """A decoded JSON value and the line it starts on (1-based)."""

    line: int
    value: Any


def read_json_values(path: Path) -> list[Located]:
    """All records of a ``.jsonl`` file (one per line) or a ``.json`` array.

    Raises InputError listing every undecodable line, or naming an empty file.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError(f"{path}: file not found") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from exc
    stripped = text.lstrip()
    if not stripped:
        raise InputError(f"{path}: empty file: no records")
    if stripped.startswith("["):
        values = list(_iter_json_array(path, text))
    else:
        values = list(_iter_json_lines(path, text))
    if not values:
        raise InputError(f"{path}: no records")
    return values


def _iter_json_lines(path: Path, text: str) -> Iterator[Located]:
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield Located(number, json.loads(line))
        except json.JSONDecodeError as exc:
            problems.append(f"{path}:{number}: invalid JSON: {exc.msg} (column {exc.colno})")
    if problems:
        raise InputError(problems)


def _iter_json_array(path: Path, text: str) -> Iterator[Located]:
    """Decode a top-level array element by element so each keeps its line number."""
    pos = text.index("[") + 1
    while True:
        pos = _skip_space(text, pos)
        if pos < len(text) and text[pos] == "]":
            return
        try:
            value, end = _DECODER.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from exc
        yield Located(text.count("\n", 0, pos) + 1, value)
        pos = _skip_space(text, end)
        if pos < len(text) and text[pos] == ",":
            pos += 1
        elif pos >= len(text) or text[pos] != "]":
            line = text.count("\n", 0, pos) + 1
            raise InputError(f"{path}:{line}: invalid JSON: expected ',' or ']'")


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def validation_problems(path: Path, line: int, exc: ValidationError) -> list[str]:
    """One ``file:line: field: message`` line per pydantic error."""
    out = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"]) or "(record)"
        out.append(f"{path}:{line}: {field}: {err['msg']}")
    return out


class AlpacaInput(BaseModel):
    """Validation of one record of an Alpaca dataset given to ``dedup``/``filter``."""

    model_config = {"extra": "allow", "strict": True}

    instruction: str
    input: str = ""
    output: str = ""


def load_alpaca_records(path: Path) -> list[Located]:
    """Records of an Alpaca JSON/JSONL file, validated, as the original dicts.

    Extra keys are kept (``dedup`` and ``filter`` write records back unchanged).
    """
    records, problems = [], []
    for item in read_json_values(path):
        if not isinstance(item.value, dict):
            problems.append(f"{path}:{item.line}: (record): expected a JSON object")
            continue
        try:
            AlpacaInput.model_validate(item.value)
        except ValidationError as exc:
            problems.extend(validation_problems(path, item.line, exc))
            continue
        records.append(item)
    if problems:
        raise InputError(problems)
    return records
