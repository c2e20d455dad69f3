"""Where a recipe's screen runs: on the event loop, or in a worker process.

The engine submits answers in request order and gets each one's :class:`Verdict` back, in
the same order, through a callback. Two ways to run the same screen:

* :class:`LocalScreening` on the event loop, the callback called at once (the in-process
  mock teacher: there is no network wait to overlap with, and no process to start);
* :class:`WorkerScreening` in child processes, so that the per-answer CPU work (parse,
  filter, ROUGE-L) runs on other cores while the event loop keeps the HTTP requests
  moving. Submitting never waits: answers queue up while the workers are busy, so neither side
  stalls the other. The pools live in one worker fed in order, so its greedy decisions are the
  local screen's, however many processes read the answers for it (``--screen-workers``).
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import queue
import signal
import threading
import time
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from synthgen.engine.recipe import Answer, PrepareFactory, ScreenFactory, Verdict
from synthgen.engine.screen_worker import STOP_SIGNALS, Countdown, decide_main, prepare_main, worker_main
from synthgen.errors import SynthgenError
from synthgen.processes import main_not_rerun

OnResult = Callable[[Verdict], None]
OnError = Callable[[BaseException], None]


class LocalScreening:
    """The screen on the event loop: each verdict is handed over before submit() returns."""

    def __init__(
        self,
        factory: ScreenFactory,
        wanted: int | None,
        on_result: OnResult,
        on_error: OnError,
        *,
        workers: int = 1,  # the in-process mock's screen stays on the loop whatever is asked
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
    """A screen in child processes, talked to through ``multiprocessing`` pipes.

    ``workers`` 1: one process screens each answer whole. ``workers`` N >= 2, for a screen that
    splits (a factory with ``preparer()``, see :class:`~synthgen.engine.recipe.SplitScreen`):
    N - 1 processes read the answers, dealt out in turn, and one takes their results in the
    same turn, decides them against the pools (in request order, so the same verdicts) and
    sends the verdicts back (:mod:`synthgen.engine.screen_worker`). Why this shape rather than
    the dedup workers' look-ups against a frozen pool: see benchmarks/RESULTS.md (issue 26).

    Answers go out by a thread of this process: ``Connection.send`` blocks while the pipe is
    full, and on the event loop that could deadlock with a worker blocked on sending a verdict
    back (a thread also keeps a burst of answers from stalling the requests). Verdicts come back
    through one pipe, read on the event loop whenever it is readable. Measured with
    ``benchmarks/worker_pipe.py`` against the asyncio-stream framing this replaced: see
    benchmarks/RESULTS.md (issue 24). Bare pipes rather than ProcessPoolExecutor: the
    executor's helper threads fight the event loop for the GIL (about 1 ms per call measured here).
    """

    def __init__(
        self,
        factory: ScreenFactory,
        wanted: int | None,
        on_result: OnResult,
        on_error: OnError,
        *,
        workers: int = 1,
    ) -> None:
        self._context = multiprocessing.get_context("spawn")  # nothing inherited from this process
        self._processes: list[BaseProcess] = []
        self._results, results = self._context.Pipe(duplex=False)  # (reader, writer)
        preparer = getattr(factory, "preparer", None) if workers > 1 else None
        if preparer is None:
            self._jobs = self._start_whole(results, factory, wanted)
        else:
            self._jobs = self._start_split(results, factory, wanted, preparer(), readers=workers - 1)
        self._outbox: queue.SimpleQueue[Answer | None] = queue.SimpleQueue()
        self._sender: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._on_result, self._on_error = on_result, on_error

    def _start_whole(
        self, results: Connection, factory: ScreenFactory, wanted: int | None
    ) -> list[Connection]:
        """One worker screening each answer whole; returns the pipe to send it answers."""
        jobs, job_writer = self._context.Pipe(duplex=False)
        self._start(worker_main, (jobs, results, factory, wanted), "synthgen-screen")
        return [job_writer]

    def _start_split(
        self,
        results: Connection,
        factory: ScreenFactory,
        wanted: int | None,
        reader: PrepareFactory,
        *,
        readers: int,
    ) -> list[Connection]:
        """The deciding worker, then ``readers`` workers making ``reader`` (a PrepareFactory) and
        sending what they read to it; returns the pipes to send the readers answers, in turn."""
        read_pipes = [self._context.Pipe(duplex=False) for _ in range(readers)]
        self._start(decide_main, ([r for r, _ in read_pipes], results, factory, wanted), "synthgen-screen")
        job_writers = []
        for number, (_, read_writer) in enumerate(read_pipes, 1):
            jobs, job_writer = self._context.Pipe(duplex=False)
            self._start(prepare_main, (jobs, read_writer, reader), f"synthgen-screen-read-{number}")
            job_writers.append(job_writer)
        return job_writers

    def _start(self, target: Callable[..., None], args: tuple[Any, ...], name: str) -> None:
        """Start a worker, then close this process's copies of the pipe ends it was given (a
        worker sees EOF when the other side's process goes)."""
        process = self._context.Process(target=target, args=args, name=name, daemon=True)
        # Signals ignored: inherited through exec, the child ignores them from birth.
        with _signals_ignored(), main_not_rerun():
            process.start()
        self._processes.append(process)
        for end in args:
            for conn in end if isinstance(end, list) else [end]:
                if isinstance(conn, Connection):
                    conn.close()

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._loop.add_reader(self._results.fileno(), self._read_results)
        self._sender = threading.Thread(target=self._send_all, name="synthgen-screen-feed", daemon=True)
        self._sender.start()

    def submit(self, answer: Answer) -> None:
        self._outbox.put(answer)

    def _send_all(self) -> None:
        """The sender thread: every answer submitted, dealt out in turn, then the stop (None)."""
        turn = 0
        while True:
            answer = self._outbox.get()
            try:
                if answer is None:
                    for jobs in self._jobs:
                        jobs.send(None)
                    return
                self._jobs[turn % len(self._jobs)].send(answer)
            except OSError:  # a worker is gone: reading the verdicts reports it
                for jobs in self._jobs:
                    jobs.close()  # the other readers see EOF and end, rather than wait for the stop
                return
            turn += 1

    def _read_results(self) -> None:
        """The verdicts that came in (the event loop calls this when the pipe is readable)."""
        try:
            while self._results.poll():
                self._on_result(self._results.recv())
        except (EOFError, OSError):
            self._stop_reading()
            self._on_error(SynthgenError(self._death()))
        except Exception as exc:  # a bug in a callback: surface it in the engine
            self._stop_reading()
            self._on_error(exc)

    def _death(self) -> str:
        """What to say when the verdicts' pipe closed: which worker died, when it shows."""
        # Only the first worker (the one screening, or deciding) writes verdicts: it has ended.
        # A reader whose death ended it closed its pipe on dying: its exit is a moment away.
        self._processes[0].join(1.0)
        for process in [*self._processes[1:], self._processes[0]]:
            process.join(0.1)
            if process.exitcode:
                code = process.exitcode
                how = f"killed by signal {-code}" if code < 0 else f"exit code {code}"
                return f"the screening worker process died ({process.name}, {how})"
        return "the screening worker process died"

    def _stop_reading(self) -> None:
        if self._loop is not None:
            self._loop.remove_reader(self._results.fileno())
            self._loop = None

    async def aclose(self) -> None:
        """Stop the workers; also when start() was never reached (closing the pipes ends them)."""
        self._stop_reading()
        if self._sender is None:
            for jobs in self._jobs:
                jobs.close()  # the workers read EOF and return
        else:
            self._outbox.put(None)
        await asyncio.to_thread(self._join, 5.0)
        if self._sender is not None:
            await asyncio.to_thread(self._sender.join)  # the send fails once the workers are gone
            for jobs in self._jobs:
                jobs.close()
        self._results.close()

    def _join(self, seconds: float) -> None:
        """Wait up to ``seconds`` in all for the workers to end, then kill those still running."""
        deadline = time.monotonic() + seconds
        for process in self._processes:
            process.join(max(0.0, deadline - time.monotonic()))
        for process in self._processes:
            if process.is_alive():
                process.kill()
                process.join()
