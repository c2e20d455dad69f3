"""What a run shows while it works: the live panel on a terminal, plain and JSON lines otherwise."""

from __future__ import annotations

import json
import os
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


# --- a panel that tells the truth at any width (issue 23) -------------------------------------


@pytest.mark.parametrize("columns", [60, 40])
def test_the_panel_keeps_figures_beside_their_labels_on_narrow_terminals(
    tmp_path: Path, columns: int
) -> None:
    pexpect = pytest.importorskip("pexpect")
    config = tmp_path / "run.toml"
    config.write_text('max_cost = 5.0\n[prices."mock"]\ninput = 1.0\noutput = 2.0\n', encoding="utf-8")
    cmd = synthgen_cmd("generate", "--teacher", "mock", "-n", "300", "-o", tmp_path / "a.jsonl", "-c", config)
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}  # the pty's size rules
    child = pexpect.spawn(cmd[0], cmd[1:], dimensions=(40, columns), encoding="utf-8", timeout=120, env=env)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    # each redraw moves the cursor up and clears lines: those codes end a line too
    screen = ANSI.sub("", re.sub(r"\x1b\[\d*[AK]", "\n", child.before)).replace("\r", "\n")
    panel = [line for line in screen.split("\n") if line[:1] in ("│", "╭", "╰")]
    assert panel and all(len(line) <= columns for line in panel), max(panel, key=len)
    for label, value in (
        ("in flight", r"\d+ \(limit \d+\)"),
        ("requests", r"[\d,]+ sent"),
        ("tokens", r"[\d,]+ in"),
        ("cost", r"\$[\d.]+"),
        ("duplicates", r"\d+ exact"),
    ):
        assert re.search(rf"{label}\s+{value}", screen), (label, screen[-2000:])
    assert "300/300" in screen


def test_panel_rows_count_queued_requests_apart_and_project_the_cost() -> None:
    from collections import Counter

    from synthgen.engine.progress_panel import panel_rows
    from synthgen.engine.snapshot import Snapshot

    shot = Snapshot(kept=50, requests=120, in_flight=4, queued=12, tokens_in=9000, tokens_out=3000,
                    cost=0.25, max_cost=1.0, concurrency_limit=4, rejected=Counter(too_long=3))  # fmt: skip
    rows = dict(panel_rows(shot, elapsed=10.0, total=200))
    assert rows["in flight"] == "4 (limit 4), 12 queued"  # never more in flight than the limit
    assert rows["requests"].startswith("120 sent, 12.0/s")
    assert rows["tokens"] == "9,000 in, 3,000 out"
    assert rows["cost"] == "$0.2500 of $1.00, ~$1.0000 projected"
    assert rows["rejected"] == "too_long 3"
