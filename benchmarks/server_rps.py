"""Requests per second that ``synthgen mock-teacher`` sustains (issue 3 asks >= 1,000/s on 2 cores).

Starts the server with zero latency on a free loopback port, then client processes that between
them keep ``--concurrency`` chat completions in flight until ``--requests`` are answered. Prints
the wall-clock rate, and the CPU time per request of the server (from /proc) and of the clients:
with everything on one machine, the two share the cores.

The clients use aiohttp by default: on this machine httpx's AsyncClient spends several ms of CPU
a request, so with httpx the benchmark would mostly measure the client (``--client httpx`` shows it).

    python benchmarks/server_rps.py [--requests 20000] [--concurrency 64] [--clients 2]
                                    [--tasks 20] [-- SERVER ARGS]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

TASKS_PROMPT = (
    "We are collecting a varied set of tasks to teach an AI assistant to follow instructions.\n"
    "Example tasks:\n\n1. Instruction: Give three tips for staying healthy.\n1. Input: <noinput>\n"
    "1. Output: Eat well, sleep enough and move every day.\n\n"
    "Now write {n} new tasks in exactly the same format, numbered 1 to {n}."
)
QUESTION_PROMPT = "What is the boiling point of water at the top of a high mountain, and why?"

# (start, end, statuses, client CPU seconds) of one client process
ClientResult = tuple[float, float, Counter[int], float]


def prompt_for(tasks: int) -> str:
    """A prompt asking for ``tasks`` tasks (the reply grows ~430 bytes a task), or a question if 0."""
    return TASKS_PROMPT.format(n=tasks) if tasks else QUESTION_PROMPT


def start_server(extra: list[str]) -> tuple[subprocess.Popen[str], str]:
    """Start the server on a free port; returns the process and its root URL."""
    cmd = [sys.executable, "-m", "synthgen", "mock-teacher", "--port", "0", *extra]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    for line in proc.stderr:
        if match := re.match(r"mock-teacher listening on (http://\S+)/v1$", line.strip()):
            return proc, match[1]
    raise SystemExit(f"server did not start (exit code {proc.wait()})")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux only; None elsewhere)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _payload(prompt: str, seed: int) -> dict[str, Any]:
    # A different seed per request: every reply is generated afresh, as in a real run.
    return {"model": "mock", "messages": [{"role": "user", "content": prompt}], "seed": seed}


async def _aiohttp_run(url: str, prompt: str, seeds: range, concurrency: int, go: Any) -> ClientResult:
    import aiohttp

    statuses: Counter[int] = Counter()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:

        async def one(seed: int) -> None:
            async with session.post(f"{url}/v1/chat/completions", json=_payload(prompt, seed)) as resp:
                await resp.read()
                statuses[resp.status] += 1

        return await _drive(one, seeds, concurrency, go, statuses)


async def _httpx_run(url: str, prompt: str, seeds: range, concurrency: int, go: Any) -> ClientResult:
    statuses: Counter[int] = Counter()
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:

        async def one(seed: int) -> None:
            resp = await client.post("/v1/chat/completions", json=_payload(prompt, seed))
            statuses[resp.status_code] += 1

        return await _drive(one, seeds, concurrency, go, statuses)


async def _drive(
    one: Callable[[int], Awaitable[None]], seeds: range, concurrency: int, go: Any, statuses: Counter[int]
) -> ClientResult:
    """Warm the connections up, wait for the common start, then keep ``concurrency`` in flight."""
    await asyncio.gather(*(one(-1 - i) for i in range(concurrency)))
    statuses.clear()
    await asyncio.get_running_loop().run_in_executor(None, go.wait)
    started, cpu = time.perf_counter(), time.process_time()
    queue = iter(seeds)

    async def lane() -> None:
        for seed in queue:  # lanes share one iterator: each seed is sent once
            await one(seed)

    await asyncio.gather(*(lane() for _ in range(concurrency)))
    return started, time.perf_counter(), statuses, time.process_time() - cpu


def client_process(
    kind: str, url: str, prompt: str, seeds: range, concurrency: int, go: Any, out: Any
) -> None:
    """One client process; puts its :data:`ClientResult` on ``out``."""
    run = _aiohttp_run if kind == "aiohttp" else _httpx_run
    out.put(asyncio.run(run(url, prompt, seeds, concurrency, go)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=64, help="requests in flight, all clients")
    parser.add_argument("--clients", type=int, default=2, help="client processes")
    parser.add_argument("--client", choices=["aiohttp", "httpx"], default="aiohttp")
    parser.add_argument("--tasks", type=int, default=20, help="tasks asked per request; 0: a question")
    parser.add_argument("server_args", nargs="*", help="extra mock-teacher options, after --")
    args = parser.parse_args()

    share, lanes, prompt = (
        args.requests // args.clients,
        args.concurrency // args.clients,
        prompt_for(args.tasks),
    )
    proc, url = start_server(args.server_args)
    try:
        ctx = mp.get_context("spawn")
        go, out = ctx.Event(), ctx.Queue()
        workers = [
            ctx.Process(
                target=client_process,
                args=(args.client, url, prompt, range(i * share, (i + 1) * share), lanes, go, out),
            )
            for i in range(args.clients)
        ]
        for worker in workers:
            worker.start()
        time.sleep(2)  # let every client import, connect and warm up
        httpx.post(f"{url}/stats/reset").raise_for_status()
        cpu_before = cpu_seconds(proc.pid)
        go.set()
        results: list[ClientResult] = [out.get() for _ in workers]
        cpu_after = cpu_seconds(proc.pid)
        for worker in workers:
            worker.join()
        stats = httpx.get(f"{url}/stats").json()
    finally:
        proc.terminate()
        proc.wait()

    total = share * args.clients
    wall = max(r[1] for r in results) - min(r[0] for r in results)
    statuses = sum((r[2] for r in results), Counter())
    print(
        f"mock-teacher: {total} chat completions asking for {args.tasks or 'no'} tasks, "
        f"{args.concurrency} in flight, {args.clients} {args.client} client process(es), "
        f"server args: {' '.join(args.server_args) or 'none'}"
    )
    print(f"  wall {wall:.2f} s -> {total / wall:,.0f} requests/s; statuses {dict(statuses)}")
    print(f"  server counted {stats['requests_total']} requests, max concurrent {stats['max_concurrent']}")
    print(f"  client CPU {sum(r[3] for r in results) / total * 1e6:.0f} us/request")
    if cpu_before is not None and cpu_after is not None:
        per_request = (cpu_after - cpu_before) / total
        print(
            f"  server CPU {per_request * 1e6:.0f} us/request -> {1 / per_request:,.0f} requests/s of one core"
        )


if __name__ == "__main__":
    main()
