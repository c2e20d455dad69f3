"""Teacher-call throughput: synthgen generate against the mock-teacher server.

Starts ``synthgen mock-teacher --latency-ms 300 --capacity 64`` (optionally with faults),
runs ``synthgen generate --concurrency 64`` for about ``--requests`` requests' worth of
examples, and prints

    efficiency = ideal / wall,  ideal = ceil(requests / 64) * 0.3 s
    client CPU per request = (user + sys seconds of the generate process) / requests
    first request = its arrival at the server (server clock) - the time generate was started

plus, with faults, whether any example was lost or duplicated. Then, unless ``--no-floor``,
it runs the floors against fresh servers, each sending the same number of requests and doing
nothing else, and prints synthgen's efficiency as a share of each (ratios measured in one run on
one machine, so they travel between machines better than the absolute times):

- ``benchmarks/aiohttp_floor.py``, a minimal raw-aiohttp client (the transport synthgen's hot
  path uses), against a server with the same options; with ``--faults`` it retries as a perfect
  client would (slot freed while waiting, Retry-After exact, 5xx/drops after 0.25 s);
- ``benchmarks/sdk_floor.py``, the openai SDK alone (clean runs only: it does not retry).

    python benchmarks/throughput.py                 # clean run
    python benchmarks/throughput.py --faults        # 5% 429 (Retry-After 1 s), 2% 500, 1% drop, 1% truncated
    python benchmarks/throughput.py --no-floor -- --screen-workers 2   # options after -- go to generate
    python benchmarks/throughput.py --no-floor --latency-ms 0          # as fast as the client goes
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

FAULTS = ["--error-rate-429", "0.05", "--retry-after", "1", "--error-rate-500", "0.02",
          "--drop-rate", "0.01", "--truncate-rate", "0.01"]  # fmt: skip


def start_server(extra: list[str], latency_ms: int = 300) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "synthgen", "mock-teacher", "--port", "0", "--latency-ms", str(latency_ms),
         "--capacity", "64", *extra],
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stderr is not None
    line = proc.stderr.readline()
    return proc, line.split("listening on", 1)[1].strip()


def typical_prompt() -> str:
    """A prompt as synthgen generate builds it with default options (for the SDK floor)."""
    from synthgen.config import Settings
    from synthgen.io.seeds import load_seeds
    from synthgen.recipes.prompts import build_messages, load_template, sample_examples
    from synthgen.resources import default_prompt_path, default_seeds_path

    settings = Settings()
    examples = sample_examples(
        load_seeds(default_seeds_path()), [], k=settings.examples_per_prompt, mix_generated=0,
        rng=random.Random(0),
    )  # fmt: skip
    template = load_template(default_prompt_path())
    return str(build_messages(template, examples, settings.tasks_per_request)[0]["content"])


def run_floor(
    script: str, requests: int, concurrency: int, server_args: list[str], latency_ms: int = 300
) -> dict[str, float]:
    """A floor client (a script beside this one) against a fresh server started with ``server_args``."""
    server, url = start_server(server_args, latency_ms)
    retry = ["--retry"] if server_args and script == "aiohttp_floor.py" else []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            prompt = Path(tmp) / "prompt.txt"
            prompt.write_text(typical_prompt(), encoding="utf-8")
            start = time.perf_counter()
            out = subprocess.run(
                [sys.executable, str(Path(__file__).with_name(script)), url,
                 "--prompt-file", str(prompt), "--requests", str(requests),
                 "--concurrency", str(concurrency), "--max-tokens", "4000", *retry],
                capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
            wall = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait()
    return {"wall_seconds": wall, **json.loads(out)}


def print_floor(
    name: str, floor: dict[str, float], ideal: float, wall: float, run_wall: float, answered: int
) -> None:
    floor_eff, floor_run_eff = ideal / floor["wall_seconds"], ideal / floor["run_seconds"]
    attempts = f", {floor['attempts']} attempts" if "attempts" in floor else ""
    print(
        f"{name:<21}{floor['wall_seconds']:.2f} s (import {floor['import_seconds']:.2f} s, "
        f"sending {floor['run_seconds']:.2f} s{attempts}): efficiency {floor_eff:.3f} (run only "
        f"{floor_run_eff:.3f}), CPU {1000 * floor['cpu_seconds'] / max(answered, 1):.2f} ms/request"
    )
    print(
        f"{'  synthgen / floor':<21}{(ideal / wall) / floor_eff:.3f} whole process "
        f"(run only {(ideal / run_wall) / floor_run_eff:.3f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--faults", action="store_true")
    parser.add_argument("--no-floor", action="store_true", help="skip the SDK-only floor run")
    parser.add_argument(
        "--latency-ms",
        type=int,
        default=300,
        help="the server's latency; 0: the client's CPU sets the pace",
    )
    parser.add_argument("extra", nargs="*", help="more options for synthgen generate (after --)")
    args = parser.parse_args()

    server, url = start_server(FAULTS if args.faults else [], args.latency_ms)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "out.jsonl"
            # A target no run of this size can reach, so --max-requests is what ends it (exit 3).
            num = args.requests * 20
            cmd = [sys.executable, "-m", "synthgen", "generate", "--base-url", url, "--model", "mock",
                   "--num", str(num), "-o", str(out), "--concurrency", str(args.concurrency),
                   "--no-cache", "--quiet", "--max-requests", str(args.requests), "--max-tokens", "4000",
                   "--max-retries", "10", *args.extra]  # fmt: skip
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started_at = time.time()  # the server logs arrivals on this clock
            start = time.perf_counter()
            result = subprocess.run(cmd, capture_output=True, text=True)
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            report = json.loads(out.with_name(out.name + ".report.json").read_text())
            rows = [json.loads(line) for line in out.read_text().splitlines()]
        stats = httpx.get(url.rsplit("/v1", 1)[0] + "/stats").json()
        received = httpx.get(url.rsplit("/v1", 1)[0] + "/debug/requests").json()["requests"]
    finally:
        server.terminate()
        server.wait()

    run = report["last_run"]
    answered = stats["requests"].get("/v1/chat/completions", {}).get("200", 0)
    requests = run["usage"]["requests_sent"]
    ideal = math.ceil(answered / args.concurrency) * args.latency_ms / 1000
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    unique = len({r["instruction"] for r in rows})
    print(f"exit code            {result.returncode} ({run['stop_reason']})")
    print(f"requests sent        {requests} ({answered} answered 200, statuses {stats['requests']})")
    print(
        f"examples kept        {len(rows)} (unique instructions {unique}; lost/duplicated {len(rows) - unique})"
    )
    print(
        f"wall                 {wall:.2f} s (process start included; the run itself {run['wall_seconds']:.2f} s)"
    )
    arrivals = [
        r["received_at"] for r in received if r["path"] == "/v1/chat/completions" and "received_at" in r
    ]
    if arrivals:  # (a server older than the arrival log has none)
        print(f"first request        {min(arrivals) - started_at:.3f} s after the process was started")
    print(
        f"ideal                {ideal:.2f} s = ceil({answered} / {args.concurrency}) x {args.latency_ms / 1000} s"
    )
    print(f"answers per second   {answered / run['wall_seconds']:.0f} (the run itself)")
    print(f"efficiency           {ideal / wall:.3f} (run only: {ideal / run['wall_seconds']:.3f})")
    print(f"client CPU/request   {1000 * cpu / max(requests, 1):.2f} ms (user+sys {cpu:.2f} s)")
    split = run.get("cpu_seconds", {})
    if split:
        per = {name: 1000 * seconds / max(requests, 1) for name, seconds in split.items()}
        print(
            f"  of which            main process {per['main']:.2f} ms (HTTP, writing, start-up), "
            f"screening worker(s) {per['screening_worker']:.2f} ms (parse, filter, dedup)"
        )
    print(f"max in flight (srv)  {stats['max_concurrent']}")
    if args.no_floor:
        return
    server_args = FAULTS if args.faults else []
    floor = run_floor("aiohttp_floor.py", answered, args.concurrency, server_args, args.latency_ms)
    print_floor("aiohttp floor", floor, ideal, wall, run["wall_seconds"], answered)
    if not args.faults:
        floor = run_floor("sdk_floor.py", answered, args.concurrency, [], args.latency_ms)
        print_floor("SDK floor", floor, ideal, wall, run["wall_seconds"], answered)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
