"""``synthgen push``: one commit to a local stand-in for the Hub's HTTP API (``HF_ENDPOINT``):
success, a refused token, a connection dropped mid-upload, and bad input refused before any
request. Each push is a real process: huggingface_hub reads ``HF_ENDPOINT`` and ``HF_HOME`` when
it is imported, so only a fresh process keeps every request on the loopback stand-in."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import run_cli, synthgen_cmd
from hub_stand_in import HubStandIn
from synthgen.io.beside import lock_path
from synthgen.io.lock import OutputLock

pytest.importorskip("huggingface_hub")

TOKEN = "hf_valid_token_123"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[HubStandIn]:
    with HubStandIn(token=TOKEN) as stand_in:
        yield stand_in


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    out = tmp_path / "run" / "alpaca.jsonl"
    result = run_cli("generate", "--teacher", "mock", "--num", "30", "-o", out, "-q",
                     "--cache-path", tmp_path / "private" / "cache.sqlite3")  # fmt: skip
    assert result.exit_code == 0, result.output
    return out


def _push(
    hub: HubStandIn, data: Path, *flags: str, token: str | None = TOKEN
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
    env.update(HF_ENDPOINT=hub.url, HF_HOME=str(data.parent / "hf-home"), HF_HUB_DISABLE_TELEMETRY="1")
    if token is not None:
        env["HF_TOKEN"] = token
    return subprocess.run(
        synthgen_cmd("push", data, *flags), capture_output=True, text=True, timeout=120, env=env
    )


def test_push_commits_data_card_and_report_in_one_commit(hub: HubStandIn, dataset: Path) -> None:
    result = _push(hub, dataset, "--repo", "user/tiny", "--private")
    assert result.returncode == 0, result.stderr
    repo = hub.repos["user/tiny"]
    assert repo.private and len(repo.branches["main"]) == 1  # one commit
    files = repo.files()
    assert set(files) == {"alpaca.jsonl", "README.md", "alpaca.jsonl.meta.jsonl", "alpaca.jsonl.report.json"}
    assert files["alpaca.jsonl"] == dataset.read_bytes()
    assert files["alpaca.jsonl.meta.jsonl"] == dataset.with_name("alpaca.jsonl.meta.jsonl").read_bytes()
    assert files["README.md"] == dataset.with_name("alpaca.jsonl.card.md").read_bytes()
    report = json.loads(files["alpaca.jsonl.report.json"])
    assert (
        "cache_path" not in report["config"]
        and str(dataset.parent) not in files["alpaca.jsonl.report.json"].decode()
    )
    assert report["last_run"]["counts"]["kept"] == 30
    assert TOKEN not in result.stdout + result.stderr and "user/tiny" in result.stderr
    again = _push(hub, dataset, "--repo", "user/tiny", "--revision", "draft")
    assert again.returncode == 0, again.stderr
    assert len(repo.branches["draft"]) == 2 and len(repo.branches["main"]) == 1
    assert hub.validated and hub.validated[0] == files["README.md"].decode()  # the header the Hub checks


def test_meta_and_soft_targets_go_up_in_the_same_commit_outside_the_default_config(
    hub: HubStandIn, tmp_path: Path
) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    datasets = pytest.importorskip("datasets")
    source = tmp_path / "math.jsonl"
    lines = (ROOT / "seeds" / "math_word_problems.jsonl").read_text(encoding="utf-8").splitlines()[:12]
    source.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    data = tmp_path / "run" / "math.jsonl"
    made = run_cli("respond", source, "--teacher", "mock", "--logprobs", "2", "-o", data, "-q")
    assert made.exit_code == 0, made.output
    meta = data.with_name("math.jsonl.meta.jsonl")
    secret = "https://api.example/v1?api-key=SECRET123"  # a key in a query string stays home
    meta.write_text(re.sub(r'"endpoint":"[^"]*"', json.dumps({"endpoint": secret})[1:-1], meta.read_text()))
    result = _push(hub, data, "--repo", "user/math")
    assert result.returncode == 0, result.stderr
    commits = hub.repos["user/math"].branches["main"]
    assert len(commits) == 1  # one commit for all of them
    files = commits[0]["files"]
    names = [
        "math.jsonl",
        "README.md",
        "math.jsonl.meta.jsonl",
        "math.jsonl.logprobs.parquet",
        "math.jsonl.report.json",
    ]
    assert sorted(files) == sorted(names)
    assert (
        b"SECRET123" not in files["math.jsonl.meta.jsonl"]
        and b"https://api.example/v1" in files["math.jsonl.meta.jsonl"]
    )
    assert files["math.jsonl.logprobs.parquet"] == data.with_name("math.jsonl.logprobs.parquet").read_bytes()
    # the card lists them, and its configs block still names only the data file: the Hub's
    # layout, downloaded, loads as the default config with just the rows
    card = files["README.md"].decode()
    assert "| `math.jsonl.logprobs.parquet` |" in card and "| `math.jsonl.meta.jsonl` |" in card
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    for name, content in files.items():
        (mirror / name).write_bytes(content)
    loaded = datasets.load_dataset(str(mirror), split="train", cache_dir=str(tmp_path / "hf"))
    assert len(loaded) == 12 and set(loaded.column_names) == {"instruction", "input", "output"}
    assert pq.read_table(mirror / "math.jsonl.logprobs.parquet").num_rows == 12


def test_a_refused_token_is_one_line_exit_1_and_changes_nothing(hub: HubStandIn, dataset: Path) -> None:
    result = _push(hub, dataset, "--repo", "user/tiny", token="hf_wrong_token_456")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "refused the token (HTTP 401)" in lines[0], result.stderr
    assert "hf_wrong_token_456" not in result.stdout + result.stderr
    assert hub.repos == {}


def test_a_connection_dropped_mid_upload_leaves_the_hub_as_it_was(hub: HubStandIn, dataset: Path) -> None:
    hub.drop_commit = True
    result = _push(hub, dataset, "--repo", "user/tiny")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "nothing was committed" in lines[0], result.stderr
    assert hub.repos == {}  # the repository this push made is gone again
    hub.drop_commit = False
    assert _push(hub, dataset, "--repo", "user/tiny").returncode == 0
    hub.drop_commit = True
    assert _push(hub, dataset, "--repo", "user/tiny").returncode == 1
    assert len(hub.repos["user/tiny"].branches["main"]) == 1  # an existing repository keeps its commits
    assert _push(hub, dataset, "--repo", "user/tiny", "--revision", "draft").returncode == 1
    assert set(hub.repos["user/tiny"].branches) == {"main"}  # and gets no branch from a failed push


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("no token", "no Hugging Face token: set HF_TOKEN"),
        ("bad repo", "'not a repo id' is not a Hub repository id"),
        ("no card", "no dataset card beside it"),
        ("no file", "no such dataset file"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_sends_nothing(
    hub: HubStandIn, dataset: Path, case: str, message: str
) -> None:
    repo = "not a repo id" if case == "bad repo" else "user/tiny"
    if case == "no card":
        dataset.with_name("alpaca.jsonl.card.md").unlink()
    target = dataset.with_name("missing.jsonl") if case == "no file" else dataset
    result = _push(hub, target, "--repo", repo, token=None if case == "no token" else TOKEN)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert hub.requests == [] and hub.repos == {}


def test_a_file_a_run_is_still_writing_is_not_pushed(hub: HubStandIn, dataset: Path) -> None:
    lock = OutputLock(lock_path(dataset))  # as a run writing the file holds it
    lock.acquire()
    try:
        result = _push(hub, dataset, "--repo", "user/tiny")
    finally:
        lock.release()
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "another synthgen run" in lines[0] and "is writing this output" in lines[0]
    assert hub.requests == [] and hub.repos == {}
    assert _push(hub, dataset, "--repo", "user/tiny").returncode == 0  # once the run is over
    assert not lock_path(dataset).exists()  # the push's own lock is gone with it
