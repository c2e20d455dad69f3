"""synthgen merge --follow: started with (or before) the shards, it writes what a plain merge writes.

The shards run against the mock teacher server; one of them is held at a known point by the
server (``hold_after``) so that the merge follows a shard that is still running, is killed with
``kill -9`` there, or is killed and never rerun. Times are parameters: the merge looks every
few milliseconds and, where a test wants the follow to give up, waits a fraction of a second.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import MockServer, run_cli, synthgen_cmd, until
from kill_resume import lines_at_least

GENERATE = ("generate", "--model", "mock", "-q", "--num", "240", "--seed", "5", "-j", "2")
FOLLOW = ("--follow", "--follow-poll", "0.01")


class Run:
    """One sharded run in ``folder`` against ``server``: its shards, merges and single process."""

    def __init__(self, server: MockServer, folder: Path) -> None:
        self.server, self.folder = server, folder
        self.out = folder / "out.jsonl"

    def args(self, out: Path, name: str, *extra: object) -> list[object]:
        cache = self.folder / f"{name}.sqlite3"
        return [*GENERATE, "--base-url", self.server.url, "-o", out, "--cache-path", cache, *extra]

    def shard(self, index: int) -> None:
        """Shard ``index`` of 3 run to its end, in-process."""
        result = run_cli(*self.args(self.out, f"shard{index}", "--shard", f"{index}/3"))
        assert result.exit_code == 0, result.output

    def held_shard(self, index: int, answers: int) -> subprocess.Popen[str]:
        """Shard ``index`` of 3 in a process of its own, held by the server after ``answers`` answers."""
        self.server.configure(hold_after=answers)
        command = synthgen_cmd(*self.args(self.out, f"shard{index}", "--shard", f"{index}/3"))
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.server.wait_until_held(proc)
        until(lines_at_least(self.shard_file(index), 5), proc, "the shard's first rows")
        return proc

    def shard_file(self, index: int) -> Path:
        return self.folder / "out.jsonl.shards" / f"shard-{index}-of-3.jsonl"

    def follow(self, *extra: object) -> subprocess.Popen[str]:
        command = synthgen_cmd("merge", self.out, *FOLLOW, "--follow-timeout", "60", "-q", *extra)
        return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def single(self) -> Path:
        one = self.folder / "one.jsonl"
        assert run_cli(*self.args(one, "one")).exit_code == 0
        return one

    def plain_merge(self) -> Path:
        plain = self.folder / "plain" / "out.jsonl"  # the same name: the same card
        result = run_cli("merge", plain, self.folder / "out.jsonl.shards")
        assert result.exit_code == 0, result.output
        return plain


def _deciding(out: Path, proc: subprocess.Popen[str]) -> None:
    """Until the merge has kept a row (its temporary twin has a line): it follows."""
    until(lines_at_least(out.with_name(f".{out.name}.new"), 1), proc, "a row decided by the merge")


def _finished(proc: subprocess.Popen[str]) -> None:
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err


def _files(path: Path) -> list[bytes]:
    return [path.read_bytes(), Path(f"{path}.meta.jsonl").read_bytes()]


def _meta(path: Path) -> list[dict[str, Any]]:
    """The meta lines without the server's response ids (each process got its own answers)."""
    lines = Path(f"{path}.meta.jsonl").read_text().splitlines()
    return [{k: v for k, v in json.loads(line).items() if k != "request_id"} for line in lines]


def _card(path: Path) -> str:
    """The card, its command line aside."""
    text = Path(f"{path}.card.md").read_text()
    return "\n".join(line for line in text.splitlines() if not line.startswith("| command |"))


def _counts(path: Path) -> dict[str, Any]:
    return json.loads(Path(f"{path}.report.json").read_text())["last_run"]["counts"]


def _same_as_plain_and_single(run: Run) -> dict[str, Any]:
    plain, one = run.plain_merge(), run.single()
    assert _files(run.out) == _files(plain)
    assert run.out.read_bytes() == one.read_bytes() and _meta(run.out) == _meta(one)
    assert _counts(run.out) == _counts(plain) and _card(run.out) == _card(plain)
    return json.loads(Path(f"{run.out}.report.json").read_text())["last_run"]["follow"]


