"""A sandbox worker process: runs one sandboxed program at a time for the pool.

Started by :mod:`synthgen.verify.sandbox.pool` as ``python -I -m synthgen.verify.sandbox.worker``
with a scrubbed environment (so no key is in its memory or its ``/proc/<pid>/environ``). It
reads its settings as the first line of stdin, picks the identity its samples run as, tries
one sandboxed run (the probe) and says hello; then it reads one job per line and writes one
result per line (JSON), until stdin closes. It dies with synthgen (parent-death signal) and
adopts what a killed run leaves (child subreaper); Ctrl-C is left to synthgen.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
from dataclasses import replace

from synthgen.verify.sandbox import linux
from synthgen.verify.sandbox.box import Identity, Run, Setup, run_sandboxed
from synthgen.verify.sandbox.view import ViewSpec

# Root gives each worker its own uid, so that RLIMIT_NPROC (which does not bind root) caps a
# sample's processes and no file of another user is the sample's own. The ids are far above
# any login or system account; a worker holds its id by binding an abstract Unix socket named
# after it (freed by the kernel when the worker exits, leaving no file behind).
UID_BASE = 1_500_000_000
UID_SLOTS = 4096
PROBE = Run({}, ["python", "-I", "-S", "-c", "print('ok')"])
HINT = (
    "run synthgen as root, or where unprivileged user namespaces are enabled "
    "(sysctl kernel.unprivileged_userns_clone=1, user.max_user_namespaces > 0)"
)


def main() -> None:
    parent = os.getppid()
    linux.prctl(linux.PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        return
    linux.prctl(linux.PR_SET_CHILD_SUBREAPER, 1)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)
    settings = json.loads(sys.stdin.readline())
    hold: list[socket.socket] = []
    setup, problem = ready_setup(settings, hold)
    _send({"ready": problem is None, "error": problem, **(describe(setup) if setup else {})})
    if setup is None:
        return
    for line in sys.stdin:
        job = json.loads(line)
        outcome = run_sandboxed(setup, Run(job["files"], job["argv"]))
        _send({"id": job["id"], **outcome.as_json()})


def ready_setup(settings: dict, hold: list[socket.socket]) -> tuple[Setup | None, str | None]:  # type: ignore[type-arg]
    """The setup every run will use, proven by a probe run; or why there is none."""
    try:
        identity = _identity(hold)
    except OSError as exc:
        return None, f"{exc}; {HINT}"
    python = os.path.realpath(getattr(sys, "_base_executable", None) or sys.executable)
    prefixes = {os.path.realpath(sys.base_prefix), os.path.realpath(sys.base_exec_prefix)}
    owner = (identity.uid, identity.gid) if not identity.userns else (0, 0)
    view = ViewSpec(tuple(sorted(prefixes)), owner, int(settings["disk_bytes"]))
    setup = Setup(identity, python, view, True, settings["limits"])
    problem = _probe(setup)
    if problem is None:
        return setup, None
    shared = replace(setup, network=False)
    if _probe(shared) is not None:
        return None, f"{problem}; {HINT}"
    if settings.get("allow_network_unsandboxed"):
        return shared, None
    return None, (
        f"no network namespace: {problem}; pass --allow-network-unsandboxed to let samples "
        "use this machine's network"
    )


def _identity(hold: list[socket.socket]) -> Identity:
    if os.geteuid() != 0:
        return Identity(os.getuid(), os.getgid(), userns=True)
    for slot in range(UID_SLOTS):
        uid = UID_BASE + slot
        claim = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            claim.bind(f"\0synthgen-sandbox-uid-{uid}")
        except OSError:
            claim.close()
            continue
        hold.append(claim)
        return Identity(uid, uid, userns=False)
    raise OSError(0, f"no free sandbox uid in {UID_BASE}..{UID_BASE + UID_SLOTS - 1}")


def _probe(setup: Setup) -> str | None:
    outcome = run_sandboxed(setup, PROBE)
    if outcome.error is not None:
        return outcome.error
    if outcome.exit_code != 0 or bytes(outcome.stdout).strip() != b"ok":
        detail = bytes(outcome.stderr).decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
        return f"the interpreter {setup.python} did not run in the sandbox (exit {outcome.exit_code}: {detail[0]})"
    return None


def describe(setup: Setup) -> dict[str, object]:
    who = "a user namespace" if setup.identity.userns else f"uid {setup.identity.uid}"
    return {"python": setup.python, "identity": who, "network": "isolated" if setup.network else "shared"}


def _send(message: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
