"""Helpers for the sandbox tests: run programs in a real pool, look for what a run left."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from synthgen.verify.sandbox import (
    SandboxJob,
    SandboxLimits,
    SandboxPool,
    SandboxResult,
    SandboxUnavailable,
    linux,
    probe,
)

FAST = SandboxLimits(timeout=1.0, memory_mb=512, processes=16)


def sandbox_or_skip() -> dict[str, object]:
    try:
        return probe(FAST)
    except SandboxUnavailable as exc:  # pragma: no cover - machines without namespaces
        pytest.skip(f"no sandbox here: {exc}")


def run_programs(
    programs: list[str],
    limits: SandboxLimits = FAST,
    *,
    workers: int = 2,
    after: Callable[[SandboxPool], object] | None = None,
) -> tuple[list[SandboxResult], object]:
    """Run each program as ``python main.py`` in one pool; ``after(pool)`` runs before it closes."""

    async def scenario() -> tuple[list[SandboxResult], object]:
        pool = SandboxPool(workers, limits)
        await pool.start()
        try:
            jobs = [SandboxJob({"main.py": code}, ["python", "-I", "-S", "main.py"]) for code in programs]
            results = list(await asyncio.gather(*(pool.run(job) for job in jobs)))
            return results, after(pool) if after else None
        finally:
            await pool.aclose()

    return asyncio.run(scenario())


def processes_of(uid: int) -> list[int]:
    """PIDs of every process whose real uid is ``uid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue  # ended meanwhile
        for line in status.splitlines():
            if line.startswith("Uid:") and int(line.split()[1]) == uid:
                found.append(int(entry.name))
    return found


def sandbox_uid(pool: SandboxPool) -> int | None:
    """The uid a root pool's samples run as (None in a user namespace)."""
    identity = str(pool.description.get("identity", ""))
    return int(identity.split()[1]) if identity.startswith("uid ") else None


def is_root() -> bool:
    return os.geteuid() == 0


def without_network_namespaces(body: Callable[[], str]) -> str:
    """``body()`` run in a forked child inside a user namespace (as root of it, every uid
    mapped, so a root sandbox works there) that may not make network namespaces; its result.
    Needs root (to map the ids)."""
    ready_read, ready_write = os.pipe()
    go_read, go_write = os.pipe()
    out_read, out_write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - in the child
        try:
            linux.unshare(linux.CLONE_NEWUSER)
            os.write(ready_write, b"x")
            os.read(go_read, 1)
            Path("/proc/sys/user/max_net_namespaces").write_text("0")
            os.write(out_write, body().encode())
        finally:
            os._exit(0)
    os.read(ready_read, 1)
    for name in ("uid_map", "gid_map"):
        Path(f"/proc/{pid}/{name}").write_text("0 0 2000000000")
    os.write(go_write, b"x")
    os.close(out_write)
    os.waitpid(pid, 0)
    with os.fdopen(out_read) as answer:
        return answer.read()
