"""Load and validate seed tasks (self-instruct format, or plain Alpaca records)."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from synthgen.errors import InputError
from synthgen.io.readers import read_json_values, validation_problems
from synthgen.records import SeedTask
from synthgen.tokens import CONTEXT_TOKENS, count_tokens

log = logging.getLogger("synthgen")


def load_seeds(path: Path, *, max_tokens: int = 0) -> list[SeedTask]:
    """Every seed task in ``path``; raises InputError with one line per problem.

    Warns (one line) about seed tasks longer than a model could take in a prompt while
    leaving room for a ``max_tokens`` answer.
    """
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
    warn_oversized_seeds(path, seeds, first_line_of, max_tokens)
    return seeds


def warn_oversized_seeds(path: Path, seeds: list[SeedTask], lines: dict[str, int], max_tokens: int) -> None:
    """One warning naming the first seed task whose shown text cannot fit a model's context."""
    room = CONTEXT_TOKENS - max_tokens
    sizes = [(_shown_tokens(seed), seed) for seed in seeds]
    oversized = [(tokens, seed) for tokens, seed in sizes if tokens > room]
    if not oversized:
        return
    tokens, seed = oversized[0]
    context = f"{CONTEXT_TOKENS:,} tokens" + (f" less --max-tokens {max_tokens:,}" if max_tokens else "")
    others = f" (and {len(oversized) - 1} more)" if len(oversized) > 1 else ""
    log.warning(
        "%s:%d: seed task %r is about %s tokens, more than a model's context could take (%s)%s; "
        "prompts showing it will likely be rejected",
        path, lines.get(seed.id, 0), seed.id, f"{tokens:,}", context, others,
    )  # fmt: skip


def _shown_tokens(seed: SeedTask) -> int:
    """Rough tokens of the seed as shown in a prompt (its instruction and largest instance)."""
    return max(count_tokens(seed.instruction + i.input + i.output) for i in seed.instances)


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
