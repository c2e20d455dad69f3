"""One sandboxed run: the process tree, from the worker down to the sample.

::

    worker (long-lived, talks to synthgen)
      └─ keeper   new namespaces: mount, PID, network, IPC, UTS (and user, without root);
          │       waits for init and exits with its status
          └─ init     PID 1 of the new PID namespace: builds the file system view, sets the
                      rlimits, drops to the unprivileged identity (last), parent-death signal,
                      no-new-privileges, then execs the sample: the sample *is* PID 1

When PID 1 exits, the kernel kills every process left in its PID namespace and waits for them,
so a sample's daemons, orphans and fork bombs end with it; a run is over when the keeper has
been reaped. The worker stops a run by killing init (SIGKILL reaches a namespace's PID 1 from
outside); the parent-death signal on keeper and init ends the run if the worker dies. Each
process hand-over waits for a time slice on a loaded machine: a separate init that forked the
sample measured ~15 ms more per run (median, load 8 on 2 cores), so init becomes the sample.

Everything here runs before the sample's code, with the worker's privileges: standard library
only, no ``synthgen`` import beyond this package.
"""

from __future__ import annotations

import os
import resource
import selectors
import signal
import time
from dataclasses import dataclass

from synthgen.verify.sandbox import linux
from synthgen.verify.sandbox.view import ViewSpec, build_view
from synthgen.verify.sandbox.watch import Outcome, exit_code, watch

NAMESPACES = linux.CLONE_NEWNS | linux.CLONE_NEWPID | linux.CLONE_NEWIPC | linux.CLONE_NEWUTS
SAMPLE_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": "/tmp",
    "TMPDIR": "/tmp",
    "LANG": "C.UTF-8",
    "PYTHONIOENCODING": "utf-8",
}
NESTED_ID = 1000  # the sample's uid and gid inside its own user namespace (without root)


@dataclass(frozen=True)
class Identity:
    """Who the sample runs as: ``uid``/``gid`` switched to by root, or (``userns``) its own
    nested user namespace, where it has no capability over anything it can see."""

    uid: int
    gid: int
    userns: bool


@dataclass(frozen=True)
class Setup:
    """What every run of a worker shares (the per-run part is :class:`Run`)."""

    identity: Identity
    python: str
    view: ViewSpec
    network: bool  # a new network namespace (False only with --allow-network-unsandboxed)
    limits: dict[str, float]  # timeout, cpu, memory, processes, open_files, file_size, output


@dataclass(frozen=True)
class Run:
    files: dict[str, str]
    argv: list[str]  # "python" as argv[0] is the sandbox's interpreter


def run_sandboxed(setup: Setup, run: Run) -> Outcome:
    """Run ``run`` in a fresh sandbox; returns when every process of it is gone."""
    linux.prctl(linux.PR_SET_CHILD_SUBREAPER, 1)  # an init whose keeper died comes back here
    pipes = {name: os.pipe() for name in ("stdout", "stderr", "report", "control")}
    started = time.monotonic()
    keeper = os.fork()
    if keeper == 0:
        _child(_keeper, setup, run, pipes)
    for _, write_end in pipes.values():
        os.close(write_end)
    outcome = Outcome()
    try:
        watch(keeper, setup.limits, {name: read for name, (read, _) in pipes.items()}, outcome, started)
    finally:
        for read_end, _ in pipes.values():
            os.close(read_end)
    return outcome


def _child(body, *args) -> None:  # type: ignore[no-untyped-def]
    """Run ``body`` in a forked child; never return (an escaping error is reported)."""
    pipes = args[-1]
    try:
        body(*args)
    except BaseException as exc:
        message = f"{type(exc).__name__}: {exc}\n".encode()
        os.write(pipes["control"][1], b"error " + message)
    finally:
        os._exit(126)


