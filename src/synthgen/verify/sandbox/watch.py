"""Watching one sandboxed run from the worker: its output, its deadline, its end.

The worker reads the run's pipes as they fill and stops the run (SIGKILL to its init, the
PID 1 of its namespace, which takes every process of the run with it) at the deadline or
when the output passes the limit. A run is over when its keeper has exited and every
adopted process is reaped; the output is then read as far as it is there, never waiting for
end-of-output, which a leftover process could hold open forever.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import time
from dataclasses import dataclass, field

READ_CHUNK = 65536


@dataclass
class Outcome:
    exit_code: int | None = None  # the sample's exit code; 128 + N when a signal N ended it
    timed_out: bool = False
    output_limited: bool = False
    seconds: float = 0.0
    stdout: bytearray = field(default_factory=bytearray)
    stderr: bytearray = field(default_factory=bytearray)
    report: bytearray = field(default_factory=bytearray)  # what the sample wrote on fd 3
    output_bytes: int = 0  # stdout, stderr and report, all of it (what is kept is cut at the limit)
    error: str | None = None  # the sandbox could not be set up

    def as_json(self) -> dict[str, object]:
        data = {k: v for k, v in self.__dict__.items() if not isinstance(v, bytearray)}
        for name in ("stdout", "stderr", "report"):
            data[name] = bytes(getattr(self, name)).decode("utf-8", "replace")
        return data


def exit_code(status: int) -> int:
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


def watch(
    keeper: int, limits: dict[str, float], reads: dict[str, int], outcome: Outcome, started: float
) -> None:
    """Collect output until the keeper exits (never waiting for end-of-output, which a
    leftover process could hold open), stopping the run at its deadline or output limit."""
    selector = selectors.DefaultSelector()
    for name, fd in reads.items():
        os.set_blocking(fd, False)
        selector.register(fd, selectors.EVENT_READ, name)
    pidfd = os.pidfd_open(keeper)
    selector.register(pidfd, selectors.EVENT_READ, None)
    control = bytearray()
    try:
        _collect(selector, keeper, limits, outcome, control, started)
        _, status = os.waitpid(keeper, 0)
        _reap_orphans()  # an init whose keeper was killed: gone once every process of it is
        outcome.seconds = round(time.monotonic() - started, 4)
        for name, fd in reads.items():  # what was written before the end, without waiting
            _read_into(fd, name, outcome, control, int(limits["output"]), drain=True)
        _settle(outcome, exit_code(status), control)
    finally:
        selector.close()
        os.close(pidfd)


def _collect(
    selector: selectors.BaseSelector,
    keeper: int,
    limits: dict[str, float],
    outcome: Outcome,
    control: bytearray,
    started: float,
) -> None:
    """Read the pipes until the keeper has exited; kill init (or, before its pid is known,
    the keeper) at the deadline or past the output limit."""
    deadline, cap = started + limits["timeout"], int(limits["output"])
    init: int | None = None
    stopped = False
    while True:
        remaining = deadline - time.monotonic()
        events = selector.select(0.05 if stopped else max(0.0, remaining))
        for key, _ in events:
            if key.data is not None:
                _read_into(key.fd, key.data, outcome, control, cap)
        init = init or _init_pid(control)
        if any(key.data is None for key, _ in events):
            return
        if not stopped and (remaining <= 0 or outcome.output_bytes > cap):
            stopped = True
            outcome.timed_out = remaining <= 0
            outcome.output_limited = not outcome.timed_out
        if stopped:  # again until it ends: init may not have been known the first time
            _kill(init if init is not None else keeper)


def _read_into(
    fd: int, name: str, outcome: Outcome, control: bytearray, cap: int, drain: bool = False
) -> None:
    while True:
        try:
            chunk = os.read(fd, READ_CHUNK)
        except BlockingIOError:
            return
        if not chunk:
            return
        if name == "control":
            control += chunk
        else:
            buffer = getattr(outcome, name)
            outcome.output_bytes += len(chunk)
            room = cap - len(buffer)
            if room > 0:
                buffer += chunk[:room]
        if not drain:
            return


def _init_pid(control: bytearray) -> int | None:
    for line in bytes(control).decode(errors="replace").splitlines():
        if line.startswith("init "):
            return int(line.split()[1])
    return None


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _settle(outcome: Outcome, code: int, control: bytearray) -> None:
    errors = [
        line[6:] for line in bytes(control).decode(errors="replace").splitlines() if line.startswith("error ")
    ]
    if errors and not (outcome.timed_out or outcome.output_limited):
        outcome.error = errors[0]
        return
    outcome.exit_code = code


def _reap_orphans() -> None:
    """Wait for every other child: as a child subreaper, the worker adopts the init of a
    keeper that died first, and that init ends (parent-death signal) only once the kernel
    has killed every process of its namespace."""
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return
