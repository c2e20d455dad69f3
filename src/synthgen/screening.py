"""The candidate stages, parse -> filter -> dedup, with the pools they keep.

The pipeline submits completions in request order and gets each one's :class:`Screened`
back, in the same order, through a callback. Two ways to run the same :class:`Screener`:

* :class:`LocalScreener` on the event loop, the callback called at once (the in-process
  mock teacher: there is no network wait to overlap with, and no process to start);
* :class:`WorkerScreener` in one child process, so that this per-answer CPU work runs on
  the second core while the event loop keeps the HTTP requests moving. Submitting never
  waits: answers queue up in the pipe while the worker is busy, so neither side stalls
  the other. One worker fed in order makes the same greedy decisions as the local one.

The screener, not the pipeline, counts down the examples still wanted: with answers in the
pipe, only the screener knows how many were kept before the one it is judging.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import pickle
import signal
import socket
import struct
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

from synthgen.config import FilterOptions
from synthgen.dedup import ExactIndex, RougeIndex
from synthgen.dedup import normalize_key as exact_key
from synthgen.errors import SynthgenError
from synthgen.recipes.filters import default_filters, first_rejection
from synthgen.recipes.parse import parse_numbered_tasks
from synthgen.records import Candidate


@dataclass
class Screened:
    """What became of one completion's candidates."""

    kept: list[Candidate] = field(default_factory=list)
    candidates: int = 0
    truncated_dropped: int = 0
    unparseable: bool = False
    rejected: Counter[str] = field(default_factory=Counter)
    duplicates_exact: int = 0
    duplicates_similar: int = 0
    after_target: bool = False  # arrived once enough examples were kept: not judged at all


class Screener:
    """Parse, filter and deduplicate against a pool of seeds and kept examples."""

    def __init__(
        self, *, threshold: float, filters: FilterOptions, pool: list[str], keys: list[str], wanted: int
    ) -> None:
        """``wanted``: how many more examples the run needs; later candidates are not judged."""
        self.filters = default_filters(filters)
        self.rouge = RougeIndex(threshold)
        self.rouge.extend(pool)
        self.exact = ExactIndex()
        for key in keys:
            self.exact.add(key)
        self.wanted = wanted

    def screen(self, text: str, *, truncated: bool) -> Screened:
        """Candidates of ``text`` to keep, up to the number still wanted; they join the pools."""
        if self.wanted <= 0:
            return Screened(after_target=True)
        parsed = parse_numbered_tasks(text, truncated=truncated)
        result = Screened(candidates=len(parsed.candidates), truncated_dropped=parsed.dropped_truncated)
        result.unparseable = not parsed.candidates
        for candidate in parsed.candidates:
            if len(result.kept) >= self.wanted:
                break  # the target is met: later candidates are not judged (nor pooled)
            reason = first_rejection(candidate, self.filters)
            if reason:
                result.rejected[reason] += 1
                continue
            key = exact_key(candidate.instruction, candidate.input)
            if self.exact.seen(key):
                result.duplicates_exact += 1
            elif self.rouge.check_and_add(candidate.instruction) is not None:
                result.duplicates_similar += 1
            else:
                self.exact.add(key)
                result.kept.append(candidate)
        self.wanted -= len(result.kept)
        return result


OnResult = Callable[[Screened], None]
OnError = Callable[[BaseException], None]


class LocalScreener:
    """The Screener on the event loop: each result is handed over before submit() returns."""

    def __init__(self, on_result: OnResult, on_error: OnError, **kwargs: object) -> None:
        self.screener = Screener(**kwargs)  # type: ignore[arg-type]
        self._on_result = on_result

    async def start(self) -> None:
        return None

    def submit(self, text: str, *, truncated: bool) -> None:
        self._on_result(self.screener.screen(text, truncated=truncated))

    async def aclose(self) -> None:
        return None


