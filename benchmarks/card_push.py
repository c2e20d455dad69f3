"""Benchmark of ``synthgen card``, ``synthgen stats`` and ``synthgen push`` on a 52K-row dataset
(issue 23: card and stats under 15 s, push to a local Hub stand-in under 10 s).

    python benchmarks/card_push.py                      # makes the file with the mock teacher
    python benchmarks/card_push.py --data FILE --runs 3 # an existing file (with its report)

Makes the dataset with ``synthgen generate --teacher mock --num N`` unless ``--data`` is given,
then times each command as a child process ``--runs`` times: wall time, CPU time of the child
(and its children), and the machine's load average before the run (the machine is shared:
other sessions' jobs stretch the wall time, not the CPU time). ``push`` goes to the tests' local
stand-in for the Hub's HTTP API (``tests/hub_stand_in.py``, ``HF_ENDPOINT``), which runs in this
process: its CPU (decoding the commit) is not in the child's figure, its time is in the wall.
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from hub_stand_in import HubStandIn

TOKEN = "hf_benchmark_token"


def synthgen(*args: object) -> list[str]:
    return [sys.executable, "-m", "synthgen", *(str(a) for a in args)]


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (the child and what it waited for), exit code."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        print(proc.stderr.read().decode() if proc.stderr else "", file=sys.stderr)
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime, code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=52_000)
    parser.add_argument("--data", type=Path, help="an existing dataset (skips generation)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, HubStandIn(token=TOKEN) as hub:
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
        size = data.stat().st_size / 2**20
        print(
            f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
        env.update(HF_ENDPOINT=hub.url, HF_TOKEN=TOKEN, HF_HOME=str(Path(tmp) / "hf-home"))
        commands = {
            "card": (synthgen("card", data), None),
            "stats": (synthgen("stats", data, "--json"), None),
            "push": (synthgen("push", data, "--repo", "user/bench"), env),
        }
        for run in range(1, args.runs + 1):
            for name, (command, child_env) in commands.items():
                load = os.getloadavg()[0]
                seconds, cpu, code = timed(command, child_env)
                print(
                    f"run {run} {name}: {rows:,} rows ({size:.1f} MB) in {seconds:.2f} s (CPU {cpu:.2f} s), "
                    f"exit {code}, load before {load:.2f}"
                )


if __name__ == "__main__":
    main()
