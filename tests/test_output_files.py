"""What a run leaves on disk: modes that follow the umask, no leftovers from failed runs."""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import run_cli, synthgen_cmd
from synthgen.errors import LockHeldError
from synthgen.io.files import fsync
from synthgen.io.lock import OutputLock


def test_fsync_is_skipped_only_when_the_environment_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[int] = []
    monkeypatch.setattr(os, "fsync", synced.append)  # the system call, counted
    with (tmp_path / "f").open("w") as handle:
        for value in (None, "1", "0", ""):
            if value is None:
                monkeypatch.delenv("SYNTHGEN_FSYNC")
            else:
                monkeypatch.setenv("SYNTHGEN_FSYNC", value)
            fsync(handle.fileno())
        assert synced == [handle.fileno()] * 3  # all but "0"


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _generate(out: Path, *extra: object):
    return run_cli("generate", "--teacher", "mock", "-o", out, "--quiet", *extra)


@pytest.mark.parametrize("overwrite", [False, True])
def test_data_meta_and_report_follow_the_umask(tmp_path: Path, umask_022: None, overwrite: bool) -> None:
    out = tmp_path / "a.jsonl"
    if overwrite:
        assert _generate(out, "--num", "5").exit_code == 0
    assert _generate(out, "--num", "20", *(["--overwrite"] if overwrite else [])).exit_code == 0
    for name in ("a.jsonl", "a.jsonl.meta.jsonl", "a.jsonl.report.json", "a.jsonl.card.md"):
        assert _mode(out.with_name(name)) == 0o644, name


def test_dedup_and_filter_outputs_follow_the_umask(tmp_path: Path, umask_022: None) -> None:
    source = tmp_path / "a.jsonl"
    assert _generate(source, "--num", "10").exit_code == 0
    assert run_cli("dedup", source, "-o", tmp_path / "d.jsonl").exit_code == 0
    assert run_cli("filter", source, "-o", tmp_path / "f.jsonl").exit_code == 0
    assert _mode(tmp_path / "d.jsonl") == _mode(tmp_path / "f.jsonl") == 0o644


def test_converted_files_follow_the_umask(tmp_path: Path, umask_022: None) -> None:
    source = tmp_path / "a.jsonl"
    assert _generate(source, "--num", "5").exit_code == 0
    assert run_cli("convert", source, "-o", tmp_path / "chat.jsonl", "--to", "messages").exit_code == 0
    assert _mode(tmp_path / "chat.jsonl") == 0o644
    pytest.importorskip("pyarrow")
    assert run_cli("convert", source, "-o", tmp_path / "a.parquet", "--to", "parquet").exit_code == 0
    assert _mode(tmp_path / "a.parquet") == 0o644  # written by pyarrow to a path we made


def test_the_response_cache_stays_private(tmp_path: Path, mock_server: Any, umask_022: None) -> None:
    server = mock_server()
    cache = tmp_path / "cache" / "responses.sqlite3"
    result = subprocess.run(
        synthgen_cmd("generate", "--base-url", server.url, "--model", "m", "-o", tmp_path / "a.jsonl",
                     "--num", "5", "--cache-path", cache, "--quiet"),
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert _mode(cache) == 0o600
    assert _mode(tmp_path / "a.jsonl") == 0o644


def test_dev_null_as_output_is_refused_with_one_line(tmp_path: Path) -> None:
    beside = sorted(Path("/dev").glob("null.*"))
    result = _generate(Path("/dev/null"), "--num", "5")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("synthgen: error: --output /dev/null: not a regular file")
    assert sorted(Path("/dev").glob("null.*")) == beside  # no sidecar written next to it


def test_an_output_under_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("x")
    result = _generate(tmp_path / "plain" / "a.jsonl", "--num", "5")
    assert result.exit_code == 2
    assert f"{tmp_path / 'plain'} is not a directory" in result.stderr


def test_a_run_that_fails_at_start_leaves_no_folder_or_lock(tmp_path: Path) -> None:
    out = tmp_path / "new" / "deeper" / "a.jsonl"
    # No key and no --base-url: found after the output's lock was taken.
    result = run_cli("generate", "--model", "gpt-4o-mini", "-o", out, "--num", "5")
    assert result.exit_code == 2, result.stderr
    assert "OPENAI_API_KEY is not set" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_run_refused_after_taking_the_lock_leaves_no_lock_file(tmp_path: Path) -> None:
    out = tmp_path / "a.jsonl"
    out.write_text('{"not": "a synthgen line"}\n')
    result = _generate(out, "--num", "5")
    assert result.exit_code == 2
    assert f"{out}:1:" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jsonl"]


def test_the_lock_removes_the_folders_it_made_when_they_stay_empty(tmp_path: Path) -> None:
    lock = OutputLock(tmp_path / "new" / "deeper" / "a.jsonl.lock")
    lock.acquire()
    assert lock.path.exists()
    lock.release()
    assert list(tmp_path.iterdir()) == []
    kept = OutputLock(tmp_path / "new" / "a.jsonl.lock")
    kept.acquire()
    (tmp_path / "new" / "a.jsonl").write_text("")  # the run wrote something: the folder stays
    kept.release()
    assert [p.name for p in (tmp_path / "new").iterdir()] == ["a.jsonl"]


def test_a_lock_file_removed_by_its_holder_is_not_held_twice(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl.lock"
    first = OutputLock(path)
    first.acquire()
    stale_fd = os.open(path, os.O_RDWR)  # another run opened the file before it went away
    first.release()
    second = OutputLock(path)
    second.acquire()  # a fresh file
    try:
        assert os.fstat(stale_fd).st_ino != path.stat().st_ino
        with pytest.raises(LockHeldError):
            OutputLock(path).acquire()
    finally:
        os.close(stale_fd)
        second.release()


def test_a_finished_run_leaves_no_lock_file(tmp_path: Path) -> None:
    out = tmp_path / "a.jsonl"
    assert _generate(out, "--num", "5").exit_code == 0
    assert not (tmp_path / "a.jsonl.lock").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "a.jsonl", "a.jsonl.card.md", "a.jsonl.meta.jsonl", "a.jsonl.report.json"
    ]  # fmt: skip
