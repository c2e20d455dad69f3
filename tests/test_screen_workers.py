"""``generate --screen-workers N``: the same files and counts for any N, resumable after a kill -9,
and a screening process that dies ends the run with one line instead of a hang."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import run_cli, synthgen_cmd, until
from kill_resume import lines_at_least

GENERATE = ("generate", "--model", "mock", "--concurrency", "8", "--seed", "5", "-q")
# The counts of judged candidates: the same whatever the timing. (How many answers arrive after
# the target is met depends on timing, with one screening process as with several.)
JUDGED = (
    "kept",
    "rejected",
    "duplicates_exact",
    "duplicates_similar",
    "truncated_dropped",
    "unparseable_responses",
)


def _counts(out: Path) -> dict[str, Any]:
    return json.loads(out.with_name(out.name + ".report.json").read_text())["last_run"]["counts"]


def _meta(out: Path) -> list[dict[str, Any]]:
    """The meta lines without the mock's random response ids."""
    lines = [json.loads(line) for line in out.with_name(out.name + ".meta.jsonl").read_text().splitlines()]
    return [{k: v for k, v in line.items() if k != "request_id"} for line in lines]


def test_any_number_of_screen_workers_writes_the_same_bytes(tmp_path: Path, mock_server: Any) -> None:
    server = mock_server()
    outs = []
    for workers in (1, 2, 3):
        out = tmp_path / f"w{workers}.jsonl"
        result = run_cli(*GENERATE, "--base-url", server.url, "--no-cache", "-n", 200, "-o", out,
                         "--screen-workers", workers)  # fmt: skip
        assert result.exit_code == 0, result.output
        outs.append(out)
    first = outs[0]
    assert first.read_bytes().count(b"\n") == 200
    for out in outs[1:]:
        assert out.read_bytes() == first.read_bytes()
        assert _meta(out) == _meta(first)
        assert {k: _counts(out)[k] for k in JUDGED} == {k: _counts(first)[k] for k in JUDGED}
    assert _counts(first)["duplicates_similar"] and _counts(first)["rejected"]  # the screen did work


def test_with_every_answer_judged_every_count_is_the_same(tmp_path: Path, mock_server: Any) -> None:
    server = mock_server()
    counts = []
    for workers in (1, 3):
        out = tmp_path / f"b{workers}.jsonl"
        result = run_cli(*GENERATE, "--base-url", server.url, "--no-cache", "-n", 100_000, "-o", out,
                         "--max-requests", 12, "--screen-workers", workers)  # fmt: skip
        assert result.exit_code == 3, result.output  # the budget stopped it
        counts.append(_counts(out))
    assert counts[0] == counts[1] and counts[0]["requests"] == 12


def test_killed_with_several_screen_workers_then_resumed_gives_the_same_file(kill_and_resume: Any) -> None:
    drill = kill_and_resume(*GENERATE, "--num", 150)
    reference = drill.reference()  # one screening process
    out = drill.output("out")
    drill.kill_when_held("out", "--screen-workers", 3, hold_after=4)
    drill.kill_when_held("out", "--screen-workers", 2, hold_after=3)
    drill.run("out", "--screen-workers", 3)
    assert out.read_bytes() == reference.read_bytes()


@pytest.mark.parametrize("killed", ["decider", "reader"])
def test_a_screening_process_that_dies_ends_the_run_with_one_line(
    tmp_path: Path, mock_server: Any, killed: str
) -> None:
    server = mock_server(latency_ms=50)  # answers keep coming while a worker is killed
    out = tmp_path / "out.jsonl"
    args = [
        *GENERATE,
        "--base-url",
        server.url,
        "--no-cache",
        "-n",
        100_000,
        "-o",
        out,
        "--screen-workers",
        3,
    ]
    proc = subprocess.Popen(synthgen_cmd(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        until(lines_at_least(out, 20), proc, "some rows written")
        # The run's children: multiprocessing's resource tracker, then the workers in the order
        # started: the decider, then the readers.
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        workers = [pid for pid in children if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]
        assert len(workers) == 3
        victim = workers[0] if killed == "decider" else workers[2]
        subprocess.run(["kill", "-9", victim], check=True)
        _, stderr = proc.communicate(timeout=60)  # a hang fails here
    finally:
        proc.kill()
        proc.wait()
    name = "synthgen-screen" if killed == "decider" else "synthgen-screen-read-2"
    assert stderr.strip().splitlines() == [
        f"synthgen: error: the screening worker process died ({name}, killed by signal 9)"
    ]
    assert proc.returncode == 1
    written = out.read_bytes()
    assert written.endswith(b"\n") and written.count(b"\n") >= 20  # nothing written was lost
