"""The output guard every command runs before it reads or writes anything.

A file a command writes must not be a file it reads, nor another file it writes: one typo
(``-o`` naming the input) would otherwise append to the only copy, filter it in place or
replace it with a card. "The same file" is decided by the file system (``os.path.samefile``:
device and inode), so a symlink or a hard link to the input is caught as well as the same
path. An engine run also writes beside its output (:mod:`synthgen.io.beside`): those files
count as written, so ``judge OUT.rejected.jsonl -o OUT`` is refused too.

A command that edits a file in place would say so in its help and ask for an explicit flag;
none does today.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from synthgen.errors import UsageError
from synthgen.io.beside import is_beside

Files = Mapping[str, Path | Sequence[Path] | None]  # flag (or INPUT) -> the file(s) it names


def refuse_overwriting(reads: Files, writes: Files, *, beside: Iterable[str] = ()) -> None:
    """UsageError (exit 2) naming the flag when a file of ``writes`` is one of ``reads`` or of
    the other ``writes``. ``beside``: the flags of ``writes`` whose files get the files of an
    engine run beside them (meta, report, side files, ...), which are checked as well."""
    read = list(_named(reads))
    written = list(_named(writes))
    with_beside = set(beside)
    for number, (flag, path) in enumerate(written):
        for other_flag, other in written[:number]:
            if other_flag != flag and same_file(path, other):
                raise UsageError(
                    f"{flag} and {other_flag} are the same file ({path}): give two different paths"
                )
        for read_flag, source in read:
            if same_file(path, source):
                raise UsageError(
                    f"{flag} {path} is the same file as {read_flag} {source}: write to another file"
                )
            if flag in with_beside and _beside(source, path):
                raise UsageError(
                    f"{flag} {path}: the run writes beside it, over {read_flag} {source}: "
                    "write to another file"
                )


def same_file(a: Path, b: Path) -> bool:
    """Whether ``a`` and ``b`` are one file (through links too); a path that does not exist yet
    is the same as another only when both name the same place."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def _beside(source: Path, output: Path) -> bool:
    """Whether ``source`` (which exists, or it could not be lost) is one of the files that an
    engine run on ``output`` writes beside it."""
    folder = output.parent
    if not source.exists() or not folder.is_dir():
        return False
    return any(
        is_beside(path.name, output.name) and same_file(path, source)
        for path in folder.iterdir()
        if path.name.startswith((output.name, f".{output.name}"))
    )


def _named(files: Files) -> Iterator[tuple[str, Path]]:
    for flag, value in files.items():
        if value is None:
            continue
        for path in [value] if isinstance(value, Path) else value:
            yield flag, path
