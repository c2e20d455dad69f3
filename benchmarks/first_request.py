"""How soon ``synthgen generate`` sends its first request after it is started.

Starts ``synthgen mock-teacher``, then runs ``generate --num 40`` against it ``--runs`` times
with each launcher (``python -m synthgen`` and, when installed, the ``synthgen`` console
script), and prints, per run, the time from just before the process was started to the
arrival of its first chat request at the server (the server's ``/debug/requests`` log keeps
each request's arrival time). Same machine, same clock.

    python benchmarks/first_request.py --runs 5
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx


def start_server() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "synthgen", "mock-teacher", "--port", "0", "--latency-ms", "300"],
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stderr is not None
    return proc, proc.stderr.readline().split("listening on", 1)[1].strip()


def first_request_after(launcher: list[str], url: str) -> float:
    """Seconds from starting ``launcher generate ...`` to its first request's arrival."""
    root = url.rsplit("/v1", 1)[0]
    httpx.post(f"{root}/stats/reset")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.jsonl"
        start = time.time()
        subprocess.run(
            [*launcher, "generate", "--base-url", url, "--model", "mock", "--num", "40", "-o", str(out),
             "--no-cache", "--quiet"],
            check=True, capture_output=True,
        )  # fmt: skip
    records = httpx.get(f"{root}/debug/requests").json()["requests"]
    arrivals = [r["received_at"] for r in records if r["path"] == "/v1/chat/completions"]
    return min(arrivals) - start


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--server-url", help="a running mock server's /v1 URL (e.g. to time an older client against it)"
    )
    args = parser.parse_args()
    launchers = {"python -m synthgen": [sys.executable, "-m", "synthgen"]}
    # The console script beside this interpreter (a version manager's shim on PATH would add
    # its own start-up to the figure).
    beside = Path(sys.executable).with_name("synthgen")
    script = str(beside) if beside.exists() else shutil.which("synthgen")
    if script:
        launchers["synthgen (console script)"] = [script]
    baseline = min(_seconds([sys.executable, "-c", "pass"]) for _ in range(args.runs))
    print(f"{'python -c pass':<28}{baseline:.3f} s (interpreter start-up, for scale)")
    server, url = (None, args.server_url) if args.server_url else start_server()
    try:
        for name, launcher in launchers.items():
            times = [first_request_after(launcher, url) for _ in range(args.runs)]
            print(
                f"{name:<28}first request after {statistics.median(times):.3f} s median "
                f"(min {min(times):.3f}, max {max(times):.3f}, {args.runs} runs)"
            )
    finally:
        if server is not None:
            server.terminate()
            server.wait()


def _seconds(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
