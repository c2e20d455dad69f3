"""--shard I/N: the request numbering, where I/N comes from, and a shard run's own guarantees."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import read_jsonl, run_cli
from kill_resume import lines_at_least
from synthgen.commands.shard import shard_margin, shard_target
from synthgen.config.shard import ShardOptions
from synthgen.engine.countdown import TargetCountdown
from synthgen.engine.recipe import Verdict
from synthgen.engine.shard import ShardLayout
from synthgen.errors import UsageError

MOCK = ("generate", "--teacher", "mock", "-q")


@pytest.mark.parametrize("count,group", [(1, 1), (3, 1), (7, 1), (4, 3)])
def test_the_shards_take_every_request_once_in_their_order(count: int, group: int) -> None:
    layouts = [ShardLayout(i, count, group) for i in range(count)]
    local = range(10 * group)
    numbers = sorted(n for layout in layouts for n in map(layout.global_request, local))
    assert numbers == list(range(10 * group * count))
    for layout in layouts:
        mine = [layout.global_request(k) for k in local]
        assert mine == sorted(mine)
        assert [layout.local_request(n) for n in mine] == list(local)
        assert all(layout.local_request(n) is None for n in range(max(mine)) if n not in mine)
    # a group (a row's samples) stays in one shard
    assert [ShardLayout(1, 2, 3).global_request(k) for k in range(6)] == [3, 4, 5, 9, 10, 11]


def _number(environ: dict[str, str], **fields: Any) -> Any:
    return ShardOptions(**fields).shard_number(environ)


def test_shard_number_from_the_flag_slurm_and_kubernetes() -> None:
    assert _number({}) is None
    assert str(_number({}, shard="2/5")) == "2/5"
    slurm = {"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "4"}
    assert str(_number(slurm, shard="auto")) == "3/4"
    assert (
        str(_number({**slurm, "SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_MIN": "1"}, shard="auto"))
        == "3/4"
    )
    assert str(_number({"JOB_COMPLETION_INDEX": "6"}, shards=8)) == "6/8"
    assert str(_number(slurm, shard="1/4")) == "1/4"  # the flag wins
    assert _number(slurm) is None  # an array task without --shard is an ordinary run
    assert _number(slurm, shard="none", shards=4) is None


@pytest.mark.parametrize(
    "environ,fields,message",
    [
        ({}, {"shard": "auto"}, "neither JOB_COMPLETION_INDEX"),
        ({"JOB_COMPLETION_INDEX": "1"}, {"shard": "auto"}, "pass --shards N"),
        ({"JOB_COMPLETION_INDEX": "x"}, {"shards": 2}, "not a whole number"),
        ({"JOB_COMPLETION_INDEX": "2"}, {"shards": 2}, "numbered 0 to 1"),
        ({"SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "4"}, {"shards": 3}, "has 4 tasks"),
        ({"SLURM_ARRAY_TASK_ID": "6", "SLURM_ARRAY_TASK_COUNT": "4"}, {"shard": "auto"}, "without gaps"),
        ({}, {"shard": "1/4", "shards": 3}, "disagree"),
    ],
)
def test_bad_shard_environments_are_one_line(
    environ: dict[str, str], fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        _number(environ, **fields)


@pytest.mark.parametrize(
    "flags,message",
    [
        (["--shard", "3/2"], "numbered 0 to 1"),
        (["--shard", "0/0"], "at least 1"),
        (["--shard", "two"], "expected I/N"),
        (["--shard", "0/2", "--mix-generated", "1"], "--mix-generated is not supported"),
        (["--shard", "0/2", "--add", "5"], "--add is not supported"),
        (["--shard", "0/2", "--shard-margin", "-0.5"], "--shard-margin"),
    ],
)
def test_bad_shard_flags_exit_2_with_one_line_and_write_nothing(
    tmp_path: Path, flags: list[str], message: str
) -> None:
    result = run_cli(*MOCK, "-o", tmp_path / "out.jsonl", *flags)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_a_shard_writes_its_candidates_with_their_counted_flag(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    assert run_cli(*MOCK, "--num", 100, "-o", out, "--shard", "1/2").exit_code == 0
    shard = tmp_path / "out.jsonl.shards" / "shard-1-of-2.jsonl"
    meta = read_jsonl(shard.with_name(shard.name + ".meta.jsonl"))
    report = json.loads(shard.with_name(shard.name + ".report.json").read_text())
    assert not out.exists() and not (tmp_path / "out.jsonl.card.md").exists()  # merge writes those
    assert len(meta) == len(read_jsonl(shard)) == report["examples"]
    assert [m["request"] for m in meta] == sorted(m["request"] for m in meta)  # the shard's own numbers
    assert {m["shard_pass"] for m in meta} <= {"new", "similar"}
    counted = sum(m["shard_pass"] == "new" for m in meta)
    assert counted == report["last_run"]["counts"]["kept"] >= 57  # ceil(100 * 1.125 / 2)
    assert report["last_run"]["shard"] | {"command": ""} == {
        "index": 1, "count": 2, "group": 1, "num": 100, "margin": 0.125, "merge": "self-instruct",
        "command": "",
    }  # fmt: skip
    # run again: nothing to do (its target is counted on the flagged rows, not on the file's rows)
    again = run_cli(*MOCK, "--num", 100, "-o", out, "--shard", "1/2")
    assert again.exit_code == 0 and read_jsonl(shard.with_name(shard.name + ".meta.jsonl")) == meta


def test_a_counted_verdict_is_written_whole_and_counts_only_its_count() -> None:
    countdown = TargetCountdown(3)
    first = countdown.apply(Verdict(kept=[{"a": 1}] * 5, counted=2))
    assert len(first.kept) == 5 and not first.after_target and countdown.wanted == 1
    second = countdown.apply(Verdict(kept=[{"a": 1}] * 4, counted=4))
    assert len(second.kept) == 4 and not second.after_target
    assert countdown.apply(Verdict(kept=[{"a": 1}], counted=1)).after_target


def test_kill_9_a_shard_and_rerun_it_gives_the_uninterrupted_shard(kill_and_resume: Any) -> None:
    drill = kill_and_resume("generate", "--model", "mock", "-j", "4", "--num", 1500, "--shard", "2/3")
    shard = "{}.jsonl.shards/shard-2-of-3.jsonl"
    reference = drill.workdir / shard.format("ref")
    drill.reference()
    out = drill.workdir / shard.format("out")
    drill.kill_after(6, "out", then=lines_at_least(out, 30))
    report = json.loads(out.with_name(out.name + ".report.json").read_text())
    assert report["last_run"]["stop_reason"] == "running"
    drill.resume("out")
    assert out.read_bytes() == reference.read_bytes()
    strip = [{k: v for k, v in m.items() if k != "request_id"} for m in read_jsonl(Path(f"{out}.meta.jsonl"))]
    assert strip == [
        {k: v for k, v in m.items() if k != "request_id"} for m in read_jsonl(Path(f"{reference}.meta.jsonl"))
    ]


def test_the_shard_margin_grows_with_the_shard_count_for_generate_only() -> None:
    assert shard_margin(1, "self-instruct") == shard_margin(1, "rows") == 0  # one shard is the run
    assert shard_margin(2, "self-instruct") == pytest.approx(0.125)
    assert shard_margin(4, "self-instruct") == pytest.approx(0.15)
    assert shard_margin(16, "self-instruct") == pytest.approx(0.2)
    assert shard_margin(16, "rows") == pytest.approx(0.1)  # merge keeps every row: yields only
    assert shard_margin(16, "self-instruct", 0.0) == 0 and shard_margin(1, "rows", 0.5) == 0.5
    assert shard_target(1000, 4, 0.15) == 288 and shard_target(1000, 1, 0.0) == 1000


def test_shard_margin_sets_how_many_rows_a_shard_counts(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = run_cli(*MOCK, "--num", 100, "-o", out, "--shard", "0/2", "--shard-margin", "0.5")
    assert result.exit_code == 0, result.output
    shard = tmp_path / "out.jsonl.shards" / "shard-0-of-2.jsonl"
    report = json.loads(shard.with_name(shard.name + ".report.json").read_text())
    assert report["last_run"]["shard"]["margin"] == 0.5
    assert report["last_run"]["counts"]["kept"] >= 75  # ceil(100 * 1.5 / 2): the target, met
