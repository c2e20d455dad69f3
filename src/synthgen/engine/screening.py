"""Where a recipe's screen runs: on the event loop, or in a worker process.

The engine submits answers in request order and gets each one's :class:`Verdict` back, in
the same order, through a callback. Two ways to run the same screen:

* :class:`LocalScreening` on the event loop, the callback called at once (the in-process
  mock teacher: there is no network wait to overlap with, and no process to start);
* :class:`WorkerScreening` in one child process, so that the per-answer CPU work (parse,
  filter, ROUGE-L) runs on the second core while the event loop keeps the HTTP requests
  moving. Submitting never waits: answers queue up in the pipe while the worker is busy, so
  neither side stalls the other. One worker fed in order makes the same greedy decisions
  as the local one.
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
import sys
import threading
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection

from synthgen.engine.recipe import Answer, Screen, ScreenFactory, Verdict
from synthgen.errors import SynthgenError


class _Countdown:
    """Counts down the rows still wanted around a recipe's screen.

    With answers queued in the pipe, only the screening side knows how many rows were kept
    before the answer it is judging, so the countdown lives here, not in the engine.
    """

    def __init__(self, factory: ScreenFactory, wanted: int | None) -> None:
        self.screen_: Screen = factory()
        self.wanted = wanted

    def screen(self, answer: Answer) -> Verdict:
        if self.wanted is None:
            return self.screen_.screen(answer, sys.maxsize)
        # Past the target the answer is still screened with limit 0, so that every candidate
        # it holds is counted (as unused) in the report.
        verdict = self.screen_.screen(answer, max(0, self.wanted))
        verdict.after_target = self.wanted <= 0
        self.wanted -= len(verdict.kept)
        return verdict


OnResult = Callable[[Verdict], None]
OnError = Callable[[BaseException], None]


class LocalScreening:
    """The screen on the event loop: each verdict is handed over before submit() returns."""

    def __init__(
        self, factory: ScreenFactory, wanted: int | None, on_result: OnResult, on_error: OnError
    ) -> None:
        self._screen = _Countdown(factory, wanted)
        self._on_result = on_result

    async def start(self) -> None:
        return None

    def submit(self, answer: Answer) -> None:
        self._on_result(self._screen.screen(answer))

    async def aclose(self) -> None:
        return None


def _worker_main(conn: Connection, factory: ScreenFactory, wanted: int | None) -> None:
    """Child process: screen each answer sent until told to stop (or orphaned)."""
    # A terminal's Ctrl-C (and a `kill` of the process group) reaches this process too. The
    # parent owns stopping: it finishes what is in flight, then closes the pipe, which ends
    # this loop (EOF) even if the parent itself was killed.
    for sig in _STOP_SIGNALS:
        signal.signal(sig, signal.SIG_IGN)
    screen = _Countdown(factory, wanted)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if job is None:
            return
        conn.send(screen.screen(job))


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


class WorkerScreening:
    """A screen in a child process; the parent talks to it through asyncio streams.

    The parent's end of the pipe is an asyncio stream, so submitting only appends to the
    transport's buffer (a blocking send could deadlock with a worker blocked on sending a
    result back) and results are read by one task as they come. A bare pipe rather than
    ProcessPoolExecutor: the executor's helper threads fight the event loop for the GIL
    (about 1 ms per call measured here).
    """

    def __init__(
        self, factory: ScreenFactory, wanted: int | None, on_result: OnResult, on_error: OnError
    ) -> None:
        context = multiprocessing.get_context("spawn")  # nothing inherited from this process
        parent, child = context.Pipe()  # duplex: a Unix socket pair
        self._process = context.Process(
            target=_worker_main, args=(child, factory, wanted), name="synthgen-screen", daemon=True
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

    def submit(self, answer: Answer) -> None:
        self._writer.write(_frame(answer))

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
        except Exception as exc:  # a bug in a callback: surface it in the engine
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
