"""A sharded run against one process (issue 26): wall time, CPU, and what the merge keeps.

    python benchmarks/shards.py                          # 20,000 requests, 4 shards, C=64, 300 ms
    python benchmarks/shards.py --requests 4000 --shards 4 8

Starts ``synthgen mock-teacher --latency-ms L`` and runs, against the same server:

* one process: ``synthgen generate -j C --max-requests R`` (with a target no run reaches, so
  every run sends exactly R requests and screens every answer with full ROUGE-L dedup);
* N shards at once, each ``--shard I/N -j C/N --max-requests R/N`` (the same total concurrency
  and requests), then ``synthgen merge`` (with ``--follow``: ``synthgen merge --follow`` started
  just before the shards, so that its ROUGE-L pass overlaps them);

and prints the wall times (the sharded one: from the first process's start to the merge's end;
``merge_after_shards_s``: from the last shard's end to the merge's end),
their ratio, the CPU seconds of each side (processes and their screening workers), and the rows
each side keeps. With ``--num K --margin`` instead it measures the shard budget rule: how many
rows the merged file is short of K.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from throughput import start_server


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _generate(url: str, out: Path, *extra: object) -> list[str]:
    return [
        sys.executable, "-m", "synthgen", "generate", "--base-url", url, "--model", "mock",
        "-o", str(out), "--no-cache", "-q", *map(str, extra),
    ]  # fmt: skip


def single(url: str, workdir: Path, args: argparse.Namespace) -> dict[str, float]:
    out = workdir / "one.jsonl"
    cpu, started = _cpu(), time.perf_counter()
    subprocess.run(
        _generate(url, out, "-j", args.concurrency, "--max-requests", args.requests, "--num", 10**9)
    )
    return {
        "wall_s": round(time.perf_counter() - started, 1),
        "cpu_s": round(_cpu() - cpu, 1),
        "rows": _rows(out),
    }


def sharded(url: str, workdir: Path, args: argparse.Namespace, count: int) -> dict[str, float]:
    """N shards, then the merge; with --follow, the merge started with them (just before)."""
    out = workdir / f"sharded-{count}.jsonl"
    merge = [sys.executable, "-m", "synthgen", "merge", str(out), "-q", "--card", "none", "--json"]
    cpu, started = _cpu(), time.perf_counter()
    follower = subprocess.Popen([*merge, "--follow"], stdout=subprocess.PIPE) if args.follow else None
    each = ["-j", args.concurrency // count, "--max-requests", args.requests // count, "--num", 10**9]
    nice = ["nice", "-n", str(args.shard_nice)] if args.shard_nice else []
    shards = [
        subprocess.Popen([*nice, *_generate(url, out, *each, "--shard", f"{i}/{count}")])
        for i in range(count)
    ]
    for shard in shards:
        shard.wait()
    shards_done = time.perf_counter() - started
    merge_cpu = None
    if follower is None:
        report = subprocess.run(merge, stdout=subprocess.PIPE).stdout
    else:
        assert follower.stdout is not None
        report = follower.stdout.read()
        _, _, usage = os.wait4(follower.pid, 0)  # reaped here, for its own CPU
        follower.returncode = 0
        merge_cpu = round(usage.ru_utime + usage.ru_stime, 1)
    figures = {
        "wall_s": round(time.perf_counter() - started, 1),
        "shards_wall_s": round(shards_done, 1),
        "merge_after_shards_s": round(time.perf_counter() - started - shards_done, 1),
        "cpu_s": round(_cpu() - cpu, 1),
        "rows": _rows(out),
    }
    if follower is not None:
        figures["merge_cpu_s"] = merge_cpu
        figures["follow"] = json.loads(report)["last_run"]["follow"]
    return figures


def margin(url: str, workdir: Path, args: argparse.Namespace, count: int) -> dict[str, object]:
    """The budget rule: N shards for --num K; how many rows short is the merged file?"""
    out = workdir / f"margin-{count}.jsonl"
    shards = [
        subprocess.Popen(_generate(url, out, "-j", 16, "--num", args.num, "--shard", f"{i}/{count}"))
        for i in range(count)
    ]
    for shard in shards:
        shard.wait()
    done = subprocess.run(
        [sys.executable, "-m", "synthgen", "merge", str(out), "--card", "none", "--json", "-q"],
        capture_output=True, text=True,
    )  # fmt: skip
    report = json.loads(done.stdout)
    return {"shards": count, "num": args.num, "merged": report["examples"], "short": max(0, args.num - report["examples"]),
            "candidates_written": sum(s["rows"] for s in report["last_run"]["merged_shards"])}  # fmt: skip


def _rows(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--shards", type=int, nargs="+", default=[4])
    parser.add_argument("--latency-ms", type=float, default=300)
    parser.add_argument("--num", type=int, default=0, help="with --margin: the target")
    parser.add_argument("--margin", action="store_true", help="measure the shard budget rule instead")
    parser.add_argument(
        "--follow", action="store_true", help="start `merge --follow` with the shards instead of after them"
    )
    parser.add_argument(
        "--shard-nice",
        type=int,
        default=0,
        help="run the shards under `nice -n N` (the merge keeps its priority)",
    )
    args = parser.parse_args()
    server, url = start_server(["--latency-ms", str(args.latency_ms), "--capacity", "100000"])
    print(f"load {os.getloadavg()[0]:.1f}; {url}", file=sys.stderr)
    try:
        with tempfile.TemporaryDirectory() as folder:
            workdir = Path(folder)
            if args.margin:
                for count in args.shards:
                    print(json.dumps(margin(url, workdir, args, count)))
                return
            one = single(url, workdir, args)
            print(json.dumps({"single": one}))
            for count in args.shards:
                many = sharded(url, workdir, args, count)
                print(
                    json.dumps(
                        {f"{count}_shards": many, "wall_ratio": round(many["wall_s"] / one["wall_s"], 2)}
                    )
                )
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
