"""``respond --verify code``: what the sandbox costs, and whether hanging samples stall a run.

Three figures, each printed with what it is compared to (for benchmarks/RESULTS.md):

1. **Overhead per sample**: a trivial program (``python -c pass``) run ``--trivial`` times,
   one after the other, through a one-worker sandbox pool (submit to result, so process start,
   namespaces, file system view, teardown and the pool's messages are all in), against the
   same interpreter started bare. Target: at most 50 ms per sample.
2. **Hanging samples** (``--samples``, 2,000): ``respond --verify code`` over rows of the
   bundled function tasks against the mock server, 5% of whose answers hang, with a 2 s
   ``--verify-timeout`` and ``--verify-workers`` (default 2, the cores here). The ideal wall
   time given the workers is every run's own time packed perfectly: (hangs x timeout + the
   others x their bare run time) / workers. Target: at most 2.5x the ideal.
3. **Throughput** when execution is not the bottleneck (``--rows``, 400): the same ``respond``
   with and without ``--verify code`` against a mock server with ``--latency-ms`` 500 at
   ``--concurrency`` 4 (8 answers a second; two workers verify about 15 a second even on this
   loaded machine), back to back in one run. Target: the ratio of the two throughputs at
   least 0.9.

    python benchmarks/verify_code.py                   # all three
    python benchmarks/verify_code.py --only overhead   # or hangs, throughput
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from synthgen.verify.code_check import code_job
from synthgen.verify.code_tests import read_tests
from synthgen.verify.sandbox import SandboxJob, SandboxLimits, SandboxPool

ROOT = Path(__file__).resolve().parents[1]
PROBLEMS = [json.loads(line) for line in (ROOT / "seeds" / "code_problems.jsonl").read_text().splitlines()]
FUNCTION_TASKS = [p for p in PROBLEMS if not (isinstance(p["tests"], list) and isinstance(p["tests"][0], dict))]


def overhead(trials: int) -> None:
    async def sandboxed() -> tuple[list[float], float]:
        pool = SandboxPool(1, SandboxLimits(timeout=10))
        await pool.start()
        times = []
        try:
            worker = pool._workers[0].process.pid
            cpu = _cpu_seconds(worker)
            for _ in range(trials):
                started = time.perf_counter()
                result = await pool.run(SandboxJob({}, ["python", "-I", "-S", "-c", "pass"]))
                times.append(time.perf_counter() - started)
                assert result.exit_code == 0, result
            cpu = _cpu_seconds(worker) - cpu
        finally:
            await pool.aclose()
        return times, cpu

    with_box, box_cpu = asyncio.run(sandboxed())
    python = _sandbox_python()
    bare = []
    cpu = _children_cpu()
    for _ in range(trials):
        started = time.perf_counter()
        subprocess.run([python, "-I", "-S", "-c", "pass"], check=True)
        bare.append(time.perf_counter() - started)
    bare_cpu = _children_cpu() - cpu
    box_ms, bare_ms = _ms(statistics.median(with_box)), _ms(statistics.median(bare))
    print(f"overhead: {trials} trivial samples one after the other (load average {os.getloadavg()[0]:.1f})")
    print(f"  sandboxed: median {box_ms:.1f} ms, p90 {_ms(_p90(with_box)):.1f} ms, min {_ms(min(with_box)):.1f} ms; "
          f"CPU {_ms(box_cpu / trials):.1f} ms per sample (worker and the run's processes)")  # fmt: skip
    print(f"  bare interpreter start: median {bare_ms:.1f} ms, min {_ms(min(bare)):.1f} ms; "
          f"CPU {_ms(bare_cpu / trials):.1f} ms")  # fmt: skip
    print(f"  sandbox overhead (median difference): {box_ms - bare_ms:.1f} ms; target: whole sample <= 50 ms")


def _cpu_seconds(pid: int) -> float:
    """CPU of a process and of its reaped children (utime, stime, cutime, cstime)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def hangs(samples: int, workers: int, timeout: float, hang_rate: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        rows = _rows(Path(tmp) / "in.jsonl", samples)
        out = Path(tmp) / "out.jsonl"
        server, url = _server("--code-hang-rate", str(hang_rate))
        try:
            wall = _respond(rows, out, url, "--verify", "code", "--keep", "all", "--verify-timeout", timeout,
                            "--verify-workers", workers, "--concurrency", 64)  # fmt: skip
        finally:
            server.terminate()
        meta = [json.loads(line) for line in out.with_name("out.jsonl.meta.jsonl").read_text().splitlines()]
    timed_out = [m for m in meta if (m["first_failure"] or "").startswith("timed out")]
    others = [m for m in meta if m not in timed_out]
    bare = _bare_run_seconds(25)
    ideal = (len(timed_out) * timeout + len(others) * bare) / workers
    ideal_boxed = (len(timed_out) * timeout + sum(m["run_seconds"] for m in others)) / workers
    print(f"hangs: {len(meta)} samples, {len(timed_out)} hung to the {timeout:g} s timeout, {workers} workers")
    print(f"  wall time: {wall:.1f} s (teacher included)")
    print(f"  ideal given the workers: {ideal:.1f} s (others at their bare run time, {_ms(bare):.1f} ms)")
    print(f"  ratio: {wall / ideal:.2f} (target <= 2.5); against the sandboxed run times: "
          f"{wall / ideal_boxed:.2f} (ideal {ideal_boxed:.1f} s)")  # fmt: skip
    passed = sum(m["verified"] for m in meta)
    print(f"  verified correct: {passed}; other failures: {len(others) - passed}")


def throughput(rows_wanted: int, latency_ms: int, concurrency: int, workers: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        rows = _rows(Path(tmp) / "in.jsonl", rows_wanted)
        server, url = _server("--latency-ms", str(latency_ms), "--capacity", "512")
        try:
            common = ("--concurrency", concurrency)
            plain = _respond(rows, Path(tmp) / "plain.jsonl", url, *common)
            verified = _respond(rows, Path(tmp) / "code.jsonl", url, *common, "--verify", "code",
                                "--verify-workers", workers)  # fmt: skip
        finally:
            server.terminate()
    ideal = rows_wanted * latency_ms / 1000 / concurrency
    print(f"throughput: {rows_wanted} rows at {concurrency} in flight, {latency_ms} ms latency (ideal {ideal:.1f} s)")
    print(f"  without verification: {plain:.1f} s ({rows_wanted / plain:.1f} rows/s)")
    print(f"  --verify code: {verified:.1f} s ({rows_wanted / verified:.1f} rows/s)")
    print(f"  ratio of throughputs: {plain / verified:.3f} (target >= 0.9)")


def _rows(path: Path, count: int) -> Path:
    """``count`` rows cycling through the bundled function tasks, each prompt its own (an
    ``input`` line), so that the mock draws each answer's fault anew."""
    lines = [
        json.dumps({**FUNCTION_TASKS[i % len(FUNCTION_TASKS)], "id": f"row_{i}", "input": f"(variant {i})"})
        for i in range(count)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def _server(*args: str) -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-m", "synthgen", "mock-teacher", "--port", "0", *args]
    proc = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    return proc, proc.stderr.readline().split("listening on", 1)[1].strip()


def _respond(rows: Path, out: Path, url: str, *args: object) -> float:
    command = [sys.executable, "-m", "synthgen", "respond", rows, "-o", out, "--base-url", url,
               "--model", "mock", "--no-cache", "--quiet", *args]  # fmt: skip
    started = time.perf_counter()
    subprocess.run([str(a) for a in command], check=True, capture_output=True)
    return time.perf_counter() - started


def _bare_run_seconds(count: int) -> float:
    """Median time of the function tasks' reference solutions and tests, run by the same
    harness and interpreter without the sandbox."""
    python = _sandbox_python()
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for problem in FUNCTION_TASKS[:count]:
            job = code_job(problem["solution"], read_tests(problem["tests"], problem.get("entry_point")))
            for name, text in job.files.items():
                (Path(tmp) / name).write_text(text)
            started = time.perf_counter()
            subprocess.run([python, *job.argv[1:]], cwd=tmp, check=True, close_fds=False,
                           stdout=subprocess.DEVNULL, preexec_fn=_report_to_null)  # fmt: skip
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def _report_to_null() -> None:
    import os

    os.dup2(os.open(os.devnull, os.O_WRONLY), 3)  # the harness writes its report on fd 3


def _sandbox_python() -> str:
    return str(Path(getattr(sys, "_base_executable", sys.executable)).resolve())


def _ms(seconds: float) -> float:
    return seconds * 1000


def _p90(values: list[float]) -> float:
    return sorted(values)[int(0.9 * (len(values) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=("overhead", "hangs", "throughput"))
    parser.add_argument("--trivial", type=int, default=200)
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--hang-rate", type=float, default=0.05)
    parser.add_argument("--timeout", type=float, default=2.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--latency-ms", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    if args.only in (None, "overhead"):
        overhead(args.trivial)
    if args.only in (None, "hangs"):
        hangs(args.samples, args.workers, args.timeout, args.hang_rate)
    if args.only in (None, "throughput"):
        throughput(args.rows, args.latency_ms, args.concurrency, args.workers)


if __name__ == "__main__":
    main()
