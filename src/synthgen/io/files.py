"""Small file helpers shared by every writer: atomic replacement, JSON lines, short digests."""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from synthgen.errors import OutputError
from synthgen.io.fast_json import dumps_line


def file_digest(path: Path) -> str:
    """A short hash of a file's bytes (for the content config a resumed run must match)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def text_digest(text: str) -> str:
    """A short hash of a text (for the content config a resumed run must match)."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def fsync(fd: int) -> None:
    """``os.fsync(fd)``: what is written survives a crash of the machine, unless the
    environment says ``SYNTHGEN_FSYNC=0``.

    That switch is for test suites and scratch runs (each fsync waits for the disk: the test
    suite's ~2,700 took ~15 s on a shared disk). A killed process loses nothing either way,
    since what it wrote is in the system's page cache; only a crash of the machine itself may
    then lose the last writes.
    """
    if os.environ.get("SYNTHGEN_FSYNC") != "0":
        os.fsync(fd)


@contextlib.contextmanager
def atomic_writer(path: Path) -> Iterator[IO[str]]:
    """Write ``path`` through a temporary file beside it, renamed over it on success.

    A failure (or a crash) leaves the old file untouched and no half-written one.
    """
    with atomic_path(path) as temporary, temporary.open("w", encoding="utf-8", newline="\n") as handle:
        yield handle
        handle.flush()
        fsync(handle.fileno())


@contextlib.contextmanager
def output_errors(path: Path, *, flag: str = "") -> Iterator[None]:
    """Turn an OS failure while writing ``path`` into the one-line OutputError every command uses."""
    try:
        yield
    except OSError as exc:
        where = f"{flag} {path}" if flag else str(path)
        raise OutputError(f"{where}: cannot write: {exc.strerror or exc}") from exc


def _create_temp_beside(path: Path) -> tuple[int, str]:
    """A new empty file next to ``path``, created with the mode the umask allows.

    Not ``tempfile.mkstemp``: it creates files 0600, and a dataset (with its meta and report
    files) is meant to be shared like any file the user makes.
    """
    while True:
        name = str(path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp"))
        try:
            return os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), name
        except FileExistsError:
            continue


def write_jsonl_atomic(path: Path, records: Iterable[Any]) -> int:
    """Write records as JSON Lines atomically; returns how many were written."""
    count = 0
    with atomic_writer(path) as handle:
        for record in records:
            handle.write(dumps_line(record))
            count += 1
    return count


def fsync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable (no-op where directories can't be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` for a writer that wants a file name (e.g. pyarrow);
    renamed over ``path`` when the block succeeds, removed when it fails."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = _create_temp_beside(path)  # the umask's mode: writers keep an existing file's
    os.close(fd)
    try:
        yield Path(tmp_name)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    fsync_dir(path.parent)
