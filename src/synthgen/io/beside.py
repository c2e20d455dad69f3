"""The files beside a dataset ``OUT``: their names are decided here, and only here.

OUT.meta.jsonl        one line per row: where it came from (:mod:`synthgen.io.writer`)
OUT.report.json       the run report
OUT.lock              held while a run writes OUT (:mod:`synthgen.io.lock`)
OUT.card.md           the dataset card (:mod:`synthgen.commands.card`)
OUT.<name>.jsonl      a recipe's side rows, e.g. ``rejected`` (:mod:`synthgen.io.side_files`)
OUT.<name>.parquet    a recipe's side table, e.g. ``logprobs`` (:mod:`synthgen.io.logprobs_file`),
OUT.<name>.arrows     and its staging stream
OUT.batch.json        a --batch run's batches (:mod:`synthgen.teacher.batch_state`)
OUT.judge.batch.json  its inline judge's batches (the same)
OUT.batch-input.S.P.jsonl  a batch's input file until the batch exists (the same; the
                      judge's: OUT.judge.batch-input.S.P.jsonl)
OUT.shards/           a sharded run's shard files, shard-I-of-N.jsonl (each with its own files
                      beside it), joined into OUT by ``synthgen merge``
.<file>.new           the temporary twin of any of them, renamed over it when a run completes

The side files recipes write are named here too, since a command that resumes a run, and
``stats``, read them back: :data:`REJECTED`, :data:`UNSOLVED` and :data:`SOFT_TARGETS` (what
each row holds is the writing recipe's to say).
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = [
    "REJECTED",
    "SOFT_TARGETS",
    "TABLE_SIDE_FILES",
    "UNSOLVED",
    "batch_input_path",
    "batch_state_path",
    "card_path",
    "is_beside",
    "lock_path",
    "meta_path",
    "published_beside",
    "report_path",
    "shard_folder",
    "shard_name",
    "shard_path",
    "side_path",
    "table_path",
    "temp_twin",
]


REJECTED = "rejected"  # OUT.rejected.jsonl: rows turned away, each with why
UNSOLVED = "unsolved"  # OUT.unsolved.jsonl: respond --verify's rows with no correct sample
SOFT_TARGETS = "logprobs"  # OUT.logprobs.parquet: respond --logprobs's soft targets, row i for line i
TABLE_SIDE_FILES = (SOFT_TARGETS,)  # side rows written to a table (OUT.<name>.parquet), not JSONL


def meta_path(output: Path) -> Path:
    return output.with_name(f"{output.name}.meta.jsonl")


def report_path(output: Path) -> Path:
    return output.with_name(f"{output.name}.report.json")


def lock_path(output: Path) -> Path:
    return output.with_name(f"{output.name}.lock")


def card_path(output: Path) -> Path:
    """Where a dataset's card goes by default."""
    return output.with_name(f"{output.name}.card.md")


def side_path(output: Path, name: str) -> Path:
    """The JSON Lines side file ``name`` (``rejected``, ``unsolved``, ...) of ``output``."""
    return output.with_name(f"{output.name}.{name}.jsonl")


def table_path(output: Path, name: str, ext: str = "parquet") -> Path:
    """The side table ``name`` of ``output`` (``ext``: ``parquet``, or ``arrows`` while staged)."""
    return output.with_name(f"{output.name}.{name}.{ext}")


def published_beside(output: Path) -> list[Path]:
    """The files beside ``output`` that are published with it (``synthgen push``; the card lists
    them), those that exist: the meta file, the soft targets, the run report. Not the side rows
    (rejects, unsolved rows), the batch state or the lock: they serve a run, not a reader."""
    candidates = (meta_path(output), table_path(output, SOFT_TARGETS), report_path(output))
    return [path for path in candidates if path.is_file()]


def batch_state_path(output: Path, series: str | None = None) -> Path:
    """What a ``--batch`` run has submitted (ids, request numbers, file ids); ``series``: a
    second teacher's (``judge``: the inline judge's ``OUT.judge.batch.json``)."""
    return output.with_name(f"{output.name}.{series + '.' if series else ''}batch.json")


def batch_input_path(output: Path, part: str) -> Path:
    """The input file of batch ``part`` ("<submission>.<part>") until the batch is created."""
    return output.with_name(f"{output.name}.batch-input.{part}.jsonl")


def shard_folder(output: Path) -> Path:
    """The folder of a sharded run's shard files (``--shard``)."""
    return output.with_name(f"{output.name}.shards")


def shard_path(output: Path, index: int, count: int) -> Path:
    """Shard ``index`` of ``count``'s file, in :func:`shard_folder`."""
    return shard_folder(output) / shard_name(index, count)


def shard_name(index: int, count: int) -> str:
    """The name of shard ``index`` of ``count``'s file; the numbers are padded so that names sort."""
    width = len(str(count - 1))
    return f"shard-{index:0{width}d}-of-{count}.jsonl"


def temp_twin(path: Path) -> Path:
    """Where ``path`` is written until it replaces the real file (a hidden file beside it)."""
    return path.with_name(f".{path.name}.new")


_SUFFIXES = re.compile(
    r"\.(meta\.jsonl|report\.json|(judge\.)?batch\.json|lock|card\.md|[^/]+\.(jsonl|parquet|arrows))"
)


def is_beside(name: str, output_name: str) -> bool:
    """Whether a file named ``name`` in ``output``'s folder is one of the files beside it
    (or a temporary twin of one, or of ``output``)."""
    if name.startswith(".") and name.endswith(".new"):
        name = name[1 : -len(".new")]
        if name == output_name:
            return True
    return name.startswith(output_name) and _SUFFIXES.fullmatch(name[len(output_name) :]) is not None
