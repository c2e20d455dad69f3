"""Where a recipe's screen runs: on the event loop, or in a worker process.

The engine submits answers in request order and gets each one's :class:`Verdict` back, in
the same order, through a callback. Two ways to run the same screen:

* :class:`LocalScreening` on the event loop, the callback called at once (the in-process
  mock teacher: there is no network wait to overlap with, and no process to start);
* :class:`WorkerScreening` in one child process, so that the per-answer CPU work (parse,
  filter, ROUGE-L) runs on the second core while the event loop keeps the HTTP requests
  moving. Submitting never waits: answers queue up while the worker is busy, so neither side
  stalls the other. One worker fed in order makes the same greedy decisions as the local one.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import queue
import signal
import threading
from collections.abc import Callable, Iterator

from synthgen.engine.recipe import Answer, ScreenFactory, Verdict
from synthgen.engine.screen_worker import STOP_SIGNALS, Countdown, worker_main
from synthgen.errors import SynthgenError
from synthgen.processes import main_not_rerun

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


class WorkerScreening:
    """A screen in a child process, talked to through two ``multiprocessing`` pipes.

    Answers go out through one pipe, sent by a thread of this process: ``Connection.send``
    blocks while the pipe is full, and on the event loop that could deadlock with a worker
    blocked on sending a verdict back (a thread also keeps a burst of answers from stalling the
    requests). Verdicts come back through the other pipe, read on the event loop whenever it is
    readable. Measured with ``benchmarks/worker_pipe.py`` against the asyncio-stream framing this
    replaced: see benchmarks/RESULTS.md (issue 24). A bare pipe rather than
    ProcessPoolExecutor: the executor's helper threads fight the event loop for the GIL (about
    1 ms per call measured here).
    """

    def __init__(
        self, factory: ScreenFactory, wanted: int | None, on_result: OnResult, on_error: OnError
    ) -> None:
        context = multiprocessing.get_context("spawn")  # nothing inherited from this process
        jobs, self._jobs = context.Pipe(duplex=False)  # (reader, writer)
        self._results, results = context.Pipe(duplex=False)
        self._process = context.Process(
            target=worker_main, args=(jobs, results, factory, wanted), name="synthgen-screen", daemon=True
        )
        # Signals ignored: inherited through exec, the child ignores them from birth.
        with _signals_ignored(), main_not_rerun():
            self._process.start()
        jobs.close()  # the worker's ends: it sees EOF when this process goes
        results.close()
        self._outbox: queue.SimpleQueue[Answer | None] = queue.SimpleQueue()
        self._sender: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._on_result, self._on_error = on_result, on_error

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._loop.add_reader(self._results.fileno(), self._read_results)
        self._sender = threading.Thread(target=self._send_all, name="synthgen-screen-feed", daemon=True)
        self._sender.start()

    def submit(self, answer: Answer) -> None:
        self._outbox.put(answer)

    def _send_all(self) -> None:
        """The sender thread: every answer submitted, then the stop (None)."""
        while True:
            answer = self._outbox.get()
            try:
                self._jobs.send(answer)
            except OSError:
                return  # the worker is gone: reading its verdicts reports it
            if answer is None:
                return

    def _read_results(self) -> None:
        """The verdicts that came in (the event loop calls this when the pipe is readable)."""
        try:
            while self._results.poll():
                self._on_result(self._results.recv())
        except (EOFError, OSError):
            self._stop_reading()
            self._on_error(SynthgenError("the screening worker process died"))
        except Exception as exc:  # a bug in a callback: surface it in the engine
            self._stop_reading()
            self._on_error(exc)

    def _stop_reading(self) -> None:
        if self._loop is not None:
            self._loop.remove_reader(self._results.fileno())
            self._loop = None

    async def aclose(self) -> None:
        """Stop the worker; also when start() was never reached (closing the pipe ends it)."""
        self._stop_reading()
        if self._sender is None:
            self._jobs.close()  # the worker reads EOF and returns
        else:
            self._outbox.put(None)
        await asyncio.to_thread(self._process.join, 5)
        if self._process.is_alive():
            self._process.kill()
        if self._sender is not None:
            await asyncio.to_thread(self._sender.join)  # the send fails once the worker is gone
            self._jobs.close()
        self._results.close()
