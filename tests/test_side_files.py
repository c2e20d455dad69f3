"""Side files beside a dataset (``OUT.<name>.jsonl``): pruning on resume, replacing on overwrite."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import read_jsonl
from synthgen.io.files import dumps_line
from synthgen.io.side_files import SideFiles, prune_side_files, side_path


def test_pruning_keeps_lines_whose_text_holds_unicode_line_separators(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    rows = [
        {"text": "a\u2028b", "_request": 1},
        {"text": "c\x85d", "_request": 2},
        {"text": "e", "_request": 7},
    ]
    side_path(out, "rejected").write_text("".join(map(dumps_line, rows)), encoding="utf-8")
    prune_side_files(out, 5)
    lines = side_path(out, "rejected").read_text(encoding="utf-8").split("\n")
    assert [json.loads(line) for line in lines if line] == rows[:2]


def test_overwrite_replaces_the_side_files_of_the_old_run_when_published(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    for name in ("rejected", "unsolved"):
        side_path(out, name).write_text(dumps_line({"old": True, "_request": 99}), encoding="utf-8")
    unpublished = SideFiles(out, overwrite=True)  # e.g. a run that wrote no row before it stopped
    unpublished.append("rejected", {"new": True}, 0)
    unpublished.close(complete=False, publish=False)
    assert read_jsonl(side_path(out, "rejected")) == [{"old": True, "_request": 99}]  # untouched
    stopped = SideFiles(out, overwrite=True)  # one stopped early (a budget) that wrote rows
    stopped.append("rejected", {"new": True}, 0)
    stopped.close(complete=False, publish=True)
    assert read_jsonl(side_path(out, "rejected")) == [{"new": True, "_request": 0}]
    assert not side_path(out, "unsolved").exists()  # the old run's, not written by this one
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl.rejected.jsonl"]


def test_a_rerun_with_nothing_to_do_keeps_the_last_requests_side_lines(tmp_path: Path) -> None:
    from conftest import run_cli

    out = tmp_path / "out.jsonl"
    args = (
        "generate",
        "-o",
        out,
        "--teacher",
        "mock",
        "--num",
        "30",
        "--judge-model",
        "j",
        "--min-score",
        "8",
        "--quiet",
    )
    assert run_cli(*args).exit_code == 0
    rejected = side_path(out, "rejected").read_bytes()
    last = max(
        json.loads(line)["request"] for line in (tmp_path / "out.jsonl.meta.jsonl").read_text().splitlines()
    )
    assert any(row["_request"] == last for row in read_jsonl(side_path(out, "rejected")))
    assert run_cli(*args).exit_code == 0  # the target is met: it had pruned the last request's lines
    assert side_path(out, "rejected").read_bytes() == rejected
