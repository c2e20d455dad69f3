"""``synthgen convert``: rewrite a dataset in another shape or container, optionally reordered.

Reads any shape (:mod:`synthgen.io.dataset_files`), orders the rows (:mod:`synthgen.curriculum`),
converts each through :class:`~synthgen.io.formats.Example` (what survives each conversion is
listed in :mod:`synthgen.io.formats` and :mod:`synthgen.io.layouts`) and writes JSONL, Parquet or
a saved Hugging Face dataset. Nothing is written unless every row converts; the output is
replaced atomically, and a refused conversion leaves every file as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synthgen.config import ConvertSettings
from synthgen.curriculum import difficulties, ordered
from synthgen.errors import InputError
from synthgen.io.answer_rows import load_answer_meta
from synthgen.io.beside import meta_path
from synthgen.io.dataset_files import LoadedRows, load_rows
from synthgen.io.files import output_errors, write_jsonl_atomic
from synthgen.io.formats import ConversionError, to_example
from synthgen.io.guards import refuse_overwriting
from synthgen.io.layouts import from_example, uniform_turns
from synthgen.io.readers import Located
from synthgen.io.shapes import TRL_KEYS, Shape
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
    read: int = 0  # rows read (kto makes two rows of each preference pair)

    def summary(self) -> str:
        order = "" if self.order == "keep" else f", order {self.order}"
        made = f" ({self.rows:,} rows)" if self.read and self.read != self.rows else ""
        count = self.read or self.rows
        return (
            f"converted {count:,} rows from {self.source} to {self.target}{made}{order}: wrote {self.output}"
        )


def run_convert(settings: ConvertSettings) -> ConvertReport:
    """Convert ``settings.input`` into ``settings.output``; InputError names file:line:field."""
    reads_meta = settings.order == "curriculum" or settings.to == "kto"  # grades, verified flags
    refuse_overwriting(
        {"INPUT": [settings.input, *([meta_path(settings.input)] if reads_meta else [])]},
        {"--output": settings.output},
    )
    loaded = load_rows(settings.input, settings.from_shape)
    keys = difficulties(loaded.path, loaded.shape, loaded.rows) if settings.order == "curriculum" else ()
    items = ordered(loaded.rows, settings.order, seed=settings.seed, keys=keys)
    container = settings.to if settings.to in ("parquet", "hf") else None
    target: Shape = (settings.shape or loaded.shape) if container else settings.to  # type: ignore[assignment]
    if container and settings.shape is None and not settings.drop_reasoning:  # same rows, another container
        rows = [item.value for item in items]
    else:
        labels = _verified_labels(loaded) if target == "kto" else {}
        rows = [
            row for item in items for row in _convert(loaded, item, target, settings, labels.get(item.line))
        ]
    rows = uniform_turns(rows)
    with output_errors(settings.output):
        if container == "parquet":
            write_parquet(settings.output, rows)
        elif container == "hf":
            write_saved_dataset(settings.output, rows)
        else:
            write_jsonl_atomic(settings.output, rows)
    label = f"{settings.to} ({target} rows)" if container else target
    return ConvertReport(
        settings.input, settings.output, loaded.shape, label, len(rows), settings.order, len(items)
    )


def _convert(
    loaded: LoadedRows, item: Located, target: Shape, settings: ConvertSettings, label: bool | None
) -> list[dict[str, Any]]:
    if _unchanged(loaded.shape, item.value, target, settings):
        return [item.value]
    try:
        example = to_example(loaded.shape, item.value)
        if example.label is None and example.rejected is None:
            example.label = label
        return from_example(
            example, target, conversational=settings.conversational, drop_reasoning=settings.drop_reasoning
        )
    except ConversionError as exc:
        raise InputError(f"{loaded.path}:{item.line}: {exc}") from exc


def _unchanged(source: Shape, row: dict[str, Any], target: Shape, settings: ConvertSettings) -> bool:
    """A row already in the target shape (and TRL form) is written back as read; messages rows
    always go through the conversion, which moves an older ``reasoning`` key to its new name."""
    if source != target or settings.drop_reasoning or target == "messages":
        return False
    return target not in TRL_KEYS or isinstance(row["prompt"], list) == settings.conversational


def _verified_labels(loaded: LoadedRows) -> dict[int, bool]:
    """Each row's ``verified`` flag from the meta file beside the input (respond --verify ...
    --keep all), by row line; empty when there is no meta file or a line lacks the flag."""
    if loaded.path.is_dir() or loaded.path.suffix == ".parquet":
        return {}
    meta = load_answer_meta(loaded.path, len(loaded.rows))
    if meta is None or not all(isinstance(m.get("verified"), bool) for m in meta):
        return {}
    return {item.line: m["verified"] for item, m in zip(loaded.rows, meta, strict=True)}
