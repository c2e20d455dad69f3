"""SQLite response cache: a rerun with the same configuration pays for nothing twice.

Keyed by a hash of (model, endpoints, messages, sampling parameters and seed, sample index, and
the extra request-body fields when there are any, e.g. ``response_format``); the value is the
whole :class:`Completion` (text, reasoning trace, finish reason, usage, ...).
WAL mode lets several processes share one cache file safely. Never stores the API key
(it is not part of the key material, and the stored value is the completion only).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from synthgen.errors import UsageError
from synthgen.records import Completion

SCHEMA_VERSION = 1
LOCK_WAIT_SECONDS = 30.0


def cache_key(
    *,
    model: str,
    endpoints: list[str],
    messages: list[Any],
    sampling: dict[str, Any],
    sample_index: int,
    extra_body: dict[str, Any] | None = None,
) -> str:
    material: dict[str, Any] = {
        "v": SCHEMA_VERSION,
        "model": model,
        "endpoints": sorted(endpoints),
        "messages": messages,
        "sampling": sampling,
        "sample_index": sample_index,
    }
    if extra_body:  # absent otherwise, so the keys of plain requests stay what they were
        material["extra_body"] = extra_body
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


class ResponseCache:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Private: it holds every prompt and answer. SQLite gives its -wal and -shm files
            # the database file's mode, so creating this one 0600 covers all three.
            os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
            self._db = sqlite3.connect(path, timeout=LOCK_WAIT_SECONDS, isolation_level=None)
            _set_up(self._db)
        except sqlite3.Error as exc:
            raise UsageError(f"{path}: cannot open the response cache: {exc}") from exc
        except OSError as exc:
            raise UsageError(f"{path}: cannot open the response cache: {exc.strerror}") from exc

    def get(self, key: str) -> Completion | None:
        row = self._db.execute("SELECT value FROM responses WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        return Completion.model_validate_json(row[0]).model_copy(update={"cached": True})

    def contains(self, key: str) -> bool:
        """Whether an answer is stored under ``key`` (without reading it)."""
        return self._db.execute("SELECT 1 FROM responses WHERE key = ?", (key,)).fetchone() is not None

    def put(self, key: str, completion: Completion) -> None:
        value = completion.model_copy(update={"cached": False}).model_dump_json()
        self._db.execute("INSERT OR REPLACE INTO responses (key, value) VALUES (?, ?)", (key, value))

    def put_many(self, items: Iterable[tuple[str, Completion]]) -> int:
        """Store every (key, fresh completion) of ``items`` in one transaction: all, or none when
        ``items`` raises (a collected batch file found malformed half-way leaves nothing)."""
        count = 0
        self._db.execute("BEGIN")
        try:
            for key, completion in items:
                self._db.execute(
                    "INSERT OR REPLACE INTO responses (key, value) VALUES (?, ?)",
                    (key, completion.model_dump_json()),
                )
                count += 1
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        return count

    def close(self) -> None:
        self._db.close()


def _set_up(db: sqlite3.Connection) -> None:
    """WAL mode and the table, waiting out another process doing the same at the same moment.

    Switching to WAL takes an exclusive lock and, unlike ordinary statements, may fail with
    "database is locked" at once instead of waiting for the connection's timeout.
    """
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode: durable against process crashes; a power loss may lose
            # the last few entries, which only costs a re-request.
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)
