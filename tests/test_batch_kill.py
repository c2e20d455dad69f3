"""``--batch`` runs killed with SIGKILL at each step that talks to the provider (the
kill-and-resume harness, tests/kill_resume.py): the rerun never submits a batch twice, and the
series ends with the file of a live run.

The mock server holds the step (``hold_batch``): an upload, the creation of the batch (before
it exists, or once it does and its id never reaches the client), or the download of its
answers; the run is killed while it waits there.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openai
import pytest
from tests.conftest import run_cli, run_until_done

from synthgen.exit_codes import PENDING


def _rows(path: Path, count: int) -> Path:
    with path.open("w") as handle:
        for i in range(count):
            handle.write(json.dumps({"instruction": f"Explain idea number {i} in one short paragraph.", "input": ""}) + "\n")  # fmt: skip
    return path


def _until_done(drill: Any, name: str) -> list[int]:
    return run_until_done(*drill.arguments(name, "--batch"), rounds=6)


# What OUT.batch.json holds after the kill at each step: (file id, batch id, collected).
KILLED_WITH = {
    "upload": (False, False, False),  # planned only: the rerun plans afresh
    "create": (True, False, False),  # uploaded: the rerun looks the batch up, finds none, creates it
    "created": (True, False, False),  # the batch exists, its id never came back: found by metadata
    "download": (True, True, False),  # the rerun downloads again
}


@pytest.mark.parametrize("step", ["upload", "create", "created", "download"])
def test_a_batch_run_killed_at_any_step_submits_once_and_ends_with_the_live_file(
    kill_and_resume: Any, tmp_path: Path, step: str
) -> None:
    drill = kill_and_resume("respond", _rows(tmp_path / "rows.jsonl", 6), "--model", "mock", "--quiet")
    live = drill.reference()
    if step == "download":  # submitted by a first run; the run that collects is killed
        assert run_cli(*drill.arguments("out", "--batch")).exit_code == PENDING
    out = drill.kill_when_held("out", "--batch", hold_batch=step)
    record = json.loads(out.with_name("out.jsonl.batch.json").read_text())["batches"][0]
    assert (bool(record["file_id"]), bool(record["batch_id"]), record["collected"]) == KILLED_WITH[step]
    codes = _until_done(drill, "out")
    assert codes[-1] == 0, codes
    assert out.read_bytes() == live.read_bytes()
    run = json.loads(out.with_name("out.jsonl.batch.json").read_text())["run"]
    client = openai.OpenAI(base_url=drill.server.url, api_key="x", max_retries=0)
    ours = [
        b
        for b in client.batches.list(limit=100)
        if (b.metadata or {}).get("synthgen_run", "").startswith(run)
    ]
    assert len(ours) == 1, ours  # created once, whatever the step the kill hit
    assert sum(b.request_counts.total for b in ours if b.request_counts) == 6
