"""Inline judging against judging afterwards: the same graded dataset, how long each way takes.

Starts one ``synthgen mock-teacher`` (``--latency-ms``, default 300, capacity 512) that serves
both the teacher and the judge, then makes ``--num`` rows scored ``--min-score`` or more twice:

- inline: ``generate --num N --judge-model mock --min-score S`` (grades overlap generation);
- afterwards: ``generate --num M`` with M the rows the inline run had to produce to keep N
  (its kept + judged-out rows), then ``judge --min-score S`` on that file: two passes, one
  after the other, as without inline judging.

Both runs send the same requests (same seed, same rows graded), so the ratio of their wall
times is the gain from overlapping the two teachers. Prints both and their ratio; figures
for benchmarks/RESULTS.md.

    python benchmarks/inline_judge.py --num 2000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def start_server(latency_ms: int) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "synthgen", "mock-teacher", "--port", "0", "--latency-ms",
         str(latency_ms), "--capacity", "512"],
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stderr is not None
    return proc, proc.stderr.readline().split("listening on", 1)[1].strip()


def synthgen(*args: object) -> float:
    """Run a synthgen command; its wall time in seconds (it must succeed)."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "synthgen", *map(str, args)], check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--num", type=int, default=2000)
    parser.add_argument("--min-score", type=int, default=6)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--latency-ms", type=int, default=300)
    args = parser.parse_args()
    server, url = start_server(args.latency_ms)
    common = [
        "--base-url",
        url,
        "--model",
        "mock",
        "--no-cache",
        "--quiet",
        "--concurrency",
        args.concurrency,
    ]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            inline_out = Path(tmp) / "inline.jsonl"
            inline = synthgen("generate", *common, "--num", args.num, "-o", inline_out,
                              "--judge-model", "mock", "--min-score", args.min_score)  # fmt: skip
            run = json.loads(inline_out.with_name("inline.jsonl.report.json").read_text())["last_run"]
            produced = run["counts"]["kept"] + sum(
                n for reason, n in run["counts"]["rejected"].items() if reason in ("low_score", "unjudged")
            )
            grades = run["judge_usage"]["requests_sent"]
            plain_out, judged_out = Path(tmp) / "plain.jsonl", Path(tmp) / "judged.jsonl"
            generate = synthgen("generate", *common, "--num", produced, "-o", plain_out)
            judge = synthgen("judge", plain_out, *common, "--min-score", args.min_score, "-o", judged_out)
            kept_after = judged_out.read_text().count("\n")
    finally:
        server.terminate()
        server.wait()
    print(f"mock latency {args.latency_ms} ms, concurrency {args.concurrency}, --min-score {args.min_score}")
    print(
        f"inline:     {inline:.2f} s for {args.num} graded rows ({grades} grades, {produced} rows produced)"
    )
    print(f"afterwards: {generate + judge:.2f} s (generate {produced} rows {generate:.2f} s, "
          f"judge {judge:.2f} s) for {kept_after} graded rows")  # fmt: skip
    print(f"inline / afterwards: {inline / (generate + judge):.3f}")


if __name__ == "__main__":
    main()
