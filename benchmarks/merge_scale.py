"""``synthgen merge`` of many big shards (issue 26): 16 shards totalling 2,000,000 candidates.

    python benchmarks/merge_scale.py                       # 16 shards, 2,000,000 candidates
    python benchmarks/merge_scale.py --shards 4 --candidates 200000
    python benchmarks/merge_scale.py --workers 1 2      # merge --workers 1, then 2 (same bytes?)

Real shards of that size take hours of teacher time, so the shard *files* are made here: a small
real sharded ``generate`` run (the mock teacher) gives each shard its report (configuration,
seeds digest, shard numbers), and its rows are replaced by the instruction-like sentences of
``benchmarks/dedup.py``'s generator (~10% near-duplicates, ~2% exact ones), 20 per request, in
the shards' request numbering, with meta lines as a shard writes them. Then ``synthgen merge``
runs in a child process with ``--num`` above what the candidates can give (every candidate is
decided): its wall and CPU time and peak memory are printed with the rows it kept.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from dedup import CorpusGenerator

PER_REQUEST = 20


def make_shards(folder: Path, shards: int, candidates: int, seed: int) -> Path:
    out = folder / "out.jsonl"
    for index in range(shards):  # tiny real shards: their reports are the templates
        subprocess.run(
            [sys.executable, "-m", "synthgen", "generate", "--teacher", "mock", "-q", "--num", str(10**9),
             "--max-requests", "1", "-o", str(out), "--shard", f"{index}/{shards}"],
            check=False, capture_output=True,
        )  # fmt: skip
    texts = CorpusGenerator(seed=seed).sentences(candidates)
    requests = -(-candidates // PER_REQUEST)
    handles = {}
    for index in range(shards):
        path = (
            out.with_name(out.name + ".shards") / f"shard-{index:0{len(str(shards - 1))}d}-of-{shards}.jsonl"
        )
        handles[index] = (path, path.open("w"), Path(f"{path}.meta.jsonl").open("w"), [0])  # noqa: SIM115
    for number in range(requests):
        index, local = number % shards, number // shards
        path, rows, metas, count = handles[index]
        for text in texts[number * PER_REQUEST : (number + 1) * PER_REQUEST]:
            rows.write(
                json.dumps({"instruction": text, "input": "", "output": "an answer"}, separators=(",", ":"))
                + "\n"
            )
            meta = {"index": count[0], "request": local, "request_id": f"r{number}", "model": "mock", "endpoint": "",
                    "seed_ids": ["seed_task_1"], "shard_pass": "new"}  # fmt: skip
            metas.write(json.dumps(meta, separators=(",", ":")) + "\n")
            count[0] += 1
    for path, rows, metas, count in handles.values():
        rows.close()
        metas.close()
        report_path = Path(f"{path}.report.json")
        report = json.loads(report_path.read_text())
        report["examples"] = count[0]
        report["last_run"]["stop_reason"] = "plan_done"  # every request of the share is covered
        report["runs"] = [report["last_run"]]
        report_path.write_text(json.dumps(report))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shards", type=int, default=16)
    parser.add_argument("--candidates", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, nargs="+", default=[1], help="merge --workers, in turn")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        out = make_shards(Path(folder), args.shards, args.candidates, args.seed)
        print(
            f"shards made in {time.perf_counter() - started:.0f} s; load {os.getloadavg()[0]:.1f}",
            file=sys.stderr,
        )
        digests = set()
        for workers in args.workers:
            figures = run_merge(out, workers)
            figures.update(shards=args.shards, candidates=args.candidates)
            digests.add(hashlib.sha256(out.read_bytes()).hexdigest()[:16])
            figures["same_bytes_as_before"] = len(digests) == 1
            print(json.dumps(figures), flush=True)


def run_merge(out: Path, workers: int) -> dict[str, object]:
    """``synthgen merge --workers N`` in a child process: wall, CPU (its workers' included), and
    the peak RSS of the largest process (the merge or one of its workers)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "synthgen", "merge", str(out), "--card", "none", "-q", "--overwrite",
         "--workers", str(workers)],
        check=False,
    )  # fmt: skip
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "workers": workers,
        "exit": done.returncode,
        "wall_s": round(wall, 1),
        "cpu_s": round(usage.ru_utime + usage.ru_stime - before.ru_utime - before.ru_stime, 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024),  # the largest child so far
        "kept": out.read_bytes().count(b"\n"),
        "load_before": round(load, 1),
    }


if __name__ == "__main__":
    main()
