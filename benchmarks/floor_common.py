"""What the floor clients (aiohttp_floor.py, sdk_floor.py) share: their options and their output line."""

from __future__ import annotations

import argparse
import json
import resource
from pathlib import Path


def parse_args(doc: str | None, *, retry: bool = False) -> argparse.Namespace:
    """The floor's options: server URL, prompt file, how many requests, how many in flight."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("--prompt-file", type=Path, required=True)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--max-tokens", type=int, default=4000)
    if retry:
        parser.add_argument("--retry", action="store_true", help="retry failures as a perfect client would")
    return parser.parse_args()


def print_result(import_seconds: float, run_seconds: float, **extra: object) -> None:
    """One JSON line: import and sending seconds, and the CPU time of the whole process."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({
        "import_seconds": round(import_seconds, 3),
        "run_seconds": round(run_seconds, 3),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3),
        **extra,
    }))  # fmt: skip