def test_a_follow_merge_started_before_the_shards_writes_the_plain_merge(
    mock_server: Any, tmp_path: Path
) -> None:
    run = Run(mock_server(), tmp_path)
    merge = run.follow()
    run.shard(0)
    run.shard(1)
    held = run.held_shard(2, 3)
    _deciding(run.out, merge)  # while shard 2 runs
    run.server.configure()  # let it go on
    assert held.wait(timeout=120) == 0, held.stderr.read() if held.stderr else ""
    _finished(merge)
    follow = _same_as_plain_and_single(run)
    assert follow["rows_decided_while_shards_ran"] > 0 and not follow["started_over"]


def test_a_shard_killed_and_rerun_while_the_merge_follows(mock_server: Any, tmp_path: Path) -> None:
    run = Run(mock_server(), tmp_path)
    merge = run.follow()
    run.shard(0)
    held = run.held_shard(2, 3)
    held.send_signal(signal.SIGKILL)
    held.wait()
    run.server.configure()
    run.shard(1)
    _deciding(run.out, merge)  # shard 2 killed: the merge waits for it
    run.shard(2)  # rerun: it resumes the killed shard
    _finished(merge)
    follow = _same_as_plain_and_single(run)
    assert not follow["started_over"]


def test_rows_read_that_a_rerun_shard_no_longer_holds_make_the_merge_start_over(
    mock_server: Any, tmp_path: Path
) -> None:
    """A rerun that writes other bytes than those read (here: a row edited while the shard was
    down): the merge starts over from the final shards and writes what a plain merge writes."""
    run = Run(mock_server(), tmp_path)
    run.shard(0)
    run.shard(1)
    held = run.held_shard(2, 3)
    merge = run.follow()
    _deciding(run.out, merge)  # it has read shard 2's rows
    held.send_signal(signal.SIGKILL)
    held.wait()
    rows = run.shard_file(2).read_text().splitlines(keepends=True)
    edited = json.loads(rows[0])
    edited["instruction"] = "Edited while the shard was down: " + edited["instruction"]
    edit = run.shard_file(2).with_name("edited")
    edit.write_text(json.dumps(edited) + "\n" + "".join(rows[1:]))
    os.replace(edit, run.shard_file(2))
    run.server.configure()
    run.shard(2)
    _finished(merge)
    plain = run.plain_merge()
    assert _files(run.out) == _files(plain) and _counts(run.out) == _counts(plain)
    assert json.loads(Path(f"{run.out}.report.json").read_text())["last_run"]["follow"]["started_over"]


def test_a_shard_killed_and_not_rerun_ends_the_follow_after_the_timeout(
    mock_server: Any, tmp_path: Path
) -> None:
    run = Run(mock_server(), tmp_path)
    run.shard(0)
    run.shard(1)
    held = run.held_shard(2, 3)
    held.send_signal(signal.SIGKILL)
    held.wait()
    result = run_cli("merge", run.out, *FOLLOW, "--follow-timeout", "0.1")
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "shard-2-of-3.jsonl: this shard's run did not finish (killed?)" in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(("out", ".out"))) == [
        "out.jsonl.shards"
    ]


def test_sigterm_stops_a_waiting_follow_and_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    merge = subprocess.Popen(synthgen_cmd("merge", out, *FOLLOW), stderr=subprocess.PIPE, text=True)
    until(lambda: out.with_name(f".{out.name}.new").exists(), merge, "the merge waiting")
    merge.send_signal(signal.SIGTERM)
    assert merge.wait(timeout=60) == 143
    assert list(tmp_path.iterdir()) == []


class _Writing:
    """A shard written line by line between the follower's looks, on a fake clock: each look
    (``sleep``) brings the next ``step`` rows, their meta lines first and the last data line cut in
    two (its end comes with the next look); once every row is there, the shard's final report."""

    def __init__(self, shard: Path, final: list[bytes], step: int) -> None:
        self.shard, self.step, self.now = shard, step, 0.0
        self.rows = Path(f"{final[0]}").read_bytes().splitlines(keepends=True)
        self.metas = Path(f"{final[1]}").read_bytes().splitlines(keepends=True)
        self.report = Path(f"{final[2]}").read_bytes()
        self.written, self.cut = 0, b""

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        upto = min(self.written + self.step, len(self.rows))
        with Path(f"{self.shard}.meta.jsonl").open("ab") as metas:
            metas.write(b"".join(self.metas[self.written : upto]))
        with self.shard.open("ab") as rows:
            rest = b"".join(self.rows[self.written : upto])
            rows.write(self.cut + (rest[:-5] if upto < len(self.rows) else rest))
            self.cut = rest[-5:] if upto < len(self.rows) else b""
        self.written = upto
        if upto == len(self.rows):
            Path(f"{self.shard}.report.json").write_bytes(self.report)


