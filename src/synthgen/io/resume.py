"""Where a run starts: check the output path, pick up what an earlier run left, or refuse.

A run on an existing output resumes it unless ``--overwrite``; it is refused when the
earlier run used another configuration (``--force`` overrides). Resuming re-runs the
request that produced the last kept example: its already-kept items are exact duplicates
by then, and its later items get exactly the decisions an uninterrupted run gave them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from synthgen.errors import ConfigError, OutputError
from synthgen.io.writer import ExistingOutput, load_existing
from synthgen.records import AlpacaRecord
from synthgen.reports import RunReport


def check_output_path(output: Path) -> None:
    """A usable output path, or a one-line OutputError naming it (before any teacher call).

    Creates nothing: the run's lock makes the missing folders once the run starts, and
    removes them again if the run leaves them empty.
    """
    if output.is_dir():
        raise OutputError(
            f"--output {output}: is a directory; give a file name such as {output}/alpaca.jsonl"
        )
    if output.exists() and not output.is_file():
        # A device or a pipe cannot be resumed, replaced atomically or given sidecar files.
        raise OutputError(
            f"--output {output}: not a regular file; synthgen appends to the output and keeps "
            ".meta.jsonl, .report.json and .lock files beside it: give a file path "
            '(for a throw-away run, -o "$(mktemp -d)/out.jsonl")'
        )
    folder = _nearest_existing(output.parent)
    if not folder.is_dir():
        raise OutputError(f"--output {output}: {folder} is not a directory")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"--output {output}: directory {folder} is not writable")


def _nearest_existing(folder: Path) -> Path:
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            return candidate
    return Path(".")


@dataclass
class StartPoint:
    existing: ExistingOutput
    first_request: int


def find_start(
    output: Path,
    *,
    overwrite: bool,
    force: bool,
    config_hash: str,
    content_config: dict[str, Any],
    rerun_last_request: bool = True,
    row_model: type[BaseModel] = AlpacaRecord,
    at_least: int = 0,
) -> StartPoint:
    """What is already there (nothing with ``overwrite``) and the first request to run.

    ``rerun_last_request``: start with the request that produced the last kept row (its
    later items are judged again; the kept ones are exact duplicates by then), or after it
    (a recipe that keeps at most one row per request). The side files still hold the lines of
    requests from there on: a run that has work to do prunes them first (``prune_side_files``),
    one that has none leaves them as they are.
    """
    existing = ExistingOutput() if overwrite else load_existing(output, row_model)
    if existing.records and existing.report and not force:
        check_same_config(output, existing.report, config_hash, content_config)
    requests = [m.get("request") for m in existing.meta if isinstance(m.get("request"), int)]
    first = (requests[-1] + (0 if rerun_last_request else 1)) if requests else 0
    return StartPoint(existing, max(first, at_least))


def check_same_config(
    output: Path, report: RunReport, config_hash: str, content_config: dict[str, Any]
) -> None:
    """Refuse to continue a file made with another configuration, naming what changed."""
    if report.config_hash == config_hash:
        return
    old = report.content_config
    changed = sorted(k for k in set(old) | set(content_config) if old.get(k) != content_config.get(k))
    raise ConfigError(
        f"{output} was made with a different configuration "
        f"(changed: {', '.join(changed) or 'unknown'}); pass --force to continue it anyway, "
        "or --overwrite to start afresh"
    )
