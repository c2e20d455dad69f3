"""One run per output: an exclusive ``flock`` on ``<output>.lock`` holding the owner's PID.

The kernel drops a flock when its process dies, however it dies, so a lock file left by a
crashed run is simply taken over by the next one (no PID-guessing needed); the PID in the
file is only there to name the holder in the error message.

A run removes the lock file when it ends, and the folders it created for it if they are
still empty (a run that fails before writing anything leaves nothing behind). The file is
unlinked while still locked, and a run that gets the lock checks that the path still leads
to the file it locked (else it opens it afresh), so two runs never hold two different files.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

from synthgen.errors import LockHeldError


class OutputLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._created: list[Path] = []  # folders made for this run, deepest first

    def acquire(self) -> None:
        self._created = make_folders(self.path.parent)
        try:
            fd = self._lock_current_file()
        except BaseException:
            remove_if_empty(self._created)
            raise
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def _lock_current_file(self) -> int:
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.read(fd, 32).decode(errors="replace").strip() or "unknown"
                os.close(fd)
                raise LockHeldError(
                    f"{self.path}: another synthgen run (PID {holder}) is writing this output; "
                    "wait for it or stop it"
                ) from None
            if _is_current(fd, self.path):
                return fd
            os.close(fd)  # its holder removed it between our open and flock: try the new one

    def release(self) -> None:
        if self._fd is None:
            return
        self.path.unlink(missing_ok=True)  # while still locked: see the module docstring
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None
        remove_if_empty(self._created)


def _is_current(fd: int, path: Path) -> bool:
    try:
        on_disk = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (on_disk.st_dev, on_disk.st_ino)


def make_folders(folder: Path) -> list[Path]:
    """Create ``folder`` and its missing parents; returns the ones created, deepest first."""
    missing = []
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            break
        missing.append(candidate)
    folder.mkdir(parents=True, exist_ok=True)
    return missing


def remove_if_empty(folders: list[Path]) -> None:
    """Remove each folder (deepest first) while it is empty; stop at the first that is not."""
    for folder in folders:
        with contextlib.suppress(FileNotFoundError):
            try:
                folder.rmdir()
            except OSError:
                return


def lock_is_held(path: Path) -> bool:
    """Whether a run holds the lock ``path`` (a lock file left by a killed run is not held).

    A probe, not a lock: it takes a shared flock for an instant (a run that starts in that
    instant is refused as if another run wrote its output), so callers probe rarely.
    """
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False  # a run removes its lock file when it ends
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)