def _worker_main(conn: Connection, kwargs: dict[str, object]) -> None:
    """Child process: screen each completion sent until told to stop (or orphaned)."""
    # A terminal's Ctrl-C (and a `kill` of the process group) reaches this process too. The
    # parent owns stopping: it finishes what is in flight, then closes the pipe, which ends
    # this loop (EOF) even if the parent itself was killed.
    for sig in _STOP_SIGNALS:
        signal.signal(sig, signal.SIG_IGN)
    screener = Screener(**kwargs)  # type: ignore[arg-type]
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if job is None:
            return
        text, truncated = job
        conn.send(screener.screen(text, truncated=truncated))


_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def _signals_ignored() -> Iterator[None]:
    """Ignore SIGINT/SIGTERM for a moment (while the worker is spawned), then restore."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may change signal handlers; the worker ignores them itself
        return
    previous = [signal.signal(sig, signal.SIG_IGN) for sig in _STOP_SIGNALS]
    try:
        yield
    finally:
        for sig, handler in zip(_STOP_SIGNALS, previous, strict=True):
            signal.signal(sig, handler)


# multiprocessing.Connection's framing (Connection._send_bytes): a signed 32-bit big-endian
# length, or -1 followed by an unsigned 64-bit one; the child uses Connection itself.
_LENGTH = struct.Struct("!i")
_LONG_LENGTH = struct.Struct("!Q")


def _frame(obj: object) -> bytes:
    payload = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    if len(payload) > 0x7FFFFFFF:
        return _LENGTH.pack(-1) + _LONG_LENGTH.pack(len(payload)) + payload
    return _LENGTH.pack(len(payload)) + payload


class WorkerScreener:
    """A Screener in a child process; the parent talks to it through asyncio streams.

    The parent's end of the pipe is an asyncio stream, so submitting only appends to the
    transport's buffer (a blocking send could deadlock with a worker blocked on sending a
    result back) and results are read by one task as they come. A bare pipe rather than
    ProcessPoolExecutor: the executor's helper threads fight the event loop for the GIL
    (about 1 ms per call measured here).
    """

    def __init__(self, on_result: OnResult, on_error: OnError, **kwargs: object) -> None:
        context = multiprocessing.get_context("spawn")  # nothing inherited from this process
        parent, child = context.Pipe()  # duplex: a Unix socket pair
        self._process = context.Process(
            target=_worker_main, args=(child, kwargs), name="synthgen-screen", daemon=True
        )
        with _signals_ignored():  # inherited through exec: the child ignores them from birth
            self._process.start()
        child.close()
        self._sock = socket.socket(fileno=os.dup(parent.fileno()))
        parent.close()
        self._on_result, self._on_error = on_result, on_error
        self._reading: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._reader, self._writer = await asyncio.open_unix_connection(sock=self._sock)
        self._reading = asyncio.create_task(self._read_results())

    def submit(self, text: str, *, truncated: bool) -> None:
        self._writer.write(_frame((text, truncated)))

    async def _read_results(self) -> None:
        try:
            while True:
                (size,) = _LENGTH.unpack(await self._reader.readexactly(_LENGTH.size))
                if size == -1:
                    (size,) = _LONG_LENGTH.unpack(await self._reader.readexactly(_LONG_LENGTH.size))
                result = pickle.loads(await self._reader.readexactly(size))
                self._on_result(result)
        except (asyncio.IncompleteReadError, ConnectionError):
            self._on_error(SynthgenError("the screening worker process died"))
        except Exception as exc:  # a bug in a callback: surface it in the pipeline
            self._on_error(exc)

    async def aclose(self) -> None:
        """Stop the worker; also when start() was never reached (closing the pipe ends it)."""
        if self._reading is None:
            self._sock.close()  # the worker reads EOF and returns
        else:
            with contextlib.suppress(OSError, RuntimeError):
                self._writer.write(_frame(None))
                await self._writer.drain()
            self._reading.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reading
        await asyncio.to_thread(self._process.join, 5)
        if self._process.is_alive():
            self._process.kill()
        if self._reading is not None:
            self._writer.close()
