"""``OUT.logprobs.parquet``: the teacher's soft targets beside a dataset, row i for line i.

Columns (:data:`SCHEMA`): ``request``, ``row`` and ``sample`` (as in the meta file), then per
generated token ``tokens`` (bytes), ``logprobs``, and the alternatives ``top_tokens`` /
``top_logprobs`` (most likely first). Logprobs are float16: at K=5 float32 made the file
~2.7 KB per 100 tokens of distinct answers, float16 ~1.5 KB, and a logprob needs no more than
float16's three significant digits for a distillation loss.

Parquet files cannot be appended to, so a run writes in two steps:

1. each kept answer's soft targets are appended to the staging file ``OUT.logprobs.arrows``
   (an Arrow IPC stream, one record batch per answer) and flushed before the answer's line
   reaches OUT (the engine writes side rows first). A crash can only tear the last batch.
2. when the run ends (finished, interrupted, out of budget) the stream is compacted into the
   Parquet file (a temporary file, then renamed). A finished run removes the stream.

While the stream exists it is the truth and the Parquet file a copy. A resumed run first
repairs the stream (:func:`prune`): it keeps the whole batches of the requests before the one
it starts from, dropping a torn tail and what it asks again, rebuilt from the Parquet file
when a finished run removed the stream. So after kill -9 and a resume the file has the same
rows in the same order as the dataset.

pyarrow is an optional extra (``synthgen[parquet]``): import this module only when needed.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from synthgen.io.beside import SOFT_TARGETS, table_path, temp_twin
from synthgen.io.files import fsync
from synthgen.records import TokenLogprobs

log = logging.getLogger("synthgen")

SCHEMA = pa.schema(
    [
        ("request", pa.int64()),
        ("row", pa.int64()),
        ("sample", pa.int32()),
        ("tokens", pa.list_(pa.binary())),
        ("logprobs", pa.list_(pa.float16())),
        ("top_tokens", pa.list_(pa.list_(pa.binary()))),
        ("top_logprobs", pa.list_(pa.list_(pa.float16()))),
    ]
)
ROW_GROUP_ANSWERS = 2000  # answers per Parquet row group: dictionaries and zstd work per group
ZSTD_LEVEL = 9  # measured: 1.53 KB per 100 tokens at level 9 against 1.79 at the default


def parquet_path(output: Path) -> Path:
    return table_path(output, SOFT_TARGETS, "parquet")


def staging_path(output: Path) -> Path:
    return table_path(output, SOFT_TARGETS, "arrows")


def answer_batch(request: int, row: int, sample: int, soft: TokenLogprobs) -> pa.RecordBatch:
    """One answer as a one-row record batch (~0.12 ms for 100 tokens at K=5)."""
    columns = [
        pa.array([request], pa.int64()),
        pa.array([row], pa.int64()),
        pa.array([sample], pa.int32()),
        pa.array([soft.tokens], SCHEMA.field("tokens").type),
        pa.array([soft.logprobs], SCHEMA.field("logprobs").type),
        pa.array([soft.top_tokens], SCHEMA.field("top_tokens").type),
        pa.array([soft.top_logprobs], SCHEMA.field("top_logprobs").type),
    ]
    return pa.record_batch(columns, schema=SCHEMA)


class LogprobsFile:
    """The writing side: append answers to the stream, compact it when the run ends.

    ``overwrite``: the stream is a temporary twin, and the Parquet file is replaced only when the
    run's other files are (``publish``, see :mod:`synthgen.io.writer`).
    """

    def __init__(self, output: Path, *, overwrite: bool) -> None:
        self.output = output
        self.overwrite = overwrite
        self._staging = temp_twin(staging_path(output)) if overwrite else staging_path(output)
        self._handle: IO[bytes] | None = None
        self._writer: pa.ipc.RecordBatchStreamWriter | None = None

    def append(self, row: dict[str, Any], request: int) -> None:
        """``row``: ``{"row", "sample", "logprobs": TokenLogprobs}`` of one kept answer."""
        if self._writer is None or self._handle is None:
            self._writer, self._handle = self._open()
        self._writer.write_batch(answer_batch(request, row["row"], row["sample"], row["logprobs"]))
        self._handle.flush()

    def _open(self) -> tuple[pa.ipc.RecordBatchStreamWriter, IO[bytes]]:
        """A fresh stream holding the answers already staged: a stream starts with its schema
        and a closed one ends with an end marker, so it cannot just be reopened to append."""
        fresh = temp_twin(self._staging)
        handle = fresh.open("wb")
        writer = pa.ipc.new_stream(handle, SCHEMA)
        if not self.overwrite:
            for batch in read_batches(self._staging):
                writer.write_batch(batch)
        handle.flush()
        fsync(handle.fileno())
        os.replace(fresh, self._staging)  # the open handle now writes to the staging file
        return writer, handle

    def sync(self) -> None:
        if self._handle is not None:
            fsync(self._handle.fileno())

    def close(self, *, complete: bool, publish: bool) -> None:
        """Compact the stream into the Parquet file; a complete run removes the stream (one
        that stopped early keeps it for the run that continues it)."""
        if self._writer is not None and self._handle is not None:
            self._writer.close()
            self._handle.close()
        if self.overwrite and not publish:
            self._staging.unlink(missing_ok=True)
            return
        if self.overwrite and self._staging.exists():  # it replaces an older run's stream
            os.replace(self._staging, staging_path(self.output))
            self._staging = staging_path(self.output)
        elif self.overwrite:
            staging_path(self.output).unlink(missing_ok=True)  # an older run's
        if self._staging.exists():
            compact(self._staging, parquet_path(self.output))
        elif self.overwrite:  # an overwriting run that kept no answer: no soft targets either
            parquet_path(self.output).unlink(missing_ok=True)
        if complete:
            self._staging.unlink(missing_ok=True)
            staging_path(self.output).unlink(missing_ok=True)  # an older run's, when overwriting


def read_batches(stream: Path) -> Iterator[pa.RecordBatch]:
    """The whole record batches of a staging stream, stopping at a torn tail (none if the file
    is missing or torn inside its schema)."""
    if not stream.exists():
        return
    with pa.OSFile(str(stream), "rb") as source:
        try:
            reader = pa.ipc.open_stream(source)
        except (pa.ArrowInvalid, OSError):
            return
        while True:
            try:
                yield reader.read_next_batch()
            except StopIteration:
                return
            except (pa.ArrowInvalid, OSError):
                log.warning("%s: dropped a torn last answer left by an interrupted run", stream)
                return


def staged_answers(output: Path) -> int:
    """How many answers the staging stream holds (0 without one)."""
    return sum(batch.num_rows for batch in read_batches(staging_path(output)))


def compact(stream: Path, target: Path) -> None:
    """Write the stream's answers to ``target`` as Parquet (atomically: temp file, rename)."""
    temp = temp_twin(target)
    with pq.ParquetWriter(
        temp,
        SCHEMA,
        compression="zstd",
        compression_level=ZSTD_LEVEL,
        # token columns repeat (a vocabulary); dictionaries of logprobs would only cost space
        use_dictionary=["tokens.list.element", "top_tokens.list.element.list.element"],
    ) as writer:
        group: list[pa.RecordBatch] = []
        rows = 0
        for batch in read_batches(stream):
            group.append(batch)
            rows += batch.num_rows
            if rows >= ROW_GROUP_ANSWERS:
                writer.write_table(pa.Table.from_batches(group, SCHEMA))
                group, rows = [], 0
        writer.write_table(pa.Table.from_batches(group, SCHEMA))
    with temp.open("rb") as handle:
        fsync(handle.fileno())
    os.replace(temp, target)


def prune(output: Path, first_request: int) -> None:
    """Before a resumed run: rewrite the stream with the staged answers of the requests before
    ``first_request`` (from the Parquet file when a finished run removed the stream)."""
    stream, table = staging_path(output), parquet_path(output)
    if stream.exists():
        batches = read_batches(stream)
    elif table.exists():
        batches = pq.ParquetFile(table).iter_batches(batch_size=ROW_GROUP_ANSWERS)
    else:
        return
    temp = temp_twin(stream)
    dropped = 0
    with temp.open("wb") as handle:
        with pa.ipc.new_stream(handle, SCHEMA) as writer:
            for batch in batches:
                keep = pc.less(batch.column("request"), first_request)
                kept = batch.filter(keep)
                dropped += batch.num_rows - kept.num_rows
                if kept.num_rows:  # (Parquet names a list's items "element": cast back)
                    writer.write_table(pa.Table.from_batches([kept]).cast(SCHEMA))
        handle.flush()
        fsync(handle.fileno())
    os.replace(temp, stream)
    if dropped:
        log.info("%s: dropped %d answers that this run asks again", stream, dropped)
