"""Time the test suite as CI runs it: wall, CPU (user+sys, the children included) and the slowest tests.

    python benchmarks/suite_time.py [--slowest 10] [-- extra pytest args]

Runs ``python -m pytest -q -p no:cacheprovider --durations=N`` in a child process and prints
its wall time, the CPU it and every process it waited for used (the suite's CLI runs, mock
servers and screening workers), the load average before and after (other work on the
machine stretches the wall time, not the CPU), and pytest's slowest N test phases.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slowest", type=int, default=10, help="How many of the slowest tests to list.")
    parser.add_argument("pytest_args", nargs="*", help="Extra pytest arguments (after --).")
    args = parser.parse_args()
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--durations={args.slowest}"]
    load_before = os.getloadavg()
    started = time.perf_counter()
    done = subprocess.run([*command, *args.pytest_args], cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    lines = done.stdout.splitlines()
    slowest = [line for line in lines if re.match(r"^\d+\.\d+s (call|setup|teardown) ", line)]
    summary = next((line for line in reversed(lines) if " passed" in line or " failed" in line), "")
    print(f"command: {' '.join(command[1:])} {' '.join(args.pytest_args)}".rstrip())
    print(f"result: {summary.strip('= ')} (exit {done.returncode})")
    print(f"wall: {wall:.1f} s")
    print(f"cpu: {usage.ru_utime + usage.ru_stime:.1f} s (user {usage.ru_utime:.1f} + sys {usage.ru_stime:.1f})")
    print(f"load average before: {load_before[0]:.2f}, after: {os.getloadavg()[0]:.2f} (nproc {os.cpu_count()})")
    print(f"slowest {args.slowest}:")
    for line in slowest:
        print(f"  {line}")
    sys.exit(done.returncode)


if __name__ == "__main__":
    main()