def _keeper(setup: Setup, run: Run, pipes: dict[str, tuple[int, int]]) -> None:
    """Make the namespaces, start their PID 1, wait for it and exit with its status."""
    parent = os.getppid()
    linux.prctl(linux.PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(126)  # the worker died before the signal was set
    flags = NAMESPACES | (linux.CLONE_NEWNET if setup.network else 0)
    if setup.identity.userns:
        flags |= linux.CLONE_NEWUSER
    uid, gid = os.getuid(), os.getgid()
    linux.unshare(flags)
    if setup.identity.userns:
        _map_ids(0, uid, 0, gid)
    # Not dumpable: without root, the sample has the same uid outside as keeper and init, which
    # hold every capability of the namespaces: nothing may ptrace them or read their /proc.
    linux.prctl(linux.PR_SET_DUMPABLE, 0)
    alive_read, alive_write = os.pipe()  # init sees end-of-file here once the keeper is gone
    init = os.fork()
    if init == 0:
        os.close(alive_write)
        _child(_init, setup, run, alive_read, pipes)
    os.write(pipes["control"][1], f"init {init}\n".encode())
    for read_end, write_end in pipes.values():
        os.close(read_end)
        if write_end != pipes["control"][1]:
            os.close(write_end)
    _, status = os.waitpid(init, 0)
    os._exit(exit_code(status))


def _init(setup: Setup, run: Run, alive: int, pipes: dict[str, tuple[int, int]]) -> None:
    """PID 1 of the run: builds the view, then becomes the sample (its exit ends the run)."""
    linux.prctl(linux.PR_SET_DUMPABLE, 0)  # see _keeper
    _die_with_keeper(alive)
    for name in ("stdout", "stderr", "report", "control"):
        os.close(pipes[name][0])
    linux.sethostname("sandbox")
    build_view(setup.view, run.files)
    _become_sample(setup, run, alive, pipes)


def _become_sample(setup: Setup, run: Run, alive: int, pipes: dict[str, tuple[int, int]]) -> None:
    """Standard streams and the report channel, rlimits, the identity (last), exec."""
    null = os.open("/dev/null", os.O_RDONLY)
    for target, source in ((0, null), (1, pipes["stdout"][1]), (2, pipes["stderr"][1])):
        os.dup2(source, target)
    os.dup2(pipes["report"][1], 3)
    alive = os.dup(alive)
    control = os.dup(pipes["control"][1])  # for an exec failure
    for fd in (alive, control):
        os.set_inheritable(fd, False)  # closed by the exec
    keep = sorted({alive, control})
    os.closerange(4, keep[0])
    os.closerange(keep[0] + 1, keep[-1])
    os.closerange(keep[-1] + 1, 65536)
    os.chdir("/tmp")
    _set_limits(setup.limits)
    linux.prctl(linux.PR_SET_DUMPABLE, 1)  # its own /proc files (a nested user namespace's maps)
    _drop_privileges(setup.identity)
    _die_with_keeper(alive)  # again: a change of credentials clears the parent-death signal
    linux.prctl(linux.PR_SET_NO_NEW_PRIVS, 1)
    argv = [setup.python if arg == "python" and i == 0 else arg for i, arg in enumerate(run.argv)]
    try:
        os.execve(argv[0], argv, SAMPLE_ENV)
    except OSError as exc:
        os.write(control, f"error exec {argv[0]}: {exc.strerror}\n".encode())
        os._exit(126)


def _die_with_keeper(alive: int) -> None:
    """The parent-death signal, then a check that the keeper (the parent) still lives: its
    end of the alive pipe is still open."""
    linux.prctl(linux.PR_SET_PDEATHSIG, signal.SIGKILL)
    if _readable(alive):  # end-of-file: the keeper died before the signal was set
        os._exit(126)


def _set_limits(limits: dict[str, float]) -> None:
    cpu = int(limits["cpu"])
    table = {
        resource.RLIMIT_CPU: (cpu, cpu + 1),  # SIGXCPU first, SIGKILL a second later
        resource.RLIMIT_AS: int(limits["memory"]),
        resource.RLIMIT_NPROC: int(limits["processes"]),
        resource.RLIMIT_NOFILE: int(limits["open_files"]),
        resource.RLIMIT_FSIZE: int(limits["file_size"]),
        resource.RLIMIT_CORE: 0,
    }
    for which, value in table.items():
        soft, hard = value if isinstance(value, tuple) else (value, value)
        resource.setrlimit(which, (soft, hard))


def _drop_privileges(identity: Identity) -> None:
    if identity.userns:
        linux.unshare(linux.CLONE_NEWUSER)  # no capability over the namespaces set up above
        _map_ids(NESTED_ID, 0, NESTED_ID, 0)
        return
    os.setgroups([])
    os.setresgid(identity.gid, identity.gid, identity.gid)
    os.setresuid(identity.uid, identity.uid, identity.uid)


def _map_ids(inner_uid: int, outer_uid: int, inner_gid: int, outer_gid: int) -> None:
    with open("/proc/self/setgroups", "w") as handle:
        handle.write("deny")
    with open("/proc/self/uid_map", "w") as handle:
        handle.write(f"{inner_uid} {outer_uid} 1")
    with open("/proc/self/gid_map", "w") as handle:
        handle.write(f"{inner_gid} {outer_gid} 1")


def _readable(fd: int) -> bool:
    selector = selectors.DefaultSelector()
    selector.register(fd, selectors.EVENT_READ)
    return bool(selector.select(0))
