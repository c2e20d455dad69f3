"""What a Batch API input file must hold: one JSON request a line (``custom_id``, ``method``
POST, the batch's ``url``, a ``body`` object), at most the per-batch limit of them; what is wrong
is reported as OpenAI's batch ``errors`` objects (a line number each, the first 100 lines)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def input_errors(
    path: Path, endpoint: str, max_requests: int, fail: bool
) -> tuple[int, list[dict[str, Any]]]:
    """How many lines a batch's input has, and OpenAI's error objects for what is wrong with it
    (``fail``: a good input fails too, as ``--batch-outcome failed`` asks)."""
    errors, total = [], 0
    with path.open("rb") as lines:
        for number, raw in enumerate(lines, 1):
            total += 1
            problem = _line_problem(raw, endpoint)
            if problem and len(errors) < 100:
                errors.append(_error("invalid_request", problem, number))
    if total > max_requests:
        message = f"A batch may hold at most {max_requests} requests; this file has {total}."
        errors.append(_error("too_many_requests", message))
    if total == 0:
        errors.append(_error("empty_file", "The input file has no requests."))
    if fail and not errors:
        errors.append(_error("mock_failure", "mock-teacher --batch-outcome failed"))
    return total, errors


def _error(code: str, message: str, line: int | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "param": None, "line": line}


def _line_problem(raw: bytes, endpoint: str) -> str | None:
    """Why an input line is not a valid batch request, or None."""
    try:
        line = json.loads(raw)
    except ValueError:
        return "The line is not valid JSON."
    if not isinstance(line, dict) or not isinstance(line.get("custom_id"), str):
        return "Each line needs a custom_id string."
    if line.get("method") != "POST":
        return "Only POST requests are supported (method)."
    if line.get("url") != endpoint:
        return f"The url must be the batch's endpoint, {endpoint}."
    if not isinstance(line.get("body"), dict):
        return "Each line needs a body object."
    return None
