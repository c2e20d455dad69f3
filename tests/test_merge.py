"""synthgen merge: shards joined into what one process writes, and every way a merge is refused."""

from __future__ import annotations

import json
import math
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import run_cli
from synthgen.io.lock import OutputLock

README = Path(__file__).resolve().parents[1] / "README.md"
MOCK = ("generate", "--teacher", "mock", "-q", "--num", "240", "--seed", "5")


def _shards(out: Path, count: int, *extra: object) -> None:
    for index in range(count):
        result = run_cli(*MOCK, "-o", out, "--shard", f"{index}/{count}", *extra)
        assert result.exit_code == 0, result.output


def _files(path: Path) -> list[bytes]:
    return [path.read_bytes(), Path(f"{path}.meta.jsonl").read_bytes()]


@pytest.fixture(scope="module")
def single(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("single") / "one.jsonl"
    assert run_cli(*MOCK, "-o", out).exit_code == 0
    return out


@pytest.mark.parametrize("count", [1, 2, 3, 7])
def test_merged_shards_are_byte_identical_to_one_process(tmp_path: Path, single: Path, count: int) -> None:
    out = tmp_path / "out.jsonl"
    _shards(out, count)
    result = run_cli("merge", out)
    assert result.exit_code == 0, result.output
    assert _files(out) == _files(single)
    report = json.loads(Path(f"{out}.report.json").read_text())
    one = json.loads(Path(f"{single}.report.json").read_text())
    assert report["config_hash"] == one["config_hash"] and "shard" not in report["config"]
    shard_reports = [json.loads(p.read_text()) for p in (tmp_path / "out.jsonl.shards").glob("*.report.json")]
    sent = sum(r["last_run"]["usage"]["requests_sent"] for r in shard_reports)
    assert report["last_run"]["usage"]["requests_sent"] == sent
    counts = report["last_run"]["counts"]
    assert counts["kept"] == 240
    accounted = counts["kept"] + sum(counts["rejected"].values()) + counts["duplicates_exact"]
    accounted += counts["duplicates_similar"] + counts["unused_after_target"]
    assert accounted == counts["candidates"]
    assert Path(f"{out}.card.md").exists()


def test_a_merged_run_resumes_like_the_single_one(tmp_path: Path, single: Path) -> None:
    """Too few requests per shard: merge says how many rows are short, and prints the command
    that tops the output up; run as printed, it gives the single process's file."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for index in range(3):  # real processes: the command a shard records is its own
        shard = [*MOCK, "-o", "out.jsonl", "--shard", f"{index}/3", "--max-requests", "3"]
        subprocess.run(["synthgen", *shard], cwd=tmp_path, env=env, capture_output=True, timeout=120)
    result = run_cli("merge", tmp_path / "out.jsonl")
    assert result.exit_code == 3, result.output
    short = int(re.search(r"(\d+) rows short", result.stderr)[1])
    assert 0 < short < 240 and len((tmp_path / "out.jsonl").read_text().splitlines()) == 240 - short
    command = result.stderr.strip().splitlines()[-1].strip()
    words = shlex.split(command)
    assert words[0] == "synthgen" and words[-4:] == ["-o", str(tmp_path / "out.jsonl"), "--add", str(short)]
    assert "--shard" not in words and "--num" not in words
    at = words.index("--max-requests")  # the shards' budget is kept in it: lifted here
    assert words[at + 1] == "3"
    del words[at : at + 2]
    top_up = subprocess.run(words, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert top_up.returncode == 0, top_up.stderr
    assert _files(tmp_path / "out.jsonl") == _files(single)


def test_shards_short_of_the_target_say_which_margin_would_have_done(tmp_path: Path) -> None:
    """Without a margin, tasks similar across shards leave the merge short: it says by how much,
    with the top-up command, and which --shard-margin would have brought enough at that yield."""

    def shards(out: Path, margin: object) -> Any:
        for index in range(4):
            flags = ("--num", 3000, "-o", out, "--shard", f"{index}/4", "--shard-margin", margin)
            assert run_cli(*MOCK[:4], *flags).exit_code == 0
        return run_cli("merge", out)

    out = tmp_path / "out.jsonl"
    result = shards(out, 0)
    assert result.exit_code == 3, result.output
    short = int(re.search(r"(\d+) rows short", result.stderr)[1])
    kept = len(out.read_text().splitlines())
    assert kept == 3000 - short > 0
    margin = float(re.search(r"--shard-margin ([0-9.]+) on the shards", result.stderr)[1])
    assert margin == math.ceil((3000 / kept - 1) * 100) / 100 > 0
    assert shards(tmp_path / "again.jsonl", margin).exit_code == 0  # enough at the same answers


def _refused(result: Any, message: str, out: Path) -> None:
    assert result.exit_code == 2, result.output
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not out.exists() and not Path(f"{out}.meta.jsonl").exists()


# --follow refuses what a merge refuses, once the shards have ended (a killed one: after the timeout)
FOLLOW = ("--follow", "--follow-poll", "0.01", "--follow-timeout", "0.05")


@pytest.mark.parametrize("follow", [(), FOLLOW], ids=["merge", "follow"])
def test_merge_refuses_a_missing_a_running_a_torn_or_a_foreign_shard(
    tmp_path: Path, follow: tuple[str, ...]
) -> None:
    out = tmp_path / "out.jsonl"
    _shards(out, 3)
    folder = tmp_path / "out.jsonl.shards"
    third = folder / "shard-2-of-3.jsonl"
    merged = tmp_path / "merged.jsonl"

    def merge(*args: object) -> Any:
        return run_cli("merge", *args, *follow)

    _refused(merge(merged, folder / "shard-0-of-3.jsonl", third), "missing shard 1 of 3", merged)
    lock = OutputLock(Path(f"{third}.lock"))
    lock.acquire()
    try:
        if not follow:  # --follow waits for a shard that is running: that is what it is for
            _refused(merge(merged, folder), f"PID {os.getpid()}", merged)
    finally:
        lock.release()

    other = tmp_path / "other.jsonl"
    run_cli(*MOCK[:-1], "7", "-o", other, "--shard", "2/3")  # another --seed
    mixed = [folder / "shard-0-of-3.jsonl", folder / "shard-1-of-3.jsonl", tmp_path / "other.jsonl.shards"]
    _refused(merge(merged, *mixed), "different configurations (changed: seed)", merged)
    run_cli(*MOCK, "-o", other, "--shard", "2/3", "--overwrite", "--num", "300")
    _refused(merge(merged, *mixed), "shards of different runs (num 300 vs 240)", merged)

    not_a_shard = tmp_path / "plain.jsonl"
    run_cli(*MOCK, "-o", not_a_shard)
    _refused(merge(merged, folder, not_a_shard), "not a shard's file", merged)

    rows = third.read_bytes()
    third.write_bytes(rows + b'{"instruction": "cut')
    _refused(merge(merged, folder), "torn", merged)
    third.write_bytes(rows[: rows.rindex(b"\n", 0, -1) + 1])  # a whole row gone
    _refused(merge(merged, folder), "torn or altered", merged)
    third.write_bytes(rows)

    report = Path(f"{third}.report.json")
    killed = json.loads(report.read_text())
    killed["last_run"]["stop_reason"] = "running"
    report.write_text(json.dumps(killed))
    _refused(merge(merged, folder), "did not finish", merged)


@pytest.mark.parametrize("follow", [(), FOLLOW], ids=["merge", "follow"])
def test_merge_into_one_of_its_own_inputs_is_refused(tmp_path: Path, follow: tuple[str, ...]) -> None:
    out = tmp_path / "out.jsonl"
    _shards(out, 2)
    shard = tmp_path / "out.jsonl.shards" / "shard-1-of-2.jsonl"
    before = shard.read_bytes()
    for target in (shard, Path(f"{shard}.meta.jsonl")):
        result = run_cli("merge", target, tmp_path / "out.jsonl.shards", *follow)
        assert result.exit_code == 2 and "is the same file as SHARD" in result.stderr, result.output
    assert shard.read_bytes() == before


def _readme_block(marker: str) -> str:
    text = README.read_text()
    start = text.index(marker)
    block = text[text.index("```bash\n", start) + len("```bash\n") :]
    return block[: block.index("```")]


@pytest.mark.parametrize("marker", ["<!-- xargs loop -->", "<!-- xargs follow -->"])
def test_the_readme_xargs_loop_runs_and_merges_to_the_single_process_file(
    mock_server: Any, tmp_path: Path, marker: str
) -> None:
    """The README's local loop (and its --follow variant), verbatim, against the mock server;
    then one process on the same response cache (the same teacher answers) writes the same bytes."""
    server = mock_server()
    cache = tmp_path / "cache.sqlite3"
    (tmp_path / "run.toml").write_text(
        f'base-url = ["{server.url}"]\nmodel = "mock"\nnum = 600\noutput = "data/alpaca.jsonl"\n'
        f'cache-path = "{cache}"\nquiet = true\nconcurrency = 8\n'
    )
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", _readme_block(marker)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    one = subprocess.run(
        [sys.executable, "-m", "synthgen", "generate", "-c", "run.toml", "-o", "one.jsonl"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert one.returncode == 0, one.stderr
    assert _files(tmp_path / "data" / "alpaca.jsonl") == _files(tmp_path / "one.jsonl")
    assert (
        json.loads((tmp_path / "one.jsonl.report.json").read_text())["last_run"]["usage"]["requests_sent"]
        == 0
    )


def _respond_input(path: Path) -> Path:
    """Math rows whose scripted answers are right, wrong, or right on a later sample only."""
    answers = {0: ["7"], 1: ["5", "9", "9"], 2: ["1"], 3: ["2", "2", "4"]}  # sample k gets the k-th
    rows = []
    for i in range(16):
        script = "\n[mock: or]\n".join(f"The answer is {a}." for a in answers[i % 4])
        rows.append(
            {
                "instruction": f"Problem {i}: what is it?\n[mock: answer]\n{script}",
                "input": "",
                "output": "9" if i % 4 == 1 else "4" if i % 4 == 3 else "7" if i % 4 == 0 else "3",
            }
        )
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


@pytest.mark.parametrize("count", [1, 3])
def test_respond_shards_keep_a_rows_samples_together_and_merge_exactly(tmp_path: Path, count: int) -> None:
    source = _respond_input(tmp_path / "rows.jsonl")
    command = ("respond", source, "--teacher", "mock", "-q", "--samples", "3", "--verify", "exact")
    assert run_cli(*command, "--keep", "first-correct", "-o", tmp_path / "one.jsonl").exit_code in (0, 3)
    for index in range(count):
        result = run_cli(
            *command, "--keep", "first-correct", "-o", tmp_path / "out.jsonl", "--shard", f"{index}/{count}"
        )
        assert result.exit_code in (0, 3), result.output
    assert run_cli("merge", tmp_path / "out.jsonl").exit_code == 0
    for suffix in ("", ".meta.jsonl", ".unsolved.jsonl"):
        assert (
            Path(f"{tmp_path}/out.jsonl{suffix}").read_bytes()
            == Path(f"{tmp_path}/one.jsonl{suffix}").read_bytes()
        )
    assert Path(f"{tmp_path}/one.jsonl.unsolved.jsonl").read_text().count("\n") == 4  # rows 2, 6, 10, 14


def test_judge_shards_merge_with_their_rejected_rows(tmp_path: Path, single: Path) -> None:
    command = ("judge", single, "--teacher", "mock", "-q", "--min-score", "4")
    assert run_cli(*command, "-o", tmp_path / "one.jsonl").exit_code == 0
    for index in range(2):
        assert run_cli(*command, "-o", tmp_path / "out.jsonl", "--shard", f"{index}/2").exit_code == 0
    assert run_cli("merge", tmp_path / "out.jsonl").exit_code == 0
    for suffix in ("", ".meta.jsonl", ".rejected.jsonl"):
        assert (
            Path(f"{tmp_path}/out.jsonl{suffix}").read_bytes()
            == Path(f"{tmp_path}/one.jsonl{suffix}").read_bytes()
        )


def test_merge_with_workers_writes_the_same_bytes(tmp_path: Path, single: Path) -> None:
    out = tmp_path / "out.jsonl"
    _shards(out, 3)
    reports = []
    for workers in ("2", "1"):
        result = run_cli("merge", out, "--workers", workers, "--overwrite")
        assert result.exit_code == 0, result.output
        assert _files(out) == _files(single)
        reports.append(json.loads(Path(f"{out}.report.json").read_text())["last_run"]["counts"])
    assert reports[0] == reports[1] and reports[0]["duplicates_similar"]


def test_the_self_instruct_rule_in_workers_decides_as_one_loop() -> None:
    from synthgen.commands.merge import SelfInstructRule
    from test_dedup_greedy import _rewritten, _texts

    texts = _rewritten(_texts(300, seed=4), seed=4)
    lines = [
        json.dumps({"instruction": text, "input": "x" if i % 9 == 0 else ""}) for i, text in enumerate(texts)
    ]
    one = SelfInstructRule(0.7, texts[:3])
    expected = [one.decide(line) for line in lines]
    assert {"duplicates_exact", "duplicates_similar", None} == set(expected)
    for batch in (1, 5, 64):
        rule = SelfInstructRule(0.7, texts[:3], workers=2)
        rule.pool.batch = batch
        assert [rule.decide(line) for line in lines[:10]] + list(rule.decide_all(lines[10:])) == expected
