"""Load and validate seed tasks (self-instruct format, or plain Alpaca records)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from synthgen.errors import InputError
from synthgen.io.readers import read_json_values, validation_problems
from synthgen.records import SeedTask


def load_seeds(path: Path) -> list[SeedTask]:
    """Every seed task in ``path``; raises InputError with one line per problem."""
    seeds: list[SeedTask] = []
    problems: list[str] = []
    first_line_of: dict[str, int] = {}
    for item in read_json_values(path):
        try:
            seed = _to_seed(item.value, item.line)
        except ValidationError as exc:
            problems.extend(validation_problems(path, item.line, exc))
            continue
        except ValueError as exc:
            problems.append(f"{path}:{item.line}: {exc}")
            continue
        if seed.id in first_line_of:
            problems.append(
                f"{path}:{item.line}: id: duplicate id {seed.id!r} (first on line {first_line_of[seed.id]})"
            )
            continue
        first_line_of[seed.id] = item.line
        seeds.append(seed)
    if problems:
        raise InputError(problems)
    return seeds


def _to_seed(value: Any, line: int) -> SeedTask:
    if not isinstance(value, dict):
        raise ValueError("(record): expected a JSON object")
    if "instances" in value:
        data = {"id": f"seed_task_{line}", **value}
    elif "output" in value or "instruction" in value:
        # A plain Alpaca record becomes a seed with one instance.
        data = {
            "id": value.get("id", f"seed_task_{line}"),
            "instruction": value.get("instruction"),
            "instances": [{"input": value.get("input", ""), "output": value.get("output")}],
        }
    else:
        raise ValueError("instruction: field required")
    return SeedTask.model_validate(data)


def seeds_digest(path: Path) -> str:
    """Content hash of a seed file, recorded in the run's config hash."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
