"""The pool: ``workers`` sandbox worker processes, fed from one queue ordered by priority.

The event loop only writes a job line to an idle worker and reads its result line; the
waiting (a sample's timeout) happens in the workers, so a hanging sample holds one worker
for its timeout and nothing else. A worker that dies or stops answering is replaced and its
job gets an ``error`` result; a worker that cannot be started again raises
:class:`SandboxUnavailable`.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import json
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Any

from synthgen.errors import UsageError

WORKER = [sys.executable, "-I", "-m", "synthgen.verify.sandbox.worker"]
WORKER_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"}  # no keys, no proxies
LINE_LIMIT = 64 * 1024 * 1024  # a result line holds at most the capped output (a few MB)
GRACE_SECONDS = 10.0  # a worker silent this long past a job's timeout is replaced


class SandboxUnavailable(UsageError):
    """This machine cannot give the sandbox's protections; the message says which and why."""


@dataclass(frozen=True)
class SandboxLimits:
    """Limits of one sandboxed run (each process of it, where the kernel counts per process)."""

    timeout: float = 10.0  # wall-clock seconds, for the whole run
    memory_mb: int = 1024  # address space per process
    processes: int = 32  # processes and threads of the sandbox's uid at once
    open_files: int = 64
    file_size_mb: int = 16  # largest file it may write
    disk_mb: int = 64  # its writable /tmp in all
    output_kb: int = 1024  # stdout + stderr (+ the report channel) before the run is stopped

    def worker_settings(self, allow_network_unsandboxed: bool) -> dict[str, Any]:
        limits = {
            "timeout": self.timeout,
            "cpu": int(self.timeout) + 1,
            "memory": self.memory_mb << 20,
            "processes": self.processes,
            "open_files": self.open_files,
            "file_size": self.file_size_mb << 20,
            "output": self.output_kb << 10,
        }
        return {
            "limits": limits,
            "disk_bytes": self.disk_mb << 20,
            "allow_network_unsandboxed": allow_network_unsandboxed,
        }


@dataclass(frozen=True)
class SandboxJob:
    """Files written to the run's ``/tmp`` (its working directory), and the command to run
    there; ``"python"`` as the first word is the sandbox's interpreter (standard library only)."""

    files: dict[str, str]
    argv: list[str]


@dataclass(frozen=True)
class SandboxResult:
    exit_code: int | None  # 128 + N when signal N ended it; None when the sandbox failed
    timed_out: bool
    output_limited: bool  # stopped for writing more than the output limit
    seconds: float
    stdout: str  # the first output_kb of each stream (cut, not the whole)
    stderr: str
    report: str  # what the program wrote on file descriptor 3
    output_bytes: int  # everything written, cut or not
    error: str | None = None  # the sandbox itself failed (never the sample's fault)

    @classmethod
    def failed(cls, error: str) -> SandboxResult:
        return cls(None, False, False, 0.0, "", "", "", 0, error)


@dataclass
class PoolStats:
    done: int = 0
    running: int = 0
    timeouts: int = 0
    output_limited: int = 0
    errors: int = 0
    seconds: float = 0.0  # summed run time


@dataclass(order=True)
class _Queued:
    priority: int
    number: int
    job: SandboxJob = field(compare=False)
    future: asyncio.Future[SandboxResult] = field(compare=False)


class _Worker:
    def __init__(self, process: asyncio.subprocess.Process, hello: dict[str, Any]) -> None:
        self.process = process
        self.hello = hello

    async def run(self, job: SandboxJob, number: int, timeout: float) -> SandboxResult:
        assert self.process.stdin is not None and self.process.stdout is not None
        message = {"id": number, "files": job.files, "argv": job.argv}
        self.process.stdin.write(json.dumps(message).encode() + b"\n")
        line = await asyncio.wait_for(self.process.stdout.readline(), timeout + GRACE_SECONDS)
        if not line:
            raise ConnectionError("the sandbox worker died")
        data = json.loads(line)
        data.pop("id")
        return SandboxResult(**data)

    async def close(self) -> None:
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
        await self.process.wait()


