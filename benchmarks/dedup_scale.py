"""``synthgen dedup`` at millions of rows (issue 26): time, peak memory, and its decisions checked.

    python benchmarks/dedup_scale.py --sizes 500000 5000000
    python benchmarks/dedup_scale.py --sizes 1000000 --sample 20000 --spot 100

For each N it writes a corpus of N Alpaca rows (the instruction-like sentences of
``benchmarks/dedup.py``'s generator: templated tasks, ~10% near-duplicates, ~2% exact ones; kept
in ``--corpus-dir`` for the next run), then runs ``synthgen dedup CORPUS -o KEPT --dropped DROPPED``
as a child process and reports its wall time and peak RSS (the child's own ``ru_maxrss``), and:

* **spot checks of the run itself**: ``--spot`` random rows of the corpus; for each, the naive
  rule against *every* row the run kept before it (exact key; then the LCS of the token
  sequences by rapidfuzz's bit-parallel C loop, compared with every member, and rouge-score's
  F arithmetic ``2PR/(P+R)``), which must give the run's decision (kept, exact, or similar with
  the same matched row);
* **a naive sample**: ``--sample`` random rows (in corpus order) deduplicated by the naive rule
  (every candidate against every kept one, as above) and by :class:`synthgen.dedup.RougeIndex`:
  every decision must be identical.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from dedup import CorpusGenerator, _machine

from synthgen.dedup import ExactIndex, RougeIndex, normalize_key, rouge_tokens
from synthgen.dedup.rouge import fmeasure


def corpus(folder: Path, n: int, seed: int) -> Path:
    path = folder / f"corpus-{n}-{seed}.jsonl"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    texts = CorpusGenerator(seed=seed).sentences(n)
    part = path.with_suffix(".part")
    with part.open("w", encoding="utf-8") as handle:
        for i, text in enumerate(texts):
            handle.write(json.dumps({"instruction": text, "input": "", "output": f"answer {i}"}) + "\n")
    part.rename(path)
    print(f"corpus {n:,}: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return path


def run_dedup(source: Path, workdir: Path, threshold: float, workers: int) -> dict[str, float]:
    """``synthgen dedup`` in a child process: wall and CPU seconds (its workers' included), the
    peak of one process (``ru_maxrss``) and the peak of all of its processes together (sampled)."""
    kept, dropped = workdir / "kept.jsonl", workdir / "dropped.jsonl"
    argv = [
        sys.executable,
        "-m",
        "synthgen",
        "dedup",
        str(source),
        "-o",
        str(kept),
        "--dropped",
        str(dropped),
    ]
    argv += ["--similarity-threshold", str(threshold), "--workers", str(workers)]
    started = time.perf_counter()
    child = subprocess.Popen(argv)
    together = 0.0
    while child.poll() is None:
        together = max(together, _tree_rss_mb(child.pid))
        time.sleep(0.5)
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if child.returncode != 0:
        raise SystemExit(f"synthgen dedup failed (exit {child.returncode})")
    return {
        "wall_s": round(wall, 1),
        "cpu_s": round(usage.ru_utime + usage.ru_stime - _CPU_BEFORE[0], 1),
        "peak_rss_one_process_mb": round(usage.ru_maxrss / 1024),
        "peak_rss_all_processes_mb": round(together),
    }


_CPU_BEFORE = [0.0]


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its children (the dedup workers), from /proc."""
    total = 0.0
    pids = [pid]
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            pids += [int(p) for p in (task / "children").read_text().split()]
    except OSError:
        return 0.0
    for each in pids:
        try:
            fields = Path(f"/proc/{each}/statm").read_text().split()
        except OSError:
            continue
        total += int(fields[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    return total


def _codes(vocab: dict[str, str], text: str) -> str:
    return "".join(vocab.setdefault(tok, chr(len(vocab) + 1)) for tok in rouge_tokens(text))


def naive_best(seq: str, pool: list[str], threshold: float) -> tuple[int, float] | None:
    """The earliest best member whose rouge-score F against ``seq`` is above ``threshold``."""
    from rapidfuzz import process
    from rapidfuzz.distance import LCSseq

    best: tuple[int, float] | None = None
    for _, lcs, at in process.extract(seq, pool, scorer=LCSseq.similarity, score_cutoff=1, limit=None):
        score = fmeasure(int(lcs), len(seq), len(pool[at]))
        if score > threshold and (best is None or score > best[1] or (score == best[1] and at < best[0])):
            best = (at, score)
    return best


def spot_checks(source: Path, workdir: Path, count: int, threshold: float, seed: int) -> str:
    """The run's decision on ``count`` random rows, against every row it kept before each."""
    texts = [json.loads(line)["instruction"] for line in source.open(encoding="utf-8")]
    dropped = {}
    with (workdir / "dropped.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            details = json.loads(line)["_dropped"]
            dropped[details["line"]] = (details["reason"], details["matched_line"])
    vocab: dict[str, str] = {}
    kept_lines: list[int] = []  # 1-based line numbers of the kept rows, in order
    kept_codes: list[str] = []
    first_with_key: dict[str, int] = {}
    for line, text in enumerate(texts, start=1):
        if line not in dropped:
            kept_lines.append(line)
            kept_codes.append(_codes(vocab, text))
            first_with_key.setdefault(normalize_key(text), line)
    agree = 0
    for line in sorted(random.Random(seed).sample(range(1, len(texts) + 1), count)):
        text = texts[line - 1]
        before = _bisect(kept_lines, line)
        first = first_with_key.get(normalize_key(text))
        if first is not None and first < line:
            expected: tuple[str, int] | None = ("exact", first)
        else:
            best = naive_best(_codes(vocab, text), kept_codes[:before], threshold)
            expected = None if best is None else ("similar", kept_lines[best[0]])
        agree += dropped.get(line) == expected
    return f"{agree}/{count}"


def _bisect(values: list[int], x: int) -> int:
    import bisect

    return bisect.bisect_left(values, x)


def naive_sample(source: Path, size: int, threshold: float, seed: int) -> str:
    """Naive greedy vs RougeIndex on ``size`` random rows (in corpus order): identical decisions?"""
    lines = source.read_text(encoding="utf-8").splitlines()
    picked = sorted(random.Random(seed + 1).sample(range(len(lines)), min(size, len(lines))))
    texts = [json.loads(lines[i])["instruction"] for i in picked]
    vocab: dict[str, str] = {}
    naive_pool: list[str] = []
    naive_keys: dict[str, int] = {}
    index, exact = RougeIndex(threshold), ExactIndex()
    index.prime(texts)
    same = drops = 0
    for text in texts:
        key, seq = normalize_key(text), _codes(vocab, text)
        if key in naive_keys:
            expected: tuple[str, int] | None = ("exact", naive_keys[key])
        else:
            best = naive_best(seq, naive_pool, threshold)
            expected = None if best is None else ("similar", best[0])
        if expected is None:
            naive_keys[key] = len(naive_pool)
            naive_pool.append(seq)
        earlier = exact.find(key)
        if earlier is not None:
            got: tuple[str, int] | None = ("exact", earlier)
        else:
            match = index.check_and_add(text)
            got = None if match is None else ("similar", match.index)
            if got is None:
                exact.add(key, len(index) - 1)
        same += got == expected
        drops += expected is not None
    return f"{same:,}/{len(texts):,} identical ({drops:,} drops)"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[500_000, 5_000_000])
    parser.add_argument("--threshold", type=float, default=0.7)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sample", type=int, default=20_000, help="rows of the naive sample")
    parser.add_argument("--spot", type=int, default=100, help="rows of the run spot-checked")
    parser.add_argument("--workers", type=int, nargs="+", default=[1], help="synthgen dedup --workers")
    parser.add_argument("--corpus-dir", type=Path, default=Path("/tmp/synthgen-bench"))
    args = parser.parse_args()
    print(f"machine: {_machine()}; load {os.getloadavg()[0]:.1f}", file=sys.stderr)
    for n in args.sizes:
        source = corpus(args.corpus_dir, n, args.seed)
        workdir = args.corpus_dir / f"run-{n}"
        workdir.mkdir(exist_ok=True)
        for workers in args.workers:
            figures: dict[str, object] = {"n": n, "workers": workers}
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            _CPU_BEFORE[0] = before.ru_utime + before.ru_stime
            figures.update(run_dedup(source, workdir, args.threshold, workers))
            figures["kept"] = sum(1 for _ in (workdir / "kept.jsonl").open())
            print(json.dumps(figures), file=sys.stderr)
        if args.spot:
            figures["spot_checks"] = spot_checks(source, workdir, args.spot, args.threshold, args.seed)
        if args.sample:
            figures["naive_sample"] = naive_sample(source, args.sample, args.threshold, args.seed)
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
