"""``--batch`` for commands of several stages: ``evolve`` round after round, ``pairs`` stage
after stage; each rerun collects what finished and submits the next; the files of a live run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import run_cli, run_until_done

from synthgen.exit_codes import PENDING


def _tasks(path: Path, count: int) -> Path:
    with path.open("w") as handle:
        for i in range(count):
            handle.write(json.dumps({"instruction": f"Write a short poem about topic number {i} and the sea.", "input": ""}) + "\n")  # fmt: skip
    return path


def _state(out: Path) -> dict[str, Any]:
    return json.loads(out.with_name(out.name + ".batch.json").read_text())


def _same_files(live: Path, batched: Path, *beside: str) -> None:
    assert batched.read_bytes() == live.read_bytes()
    for suffix in beside:
        assert Path(f"{batched}{suffix}").read_bytes() == Path(f"{live}{suffix}").read_bytes(), suffix


def test_evolve_batch_submits_round_after_round_and_writes_the_live_files(tmp_path: Path) -> None:
    tasks = _tasks(tmp_path / "tasks.jsonl", 6)
    live, batched = tmp_path / "live.jsonl", tmp_path / "batched.jsonl"
    common = ("evolve", tasks, "--teacher", "mock", "--rounds", "3", "--quiet")
    assert run_cli(*common, "-o", live).exit_code == 0
    codes = run_until_done(*common, "-o", batched, "--batch")
    assert codes == [PENDING, PENDING, PENDING, 0], codes  # one round per run, then the last collected
    _same_files(live, batched, ".meta.jsonl", ".rejected.jsonl")
    state = _state(batched)
    ranges = [b["ranges"] for b in state["batches"]]
    assert ranges[0] == [[0, 5]] and ranges[1][0][0] == 6  # round 2 numbered after round 1
    assert all(b["collected"] for b in state["batches"])
    again = run_cli(*common, "-o", batched, "--batch")
    assert again.exit_code == 0 and batched.read_bytes() == live.read_bytes()


def test_pairs_batch_answers_both_models_at_once_then_judges(tmp_path: Path) -> None:
    prompts = _tasks(tmp_path / "prompts.jsonl", 5)
    live, batched = tmp_path / "live.jsonl", tmp_path / "batched.jsonl"
    common = ("pairs", prompts, "--teacher", "mock", "--samples", "2", "--rejected-model", "weak", "--quiet")
    assert run_cli(*common, "-o", live).exit_code == 0
    first = run_cli(*common, "-o", batched, "--batch")
    assert first.exit_code == PENDING, first.output
    answers, weak = (tmp_path / f"batched.{name}.jsonl" for name in ("answers", "weak-answers"))
    assert [b["requests"] for b in _state(answers)["batches"]] == [10]
    assert [b["requests"] for b in _state(weak)["batches"]] == [10]  # not a run later
    assert not batched.with_name("batched.jsonl.batch.json").exists()
    second = run_cli(*common, "-o", batched, "--batch")
    assert second.exit_code == PENDING, second.output
    assert [b["requests"] for b in _state(batched)["batches"]] == [20]  # every answer graded
    assert run_cli(*common, "-o", batched, "--batch").exit_code == 0
    _same_files(live, batched, ".meta.jsonl")
    for name in ("answers", "weak-answers"):
        assert (tmp_path / f"batched.{name}.jsonl").read_bytes() == (
            tmp_path / f"live.{name}.jsonl"
        ).read_bytes()
    assert batched.with_name("batched.jsonl.card.md").exists()


def test_pairs_batch_budgets_count_every_stage(tmp_path: Path) -> None:
    prompts = _tasks(tmp_path / "prompts.jsonl", 5)
    out = tmp_path / "pairs.jsonl"
    args = (
        "pairs",
        prompts,
        "-o",
        out,
        "--teacher",
        "mock",
        "--samples",
        "2",
        "--batch",
        "--max-requests",
        "15",
    )
    codes = run_until_done(*args)
    assert codes[0] == PENDING and codes[-1] == 3, codes  # the judged stage stopped by the budget
    judged = sum(b["requests"] for b in _state(out)["batches"])
    assert judged == 5  # 10 answers were asked by the first stage, in an earlier run


def test_evolve_and_pairs_refuse_batch_without_the_cache(tmp_path: Path) -> None:
    tasks = _tasks(tmp_path / "tasks.jsonl", 2)
    for command in (("evolve", tasks), ("pairs", tasks, "--samples", "2")):
        result = run_cli(*command, "-o", tmp_path / "out.jsonl", "--teacher", "mock", "--batch", "--no-cache")
        assert result.exit_code == 2 and "--no-cache" in result.output
