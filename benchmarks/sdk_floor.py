"""The floor under benchmarks/throughput.py: the openai SDK alone, doing nothing else.

A fresh interpreter imports openai, sends ``--requests`` chat completions with ``--concurrency``
in flight through ``AsyncOpenAI.post`` (synthgen's request path, ``max_retries=0``), and prints
one JSON line: seconds spent importing, seconds sending, and its CPU time. Nothing is parsed,
filtered, deduplicated or written, so no client built on the SDK can beat these figures on the
same machine; throughput.py runs it against a fresh mock server after the real run and reports
synthgen's efficiency as a share of this one.

    python benchmarks/sdk_floor.py http://127.0.0.1:8000/v1 --prompt-file prompt.txt
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import asyncio  # noqa: E402  (imports timed from interpreter start on purpose)
import json  # noqa: E402

import openai  # noqa: E402
from floor_common import parse_args, print_result  # noqa: E402

IMPORTED = time.perf_counter()


async def send_all(url: str, prompt: str, requests: int, concurrency: int, max_tokens: int) -> float:
    client = openai.AsyncOpenAI(base_url=url, api_key="unused", max_retries=0)
    body = {"model": "mock", "messages": [{"role": "user", "content": prompt}], "max_tokens": max_tokens}
    left = requests

    async def sender() -> None:
        nonlocal left
        while left > 0:
            left -= 1
            json.loads(await client.post("/chat/completions", cast_to=bytes, body=body))

    start = time.perf_counter()
    await asyncio.gather(*(sender() for _ in range(concurrency)))
    seconds = time.perf_counter() - start
    await client.close()
    return seconds


def main() -> None:
    args = parse_args(__doc__)
    prompt = args.prompt_file.read_text(encoding="utf-8")
    run = asyncio.run(send_all(args.url, prompt, args.requests, args.concurrency, args.max_tokens))
    print_result(IMPORTED - STARTED, run)


if __name__ == "__main__":
    main()