class SandboxPool:
    """Runs :class:`SandboxJob` s in ``workers`` sandbox processes, lowest priority first."""

    def __init__(self, workers: int, limits: SandboxLimits, *, allow_network_unsandboxed: bool = False):
        self.size = workers
        self.limits = limits
        self._settings = limits.worker_settings(allow_network_unsandboxed)
        self._idle: list[_Worker] = []
        self._workers: list[_Worker] = []  # idle or busy
        self._broken: SandboxUnavailable | None = None  # a worker could not be replaced
        self._queue: list[_Queued] = []
        self._numbers = itertools.count()
        self._tasks: set[asyncio.Task[None]] = set()
        self.stats = PoolStats()
        self.description: dict[str, Any] = {}

    async def start(self) -> None:
        """Start every worker (each proves the sandbox with a probe run)."""
        workers = await asyncio.gather(*(self._spawn() for _ in range(self.size)), return_exceptions=True)
        self._idle = [w for w in workers if isinstance(w, _Worker)]
        self._workers = list(self._idle)
        failure = next((w for w in workers if isinstance(w, BaseException)), None)
        if failure is not None:
            await self.aclose()
            raise failure
        self.description = self._idle[0].hello

    async def _spawn(self) -> _Worker:
        process = await asyncio.create_subprocess_exec(
            *WORKER,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=WORKER_ENV,
            start_new_session=True,  # Ctrl-C goes to synthgen, which stops the pool itself
            limit=LINE_LIMIT,
        )
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(json.dumps(self._settings).encode() + b"\n")
        hello = json.loads(await process.stdout.readline() or b"{}")
        if not hello.get("ready"):
            worker = _Worker(process, hello)
            await worker.close()
            raise SandboxUnavailable(
                _unavailable(hello, await process.stderr.read() if process.stderr else b"")
            )
        return _Worker(process, hello)

    def run(self, job: SandboxJob, priority: int = 0) -> asyncio.Future[SandboxResult]:
        """The result of ``job``, once a worker has run it (lower ``priority`` goes first)."""
        future: asyncio.Future[SandboxResult] = asyncio.get_running_loop().create_future()
        if self._broken is not None:
            future.set_exception(self._broken)
            return future
        heapq.heappush(self._queue, _Queued(priority, next(self._numbers), job, future))
        self._dispatch()
        return future

    def _dispatch(self) -> None:
        while self._idle and self._queue:
            queued = heapq.heappop(self._queue)
            if queued.future.cancelled():
                continue
            task = asyncio.ensure_future(self._run_on(self._idle.pop(), queued))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _run_on(self, worker: _Worker, queued: _Queued) -> None:
        self.stats.running += 1
        try:
            result = await worker.run(queued.job, queued.number, self.limits.timeout)
        except (ConnectionError, asyncio.TimeoutError, OSError, ValueError) as exc:
            # not the sample's doing (it cannot reach the worker): a broken or stuck worker
            result = SandboxResult.failed(f"sandbox worker failed: {exc or type(exc).__name__}")
            worker = await self._replace(worker)
        finally:
            self.stats.running -= 1
        self._count(result)
        if not queued.future.done():
            queued.future.set_result(result)
        if worker is not None:
            self._idle.append(worker)
        self._dispatch()

    async def _replace(self, worker: _Worker) -> _Worker | None:
        self._workers.remove(worker)
        await worker.close()
        try:
            worker = await self._spawn()
        except SandboxUnavailable as exc:
            self._fail_all(exc)
            return None
        self._workers.append(worker)
        return worker

    def _fail_all(self, exc: SandboxUnavailable) -> None:
        self._broken = exc
        for queued in self._queue:
            if not queued.future.done():
                queued.future.set_exception(exc)
        self._queue.clear()

    def _count(self, result: SandboxResult) -> None:
        stats = self.stats
        stats.done += 1
        stats.timeouts += result.timed_out
        stats.output_limited += result.output_limited
        stats.errors += result.error is not None
        stats.seconds += result.seconds

    async def aclose(self) -> None:
        """Stop the workers (a run in progress is killed with its worker's tree)."""
        for queued in self._queue:
            queued.future.cancel()
        self._queue.clear()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        workers, self._workers, self._idle = self._workers, [], []
        await asyncio.gather(*(w.close() for w in workers))


def probe(limits: SandboxLimits, *, allow_network_unsandboxed: bool = False) -> dict[str, Any]:
    """Start one worker and stop it: what the sandbox gives here (``python``, ``identity``,
    ``network``), or :class:`SandboxUnavailable` naming what it cannot give. Synchronous, for
    a command's checks before any request."""
    settings = limits.worker_settings(allow_network_unsandboxed)
    try:
        done = subprocess.run(
            WORKER,
            input=json.dumps(settings).encode() + b"\n",
            capture_output=True,
            env=WORKER_ENV,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SandboxUnavailable(_unavailable({"error": str(exc)}, b"")) from exc
    hello = json.loads(done.stdout.splitlines()[0]) if done.stdout.strip() else {}
    if not hello.get("ready"):
        raise SandboxUnavailable(_unavailable(hello, done.stderr))
    return hello


def _unavailable(hello: dict[str, Any], stderr: bytes) -> str:
    reason = hello.get("error") or (stderr.decode(errors="replace").strip().splitlines() or ["no answer"])[-1]
    return f"--sandbox process: cannot isolate model-written code on this machine: {reason}"
