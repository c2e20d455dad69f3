"""Benchmark of `respond --batch` through the mock server's Batch API (issue 25's numbers).

    python benchmarks/batch.py                  # 100,000 rows, 2% failed lines, and a live run
    python benchmarks/batch.py --rows 20000 --no-live

Starts `synthgen mock-teacher --error-rate-500 0.02` (each batch line fails with 2% chance, as
an error-file line), writes N rows, and times, each as its own `synthgen` process (wall time and
peak resident memory from /usr/bin/time):

* submission: planning, writing the input files, uploading them, creating the batches
  (100,000 requests: two batches of 50,000, OpenAI's limit);
* collection: download, caching, screening in request order and writing the dataset, and
  resubmitting the failed lines (the server answers a batch when it is first polled, which is
  done before the timed run so that the server's own work is not counted);
* the final collection of the resubmitted lines;
* with a live run (default): the same rows answered by chat requests from a fault-free server
  of the same seed, and whether the two datasets are byte-identical.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openai


def start_server(*args: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "synthgen", "mock-teacher", "--port", "0", *args], stderr=subprocess.PIPE, text=True
    )
    assert proc.stderr is not None
    return proc, proc.stderr.readline().split("listening on", 1)[1].strip()


def write_rows(path: Path, rows: int) -> None:
    with path.open("w") as handle:
        for i in range(rows):
            handle.write(json.dumps({"instruction": f"({i}) Explain in a few sentences why idea {i} matters.", "input": ""}) + "\n")  # fmt: skip


def timed(args: list[str]) -> tuple[int, float, float]:
    """(exit code, wall seconds, peak RSS in MB) of one synthgen process."""
    started = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-f", "%M", sys.executable, "-m", "synthgen", *args], capture_output=True, text=True
    )
    wall = time.perf_counter() - started
    peak_kb = int(done.stderr.strip().splitlines()[-1])
    return done.returncode, wall, peak_kb / 1024


def poll_until_final(url: str, state: Path) -> None:
    """Retrieve every pending batch once (the mock answers it then), outside the timed runs."""
    client = openai.OpenAI(base_url=url, api_key="x", max_retries=0, timeout=600)
    for record in json.loads(state.read_text())["batches"]:
        if not record["collected"] and record["batch_id"]:
            client.batches.retrieve(record["batch_id"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--no-live", action="store_true")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="synthgen-batch-bench-"))
    rows, out, cache = folder / "rows.jsonl", folder / "batched.jsonl", folder / "cache.sqlite3"
    write_rows(rows, options.rows)
    server, url = start_server("--error-rate-500", "0.02", "--batch-dir", str(folder / "server"))
    common = ["respond", str(rows), "-q", "--base-url", url, "--model", "mock", "--cache-path", str(cache)]
    print(f"machine: {platform.node()} {platform.machine()}, {platform.python_version()}; {time.strftime('%Y-%m-%d')}")
    print(f"rows: {options.rows:,}; mock server --error-rate-500 0.02")
    try:
        code, wall, peak = timed([*common, "-o", str(out), "--batch"])
        print(f"submission: exit {code}, {wall:.1f} s wall, peak {peak:.0f} MB")
        state = out.with_name(out.name + ".batch.json")
        rounds = 0
        while code == 75 and rounds < 10:
            rounds += 1
            poll_until_final(url, state)
            code, wall, peak = timed([*common, "-o", str(out), "--batch"])
            lines = sum(1 for _ in out.open()) if out.exists() else 0
            print(f"collection {rounds}: exit {code}, {wall:.1f} s wall, peak {peak:.0f} MB, {lines:,} rows written")
        batches = json.loads(state.read_text())["batches"]
        print("batches: " + ", ".join(f"{b['requests']:,} requests ({b['failed']} failed lines)" for b in batches))
    finally:
        server.terminate()
    if options.no_live:
        return
    plain, plain_url = start_server()
    try:
        live = folder / "live.jsonl"
        args = ["respond", str(rows), "-q", "--base-url", plain_url, "--model", "mock", "--no-cache", "-j", "64"]
        code, wall, peak = timed([*args, "-o", str(live)])
        print(f"live run: exit {code}, {wall:.1f} s wall, peak {peak:.0f} MB")
        print(f"byte-identical to the live run: {live.read_bytes() == out.read_bytes()}")
    finally:
        plain.terminate()


if __name__ == "__main__":
    main()
