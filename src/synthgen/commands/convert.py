"""``synthgen convert``: rewrite a dataset in another shape or container, optionally reordered.

Reads any shape (:mod:`synthgen.io.dataset_files`), orders the rows (:mod:`synthgen.curriculum`),
converts each through :class:`~synthgen.io.formats.Example` (what survives each conversion is
listed in :mod:`synthgen.io.formats`) and writes JSONL, Parquet or a saved Hugging Face
dataset. Nothing is written unless every row converts; the output is replaced atomically.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synthgen.config import ConvertSettings
from synthgen.curriculum import difficulties, ordered
from synthgen.errors import InputError
from synthgen.io.beside import meta_path
from synthgen.io.dataset_files import load_rows
from synthgen.io.files import output_errors, write_jsonl_atomic
from synthgen.io.formats import ConversionError, from_example, to_example
from synthgen.io.guards import refuse_overwriting
from synthgen.io.readers import Located
from synthgen.io.shapes import Shape
from synthgen.io.table_files import write_parquet, write_saved_dataset

__all__ = ["ConvertReport", "run_convert"]


@dataclass
class ConvertReport:
    """What ``run_convert`` did, for the line the CLI prints."""

    input: Path
    output: Path
    source: Shape
    target: str
    rows: int
    order: str

    def summary(self) -> str:
        order = "" if self.order == "keep" else f", order {self.order}"
        return f"converted {self.rows:,} rows from {self.source} to {self.target}{order}: wrote {self.output}"


def run_convert(settings: ConvertSettings) -> ConvertReport:
    """Convert ``settings.input`` into ``settings.output``; InputError names file:line:field."""
    curriculum = [meta_path(settings.input)] if settings.order == "curriculum" else []
    refuse_overwriting({"INPUT": [settings.input, *curriculum]}, {"--output": settings.output})
    loaded = load_rows(settings.input, settings.from_shape)
    keys = difficulties(loaded.path, loaded.shape, loaded.rows) if settings.order == "curriculum" else ()
    items = ordered(loaded.rows, settings.order, seed=settings.seed, keys=keys)
    container = settings.to if settings.to in ("parquet", "hf") else None
    target: Shape = (settings.shape or loaded.shape) if container else settings.to  # type: ignore[assignment]
    if container and settings.shape is None:  # same rows, another container
        rows = [item.value for item in items]
    else:
        rows = [_convert(loaded.path, loaded.shape, item, target, settings.conversational) for item in items]
    with output_errors(settings.output):
        if container == "parquet":
            write_parquet(settings.output, rows)
        elif container == "hf":
            write_saved_dataset(settings.output, rows)
        else:
            write_jsonl_atomic(settings.output, rows)
    label = f"{settings.to} ({target} rows)" if container else target
    return ConvertReport(settings.input, settings.output, loaded.shape, label, len(rows), settings.order)


def _convert(path: Path, source: Shape, item: Located, target: Shape, conversational: bool) -> dict[str, Any]:
    if source == target and (target != "dpo" or isinstance(item.value["prompt"], list) == conversational):
        return item.value  # already the target shape (and form): written back unchanged
    try:
        return from_example(to_example(source, item.value), target, conversational=conversational)
    except ConversionError as exc:
        raise InputError(f"{path}:{item.line}: {exc}") from exc
