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
import types
from collections.abc import Callable, Iterator

from synthgen.engine.recipe import Answer, ScreenFactory, Verdict
from synthgen.engine.screen_worker import STOP_SIGNALS, Countdown, worker_main
from synthgen.errors import SynthgenError

OnResult = Callable[[Verdict], None]
OnError = Callable[[BaseException], None]


class LocalScreening:
    """The screen on the event loop: each verdict is handed over before submit() returns."""

    def __init__(
        self, factory: ScreenFactory, wanted: int | None, on_result: OnResult, on_error: OnError
    ) -> None:
        self._screen = Countdown(factory, wanted)
        self._on_result = on_result

    async def start(self) -> None:
        return None

    def submit(self, answer: Answer) -> None:
        self._on_result(self._screen.screen(answer))

    async def aclose(self) -> None:
        return None


@contextlib.contextmanager
def _signals_ignored() -> Iterator[None]:
    """Ignore SIGINT/SIGTERM for a moment (while the worker is spawned), then restore."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may change signal handlers; the worker ignores them itself
        return
    previous = [signal.signal(sig, signal.SIG_IGN) for sig in STOP_SIGNALS]
    try:
        yield
    finally:
        for sig, handler in zip(STOP_SIGNALS, previous, strict=True):
            signal.signal(sig, handler)


@contextlib.contextmanager
def _main_not_rerun() -> Iterator[None]:
    """Keep the spawned worker from running this process's main script again.

    multiprocessing's spawn re-runs the parent's ``__main__`` in the child (as
    ``__mp_main__``) when it was started as a script with a path, which the ``synthgen``
    console script is: the worker then imported the whole CLI (~0.09 s of CPU). Under
    ``python -m synthgen`` spawn already skips it (a package's ``__main__``). The worker's
    target and arguments live in synthgen's modules, so it needs nothing from the script;
    while the child is started, ``__main__`` is a bare module with no path to re-run.
    """
    main = sys.modules.get("__main__")
    if main is None or getattr(main, "__spec__", None) is not None:
        yield  # started with -m (or embedded): nothing is re-run
        return
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


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
            target=worker_main, args=(child, factory, wanted), name="synthgen-screen", daemon=True
        )
        # Signals ignored: inherited through exec, the child ignores them from birth.
        with _signals_ignored(), _main_not_rerun():
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
