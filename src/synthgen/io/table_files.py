"""Write rows as Parquet (``pyarrow``, extra ``synthgen[parquet]``) or as a Hugging Face
dataset saved to disk (``datasets``, extra ``synthgen[hf]``), replacing the target only
once the new one is complete.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from synthgen.errors import UsageError
from synthgen.io.files import atomic_path, fsync_dir


def uniform_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every row with the union of all rows' keys (first-seen order), missing ones as None.

    Both pyarrow's ``from_pylist`` and ``Dataset.from_list`` take the columns from the
    first row only, which would silently drop a key the first row lacks.
    """
    keys: dict[str, None] = {}
    for row in rows:
        keys.update(dict.fromkeys(row))
    return [{key: row.get(key) for key in keys} for row in rows]


def write_parquet(path: Path, rows: list[dict[str, Any]]) -> None:
    """``rows`` as one Parquet file at ``path``."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise UsageError("--to parquet needs pyarrow: pip install 'synthgen[parquet]'") from exc
    table = pa.Table.from_pylist(uniform_rows(rows))
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)


def write_saved_dataset(path: Path, rows: list[dict[str, Any]]) -> None:
    """``rows`` as a ``datasets.Dataset`` saved with ``save_to_disk`` into the folder ``path``."""
    try:
        from datasets import Dataset
    except ImportError as exc:
        raise UsageError("--to hf needs the datasets package: pip install 'synthgen[hf]'") from exc
    if path.exists() and not path.is_dir():
        raise UsageError(f"{path}: exists and is not a folder; --to hf writes a folder")
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        Dataset.from_list(uniform_rows(rows)).save_to_disk(str(staging))
        _swap_folder(staging, path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _swap_folder(new: Path, path: Path) -> None:
    """Put folder ``new`` at ``path``; an old folder there is removed only after the rename."""
    old = path.with_name(f".{path.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if path.exists():
        os.replace(path, old)
    os.replace(new, path)
    shutil.rmtree(old, ignore_errors=True)
    fsync_dir(path.parent)
