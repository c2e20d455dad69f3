"""`synthgen respond` on chat input: the traces already on the input's earlier turns are written
back as the input had them (a ``reasoning_content`` field, an inline ``<think>`` block)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import read_jsonl, run_cli

QUESTION = {"role": "user", "content": "What is 2 + 2?"}
FOLLOW_UP = {"role": "user", "content": "And 3 + 3?\n[mock: answer]\nSix."}
THINKING = {
    "role": "user",
    "content": "And 3 + 3?\n[mock: answer]\n<think>\nthree and three\n</think>\n\nSix.",
}
FIELD = {"role": "assistant", "content": "Four.", "reasoning_content": "Two and two make four."}
INLINE = {"role": "assistant", "content": "<think>\nadd them\n</think>\n\nFour."}
LOOSE_INLINE = {"role": "assistant", "content": "  <think>add them</think>Four."}  # not our exact form
PLAIN = {"role": "assistant", "content": "Four."}
ROWS = [[QUESTION, turn, THINKING] for turn in (FIELD, INLINE, LOOSE_INLINE, PLAIN)]


def _write(path: Path, conversations: list[list[dict[str, Any]]]) -> Path:
    lines = [json.dumps({"messages": turns}) + "\n" for turns in conversations]
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _respond(tmp_path: Path, source: Path, *flags: str) -> Path:
    out = tmp_path / f"out{len(list(tmp_path.iterdir()))}.jsonl"
    result = run_cli("respond", source, "-o", out, "--format", "messages", "-q", *flags)
    assert result.exit_code == 0, result.output
    return out


def _compact(row: dict[str, Any]) -> str:
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"))


@pytest.mark.parametrize("teacher", ["in-process", "http"])
def test_earlier_turns_keep_their_traces_exactly(tmp_path: Path, mock_server: Any, teacher: str) -> None:
    flags = ["--teacher", "mock"]
    if teacher == "http":
        flags = ["--base-url", mock_server().url, "--model", "m", "--no-cache"]
    out = _respond(tmp_path, _write(tmp_path / "in.jsonl", ROWS), *flags)
    rows = read_jsonl(out)
    assert len(rows) == len(ROWS)
    for row, turns in zip(rows, ROWS, strict=True):
        *earlier, answer = row["messages"]
        # every turn has the key (one struct type for datasets); the input's turns come back as read
        assert earlier == [{**turn, "reasoning_content": turn.get("reasoning_content")} for turn in turns]
        # the teacher's own trace is split off its answer as before
        assert answer == {"role": "assistant", "content": "Six.", "reasoning_content": "three and three"}
    assert rows[0]["messages"][1]["reasoning_content"] == "Two and two make four."
    assert rows[1]["messages"][1]["content"] == INLINE["content"]  # left inline, byte for byte


def test_a_row_without_traces_is_written_as_before(tmp_path: Path) -> None:
    """The row as respond wrote it before traces came through: every turn with a null trace."""
    source = _write(tmp_path / "in.jsonl", [[QUESTION, PLAIN, FOLLOW_UP]])
    out = _respond(tmp_path, source, "--teacher", "mock")
    turns = [QUESTION, PLAIN, FOLLOW_UP, {"role": "assistant", "content": "Six."}]
    expected = {"messages": [{**turn, "reasoning_content": None} for turn in turns]}
    assert out.read_text(encoding="utf-8") == _compact(expected) + "\n"
    dropped = _respond(tmp_path, source, "--teacher", "mock", "--reasoning", "drop")
    assert dropped.read_text(encoding="utf-8") == _compact({"messages": turns}) + "\n"


def test_the_older_reasoning_key_is_written_as_reasoning_content(tmp_path: Path) -> None:
    legacy = {"role": "assistant", "content": "Four.", "reasoning": "Two and two make four."}
    out = _respond(
        tmp_path, _write(tmp_path / "in.jsonl", [[QUESTION, legacy, FOLLOW_UP]]), "--teacher", "mock"
    )
    assert read_jsonl(out)[0]["messages"][1] == FIELD


def test_reasoning_drop_leaves_out_every_trace_the_input_had_too(tmp_path: Path) -> None:
    """``--reasoning drop`` writes no trace at all, as ``convert --drop-reasoning`` does."""
    out = _respond(tmp_path, _write(tmp_path / "in.jsonl", ROWS), "--teacher", "mock", "--reasoning", "drop")
    for row in read_jsonl(out):
        assert row["messages"] == [QUESTION, PLAIN, THINKING, {"role": "assistant", "content": "Six."}]


def test_what_the_teacher_is_sent_does_not_change(tmp_path: Path, mock_server: Any) -> None:
    """Role and content of each turn, as before: the same conversation without the field trace
    hits the first run's cache entry and sends nothing."""
    server = mock_server()
    flags = ["--base-url", server.url, "--model", "m"]
    _respond(tmp_path, _write(tmp_path / "traced.jsonl", [[QUESTION, FIELD, FOLLOW_UP]]), *flags)
    sent = server.stats()
    out = _respond(tmp_path, _write(tmp_path / "plain.jsonl", [[QUESTION, PLAIN, FOLLOW_UP]]), *flags)
    assert server.stats() == sent, "the plain conversation was sent again: the traced one differed"
    assert read_jsonl(out)[0]["messages"][-1]["content"] == "Six."


def test_alpaca_rows_refuse_a_conversation_they_would_cut(tmp_path: Path) -> None:
    """An Alpaca row holds one instruction: chat rows with earlier turns are refused before any
    request (one line naming the first such row, exit 2, nothing written); a one-question chat row
    (a system turn aside) still becomes an Alpaca row."""
    source = _write(
        tmp_path / "chat.jsonl", [[{"role": "system", "content": "Be brief."}, QUESTION], *ROWS[:2]]
    )
    out = tmp_path / "out.jsonl"
    result = run_cli("respond", source, "-o", out, "--teacher", "mock", "-q")
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert (
        len(lines) == 1 and f"{source}:2: messages: earlier turns" in lines[0] and "(2 of 3 rows)" in lines[0]
    )
    assert "--format messages" in lines[0] and not out.exists()
    single = _write(tmp_path / "single.jsonl", [[{"role": "system", "content": "Be brief."}, QUESTION]])
    assert run_cli("respond", single, "-o", out, "--teacher", "mock", "-q").exit_code == 0
    assert read_jsonl(out)[0]["instruction"] == QUESTION["content"]


def test_alpaca_rows_refuse_a_trace_field_on_the_prompt(tmp_path: Path) -> None:
    traced = {**QUESTION, "reasoning_content": "The user wants a sum."}
    source = _write(tmp_path / "chat.jsonl", [[QUESTION], [traced]])
    out = tmp_path / "out.jsonl"
    result = run_cli("respond", source, "-o", out, "--teacher", "mock", "-q")
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"{source}:2: messages: a reasoning_content field" in lines[0]
    assert "(1 of 2 rows)" in lines[0] and not out.exists()
    kept = _respond(tmp_path, source, "--teacher", "mock")  # --format messages keeps it
    assert read_jsonl(kept)[1]["messages"][0]["reasoning_content"] == traced["reasoning_content"]
