"""Benchmark of `synthgen respond` against the mock server (issue 14's numbers).

    python benchmarks/respond.py                 # 10,000 rows, C=64, L=300 ms
    python benchmarks/respond.py --rows 2000 --logprobs 5

Starts `synthgen mock-teacher` with a fixed latency, writes an input file of N word problems
(the bundled math seeds, cycled with a row number so each prompt differs), runs
`synthgen respond` over HTTP with the cache off, and prints, from the run report:

* run-only efficiency: the ideal time (N / C x L) over the run's wall time (the report's
  ``wall_seconds``, from the start of the run to its end, start-up excluded) and over the whole
  process's wall time;
* client CPU per request (user + system of the synthgen process, from the report);
* with ``--logprobs K``: the size of ``OUT.logprobs.parquet`` per 100 answer tokens, and the
  same for soft targets of as many *distinct* answers (the mock answers each of the 320
  problems the same way every time it comes round, which Parquet's compression rewards; real
  answers differ), written through the same code.

    python benchmarks/respond.py --compare --logprobs 5   # both runs, and the ratio
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def start_server(latency_ms: float) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "synthgen", "mock-teacher", "--port", "0", "--latency-ms", str(latency_ms)],
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    line = proc.stderr.readline()
    return proc, line.split("listening on", 1)[1].strip()


def write_rows(path: Path, rows: int) -> None:
    seeds = [
        json.loads(line) for line in (ROOT / "seeds" / "math_word_problems.jsonl").read_text().splitlines()
    ]
    with path.open("w") as handle:
        for i in range(rows):
            seed = seeds[i % len(seeds)]
            handle.write(
                json.dumps({"instruction": f"({i}) {seed['instruction']}", "answer": seed["answer"]}) + "\n"
            )


def distinct_side_file_size(answers: int, k: int) -> float:
    """Bytes per 100 tokens of the Parquet file for ``answers`` distinct mock answers."""
    sys.path.insert(0, str(ROOT / "src"))
    from synthgen.io.logprobs_file import LogprobsFile, parquet_path
    from synthgen.mock.logprobs import token_logprobs
    from synthgen.mock.teacher import mock_answer
    from synthgen.teacher.logprobs import parse_logprobs

    seeds = [
        json.loads(line) for line in (ROOT / "seeds" / "math_word_problems.jsonl").read_text().splitlines()
    ]
    tokens = 0
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.jsonl"
        side = LogprobsFile(out, overwrite=False)
        for i in range(answers):
            text = mock_answer(seeds[i % len(seeds)]["instruction"], seed=0, sample_index=0).content
            entries = token_logprobs(text, k, salt=str(i))  # distinct numbers for every answer
            soft = parse_logprobs({"logprobs": {"content": entries}})
            assert soft is not None
            tokens += len(soft.tokens)
            side.append({"row": i, "sample": 0, "logprobs": soft}, i)
        side.close(complete=True)
        return 100 * parquet_path(out).stat().st_size / tokens


def run_once(args: argparse.Namespace, url: str, logprobs: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        source, out = Path(tmp) / "rows.jsonl", Path(tmp) / "out.jsonl"
        write_rows(source, args.rows)
        cmd = [
            sys.executable, "-m", "synthgen", "respond", str(source), "-o", str(out), "--base-url", url,
            "--model", "mock", "--no-cache", "-j", str(args.concurrency), "-q", "--card", "none",
        ]  # fmt: skip
        if logprobs:
            cmd += ["--logprobs", str(logprobs)]
        started = time.monotonic()
        done = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ})
        whole = time.monotonic() - started
        if done.returncode != 0:
            sys.exit(f"respond failed ({done.returncode}): {done.stderr}")
        report = json.loads(out.with_name(out.name + ".report.json").read_text())
        side = out.with_name(out.name + ".logprobs.parquet")
        side_bytes = side.stat().st_size if side.exists() else 0
    run = report["last_run"]
    requests = run["usage"]["requests_sent"]
    ideal = args.rows / args.concurrency * args.latency_ms / 1000
    cpu = run["cpu_seconds"]["main"] + run["cpu_seconds"]["screening_worker"]
    figures: dict[str, object] = {
        "machine": f"{os.cpu_count()} cores, {platform.processor() or platform.machine()}, Python {platform.python_version()}",
        "rows": args.rows,
        "concurrency": args.concurrency,
        "latency_ms": args.latency_ms,
        "logprobs": logprobs,
        "ideal_s": round(ideal, 2),
        "run_s": run["wall_seconds"],
        "whole_process_s": round(whole, 2),
        "run_efficiency": round(ideal / run["wall_seconds"], 3),
        "whole_efficiency": round(ideal / whole, 3),
        "client_cpu_ms_per_request": round(1000 * cpu / max(requests, 1), 3),
        "requests": requests,
        "kept": run["counts"]["kept"],
    }
    if logprobs:
        tokens = run["counts"]["metrics"]["soft_target_tokens"]
        figures["side_file_bytes"] = side_bytes
        figures["side_file_bytes_per_100_tokens"] = round(100 * side_bytes / max(tokens, 1))
        figures["side_file_bytes_per_100_tokens_distinct"] = round(distinct_side_file_size(2000, logprobs))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--latency-ms", type=float, default=300)
    parser.add_argument("--logprobs", type=int, default=0, help="ask for top-k logprobs (issue 18)")
    parser.add_argument("--compare", action="store_true", help="also run without logprobs; print the ratio")
    args = parser.parse_args()
    server, url = start_server(args.latency_ms)
    try:
        runs = [run_once(args, url, 0)] if args.compare else []
        runs.append(run_once(args, url, args.logprobs))
    finally:
        server.terminate()
        server.wait()
    for figures in runs:
        print(json.dumps(figures))
    if len(runs) == 2:
        ratio = float(runs[1]["run_efficiency"]) / float(runs[0]["run_efficiency"])  # type: ignore[arg-type]
        print(json.dumps({"run_efficiency_with_over_without": round(ratio, 3)}))


if __name__ == "__main__":
    main()
