"""``generate --batch`` and ``judge --batch``: rounds planned from the observed yield, live files."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli, run_until_done

from synthgen.exit_codes import PENDING


def test_generate_batch_rounds_write_the_live_file(tmp_path: Path) -> None:
    live, batched = tmp_path / "live.jsonl", tmp_path / "batched.jsonl"
    common = ("--teacher", "mock", "--num", "60", "--quiet")
    assert run_cli("generate", "-o", live, *common).exit_code == 0
    codes = run_until_done("generate", "-o", batched, *common, "--batch")
    assert codes[0] == PENDING and codes[-1] == 0, codes
    assert batched.read_bytes() == live.read_bytes()
    state = json.loads(batched.with_name("batched.jsonl.batch.json").read_text())
    assert state["batches"][0]["requests"] < 60  # the first round is planned from the prior yield


def test_judge_batch_writes_the_live_file(tmp_path: Path) -> None:
    answers = tmp_path / "answers.jsonl"
    with answers.open("w") as handle:
        for i in range(12):
            words = " ".join(["word"] * (i * 4 + 1))
            handle.write(json.dumps({"instruction": f"Say something number {i}.", "input": "", "output": words}) + "\n")  # fmt: skip
    live, batched = tmp_path / "live.jsonl", tmp_path / "batched.jsonl"
    common = ("--teacher", "mock", "--min-score", "3", "--quiet")
    assert run_cli("judge", answers, "-o", live, *common).exit_code == 0
    codes = run_until_done("judge", answers, "-o", batched, *common, "--batch")
    assert codes[0] == PENDING and codes[-1] == 0, codes
    assert batched.read_bytes() == live.read_bytes()
