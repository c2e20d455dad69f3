"""The floor under benchmarks/throughput.py: a minimal raw-aiohttp client, doing nothing else.

A fresh interpreter sends ``--requests`` chat completions with ``--concurrency`` in flight over
one aiohttp session (what synthgen's hot path uses), reads and JSON-decodes each answer, and
prints one JSON line: seconds spent importing, seconds sending, its CPU time, and attempts made.
Nothing is parsed, filtered, deduplicated or written.

With ``--retry`` it is also the perfect client of the fault scenario: a failed attempt frees its
slot at once, a 429 waits exactly its ``retry-after-ms``, anything else (5xx, a dropped
connection) is retried after 0.25 s; every request ends with an answer.

    python benchmarks/aiohttp_floor.py http://127.0.0.1:8000/v1 --prompt-file prompt.txt [--retry]
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import argparse  # noqa: E402  (imports timed from interpreter start on purpose)
import asyncio  # noqa: E402
import json  # noqa: E402

import aiohttp  # noqa: E402
from floor_common import parse_args, print_result  # noqa: E402

IMPORTED = time.perf_counter()
QUICK_RETRY_SECONDS = 0.25


async def send_all(args: argparse.Namespace, prompt: str) -> tuple[float, int]:
    body = {"model": "mock", "messages": [{"role": "user", "content": prompt}], "max_tokens": args.max_tokens}
    data = json.dumps(body, separators=(",", ":")).encode()
    headers = {"Authorization": "Bearer unused", "Content-Type": "application/json"}
    url = args.url.rstrip("/") + "/chat/completions"
    slots = asyncio.Semaphore(args.concurrency)
    attempts = 0

    async def attempt(session: aiohttp.ClientSession) -> float | None:
        """One attempt; None when answered, else the seconds to wait before the next."""
        nonlocal attempts
        attempts += 1
        try:
            async with session.post(url, data=data, headers=headers) as response:
                raw = await response.read()
                if response.status == 200:
                    json.loads(raw)
                    return None
                if not args.retry:
                    raise RuntimeError(f"HTTP {response.status} (pass --retry against a faulty server)")
                millis = response.headers.get("retry-after-ms")
                return float(millis) / 1000 if millis else QUICK_RETRY_SECONDS
        except (aiohttp.ClientError, ValueError):
            if not args.retry:
                raise
            return QUICK_RETRY_SECONDS

    async def request(session: aiohttp.ClientSession) -> None:
        while True:
            async with slots:  # held only while on the wire
                wait = await attempt(session)
            if wait is None:
                return
            await asyncio.sleep(wait)

    connector = aiohttp.TCPConnector(limit=args.concurrency, limit_per_host=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        start = time.perf_counter()
        await asyncio.gather(*(request(session) for _ in range(args.requests)))
        return time.perf_counter() - start, attempts


def main() -> None:
    args = parse_args(__doc__, retry=True)
    prompt = args.prompt_file.read_text(encoding="utf-8")
    run, attempts = asyncio.run(send_all(args, prompt))
    print_result(IMPORTED - STARTED, run, attempts=attempts)


if __name__ == "__main__":
    main()
