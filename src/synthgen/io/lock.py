"""One run per output: an exclusive ``flock`` on ``<output>.lock`` holding the owner's PID.

The kernel drops a flock when its process dies, however it dies, so a lock file left by a
crashed run is simply taken over by the next one (no PID-guessing needed); the PID in the
file is only there to name the holder in the error message.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from synthgen.errors import LockHeldError


class OutputLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
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
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        # The file stays: unlinking it would let two runs lock two different inodes.
        os.ftruncate(self._fd, 0)
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None
