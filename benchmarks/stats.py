"""Benchmark of ``synthgen stats`` (issue 16): a 52K-row dataset in under 15 s and 1 GB.

    python benchmarks/stats.py                      # makes the file with the mock teacher
    python benchmarks/stats.py --data FILE --runs 3 # an existing file, three runs

Makes a dataset with ``synthgen generate --teacher mock --num N`` (in-process mock teacher,
no network) unless ``--data`` is given, then runs ``python -m synthgen stats FILE --html
PAGE --json`` as a child process ``--runs`` times and prints, for each run, the wall time
its CPU time (user + system, the process and its duplicate-counting worker), and the peak
resident memory of both together (sampled from /proc every 20 ms, so a peak shorter than
that can be missed), plus the machine's load average before the run (the machine is shared:
other sessions' jobs stretch the wall time, not the CPU time).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def synthgen(*args: object) -> list[str]:
    return [sys.executable, "-m", "synthgen", *(str(a) for a in args)]


def tree_rss_kib(pid: int) -> int:
    """Resident memory of ``pid`` and its descendants, in KiB (0 once gone)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
        todo.extend(int(child) for child in children)
    return total


def run_stats(data: Path, page: Path) -> tuple[float, float, int, int]:
    """Wall seconds, CPU seconds (the process and its worker), peak RSS (KiB) of the tree, exit code."""
    started = time.perf_counter()
    proc = subprocess.Popen(synthgen("stats", data, "--html", page, "--json"), stdout=subprocess.DEVNULL)
    peak = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        peak = max(peak, tree_rss_kib(proc.pid))
        time.sleep(0.02)
    proc.returncode = os.waitstatus_to_exitcode(status)
    # wait4's usage covers the process and the children it waited for (the duplicate worker)
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime, peak, proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=52_000)
    parser.add_argument("--data", type=Path, help="an existing dataset (skips generation)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = args.data
        if data is None:
            data = Path(tmp) / "mock.jsonl"
            made = time.perf_counter()
            subprocess.run(
                synthgen("generate", "--teacher", "mock", "--num", args.rows, "-o", data, "-q", "--no-cache"),
                check=True,
            )
            print(f"made {args.rows:,} rows with the mock teacher in {time.perf_counter() - made:.1f} s")
        rows = sum(1 for line in data.open(encoding="utf-8") if line.strip())
        print(
            f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        )
        for run in range(1, args.runs + 1):
            load = os.getloadavg()[0]
            seconds, cpu, peak, code = run_stats(data, Path(tmp) / "page.html")
            print(
                f"run {run}: {rows:,} rows in {seconds:.2f} s (CPU {cpu:.2f} s), peak RSS {peak / 1024:.0f} MB, "
                f"exit {code}, load before {load:.2f}"
            )


if __name__ == "__main__":
    main()
