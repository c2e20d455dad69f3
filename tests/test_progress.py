"""What a run shows while it works: the live panel on a terminal, plain and JSON lines otherwise."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import synthgen_cmd

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def test_the_live_panel_on_a_terminal(tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    out = tmp_path / "a.jsonl"
    cmd = synthgen_cmd("generate", "--teacher", "mock", "-n", "400", "-o", out, "--seed", "1")
    child = pexpect.spawn(cmd[0], cmd[1:], dimensions=(40, 160), encoding="utf-8", timeout=120)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    screen = ANSI.sub("", child.before)
    for words in (
        "kept",
        "400/400",
        "in flight",
        "sent",
        "retried",
        "tokens",
        "rejected",
        "duplicates",
        "exact",
    ):
        assert words in screen, words
    assert re.search(r"rejected\s+\w+ \d+", screen)  # reasons with their counts


def test_plain_progress_lines_appear_while_no_request_completes(tmp_path: Path, mock_server: Any) -> None:
    server = mock_server(hold_after=0)  # no request is ever answered
    out = tmp_path / "a.jsonl"
    proc = subprocess.Popen(
        synthgen_cmd("generate", "--base-url", server.url, "--model", "m", "-n", "5", "-o", out, "--no-cache",
                     "--log-format", "json", "--request-timeout", "60", "--progress-interval", "0.2"),
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stderr is not None
    line = proc.stderr.readline()  # the first progress line comes after 0.2 s, though nothing completed
    proc.kill()
    proc.communicate(timeout=30)
    event = json.loads(line)
    assert event["event"] == "progress" and event["kept"] == 0 and event["in_flight"] > 0
    assert isinstance(event["ts"], float) and event["oldest"].endswith("s")


def test_no_terminal_no_panel_and_quiet_is_silent(tmp_path: Path) -> None:
    quiet = subprocess.run(
        synthgen_cmd("generate", "--teacher", "mock", "-n", "20", "-o", tmp_path / "q.jsonl", "-q"),
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert quiet.returncode == 0 and quiet.stderr == ""
    plain = subprocess.run(
        synthgen_cmd("generate", "--teacher", "mock", "-n", "20", "-o", tmp_path / "p.jsonl"),
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert plain.returncode == 0 and "\x1b[" not in plain.stderr and "kept 20 new examples" in plain.stderr