def _two_shards(tmp_path: Path) -> tuple[Path, Path]:
    """Two finished shards (in-process mock), and a folder where shard 1 is still to be written."""
    out = tmp_path / "out.jsonl"
    for index in range(2):
        result = run_cli(
            "generate", "--teacher", "mock", "-q", "--num", 300, "-o", out, "--shard", f"{index}/2"
        )
        assert result.exit_code == 0, result.output
    done, live = tmp_path / "out.jsonl.shards", tmp_path / "live"
    live.mkdir()
    for path in done.iterdir():
        (live / path.name).write_bytes(path.read_bytes())
    shard = live / "shard-1-of-2.jsonl"
    report = json.loads(Path(f"{shard}.report.json").read_text())
    report["last_run"]["stop_reason"] = "running"
    Path(f"{shard}.report.json").write_text(json.dumps(report))
    shard.write_bytes(b"")
    Path(f"{shard}.meta.jsonl").write_bytes(b"")
    return done, live


def test_the_follower_hands_out_each_row_once_every_shard_covers_it(tmp_path: Path) -> None:
    from synthgen.commands.shard_follow import ShardFollower
    from synthgen.commands.shard_set import open_shards

    done, live = _two_shards(tmp_path)
    name = "shard-1-of-2.jsonl"
    final = [done / name, done / f"{name}.meta.jsonl", done / f"{name}.report.json"]
    writing = _Writing(live / name, final, step=7)
    follower = ShardFollower([live], poll=1, timeout=1000, clock=lambda: writing.now, sleep=writing.sleep)
    seen = []
    for candidate in follower.follow():
        if not follower.all_ended:  # while shard 1 is written: only below its last whole row
            whole = writing.written - (1 if writing.cut else 0)
            last = json.loads(writing.metas[whole - 1])["request"] if whole else None
            assert candidate.request < (1 if last is None else 2 * last + 1)
        seen.append(candidate)
    shards = open_shards(follower.paths())
    try:
        until = shards.covered_until()
        expected = [c for c in shards.candidates() if until is None or c.request < until]
        rest = follower.rest(shards)
        assert rest is not None and seen + list(rest) == list(shards.candidates())
    finally:
        shards.release()
    assert seen == expected and len(seen) > 100


def test_the_follower_gives_up_on_a_killed_shard_after_the_timeout_on_its_clock(tmp_path: Path) -> None:
    from synthgen.commands.shard_follow import ShardFollower
    from synthgen.errors import UsageError

    _, live = _two_shards(tmp_path)
    clock = [0.0]
    follower = ShardFollower(
        [live], poll=1, timeout=30, clock=lambda: clock[0], sleep=lambda s: clock.__setitem__(0, clock[0] + s)
    )
    with pytest.raises(UsageError, match=r"shard-1-of-2\.jsonl: this shard's run did not finish"):
        list(follower.follow())
    assert clock[0] == 30  # looked every second, gave up after 30 without a write


def test_a_shard_never_started_ends_the_follow_a_timeout_after_the_others_ended(tmp_path: Path) -> None:
    from synthgen.commands.shard_follow import ShardFollower
    from synthgen.errors import UsageError

    _, live = _two_shards(tmp_path)
    for path in live.glob("shard-1-of-2.jsonl*"):
        path.unlink()  # shard 1 never starts; shard 0 has ended
    clock = [0.0]
    follower = ShardFollower(
        [live], poll=1, timeout=30, clock=lambda: clock[0], sleep=lambda s: clock.__setitem__(0, clock[0] + s)
    )
    with pytest.raises(UsageError, match=r"missing shard 1 of 2 \(.*shard-1-of-2\.jsonl\): not started 30 s"):
        list(follower.follow())
    assert 30 <= clock[0] <= 31  # the timeout, from the look that saw shard 0 ended (one poll)
