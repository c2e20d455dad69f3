"""`synthgen pairs --format messages`: the traces on the prompt's turns (an earlier assistant
turn's ``reasoning_content``, a ``<think>`` block in its content) come through in the pair's
``prompt`` as read, whether pairs generated the answers (``--samples``) or read them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import read_jsonl, run_cli

LONG = "A much longer answer, with many more words in it, which the judge scores above the other."
QUESTION = {"role": "user", "content": "What is 2 + 2?"}
FIELD = {"role": "assistant", "content": "Four.", "reasoning_content": "Two and two make four."}
LEGACY = {"role": "assistant", "content": "Four.", "reasoning": "Two and two, the old key."}
INLINE = {"role": "assistant", "content": "<think>\nadd them\n</think>\n\nFour."}
PLAIN = {"role": "assistant", "content": "Four."}
EARLIER = {"field": FIELD, "legacy": LEGACY, "inline": INLINE, "plain": PLAIN}


def _follow_up(name: str) -> dict[str, str]:
    """The last question: the mock answers sample 0 short, sample 1 long (a pair)."""
    return {"role": "user", "content": f"And {name}?\n[mock: answer]\nShort.\n[mock: or]\n{LONG}"}


def _as_written(turn: dict[str, Any]) -> dict[str, Any]:
    """A prompt turn as a traced file writes it: role, content, the trace under its key or null."""
    trace = turn.get("reasoning_content") or turn.get("reasoning")
    return {"role": turn["role"], "content": turn["content"], "reasoning_content": trace}


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _pairs(source: Path, out: Path, *flags: str) -> list[dict[str, Any]]:
    result = run_cli("pairs", source, "-o", out, "--teacher", "mock", "-q", *flags)
    assert result.exit_code == 0, result.output
    return read_jsonl(out)


def test_generated_pairs_keep_the_traces_of_earlier_turns(tmp_path: Path) -> None:
    """The reproduction: chat input, ``pairs --samples 2 --format messages``."""
    conversations = [[QUESTION, turn, _follow_up(name)] for name, turn in EARLIER.items()]
    source = _write(tmp_path / "in.jsonl", [{"messages": turns} for turns in conversations])
    rows = _pairs(source, tmp_path / "pairs.jsonl", "--samples", "2", "--format", "messages")
    assert [r["prompt"] for r in rows] == [[_as_written(t) for t in turns] for turns in conversations]
    assert rows[0]["prompt"][1]["reasoning_content"] == "Two and two make four."
    assert rows[1]["prompt"][1]["reasoning_content"] == "Two and two, the old key."
    assert rows[2]["prompt"][1]["content"] == INLINE["content"]  # left inline, byte for byte
    assert all(r["chosen"][0]["content"] == LONG and r["rejected"][0]["content"] == "Short." for r in rows)


def _answer_rows(prompt: list[dict[str, Any]], *answers: str) -> list[dict[str, Any]]:
    return [{"messages": [*prompt, {"role": "assistant", "content": a}]} for a in answers]


def test_read_answers_keep_prompt_traces_and_do_not_split_a_group(tmp_path: Path) -> None:
    follow = {"role": "user", "content": "And 3 + 3?"}
    tie = {"role": "user", "content": "And 4 + 4?"}
    other_trace = {**FIELD, "reasoning_content": "Another thought on the same turn."}
    rows = [
        # one prompt by role and content: the second answer's different trace does not split
        # the group, and the first answer's trace is written
        *_answer_rows([QUESTION, FIELD, follow], "Six."),
        *_answer_rows([QUESTION, other_trace, follow], LONG),
        *_answer_rows([QUESTION, INLINE, follow], "Six.", LONG),
        *_answer_rows([QUESTION, PLAIN, tie], "Six.", "Six!"),  # a tie: to the rejected file
    ]
    out = tmp_path / "pairs.jsonl"
    pairs = _pairs(_write(tmp_path / "answers.jsonl", rows), out, "--format", "messages")
    assert [p["prompt"] for p in pairs] == [
        [_as_written(t) for t in (QUESTION, FIELD, follow)],
        [_as_written(t) for t in (QUESTION, INLINE, follow)],
    ]
    skipped = read_jsonl(out.with_name("pairs.jsonl.rejected.jsonl"))
    assert [s["prompt"] for s in skipped] == [[_as_written(t) for t in (QUESTION, PLAIN, tie)]]
    assert [s["_rejected"]["reason"] for s in skipped] == ["tie"]


def test_verified_pairs_keep_prompt_traces(tmp_path: Path) -> None:
    follow = {"role": "user", "content": "And 3 + 3?"}
    source = _write(tmp_path / "answers.jsonl", _answer_rows([QUESTION, LEGACY, follow], "Six.", "Five."))
    _write(tmp_path / "answers.jsonl.meta.jsonl", [{"verified": True}, {"verified": False}])
    pairs = _pairs(source, tmp_path / "pairs.jsonl", "--format", "messages", "--rank", "verified")
    assert [p["prompt"] for p in pairs] == [[_as_written(t) for t in (QUESTION, LEGACY, follow)]]


def test_prompts_without_traces_are_written_as_before(tmp_path: Path) -> None:
    """No trace on any prompt turn: no key on them, the bytes main wrote before the fix."""
    conversations = [[QUESTION, PLAIN, _follow_up(name)] for name in ("one", "two")]
    source = _write(tmp_path / "in.jsonl", [{"messages": turns} for turns in conversations])
    out = tmp_path / "pairs.jsonl"
    _pairs(source, out, "--samples", "2", "--format", "messages")
    expected = [
        {
            "prompt": turns,
            "chosen": [{"role": "assistant", "content": LONG}],
            "rejected": [{"role": "assistant", "content": "Short."}],
        }
        for turns in conversations
    ]
    assert out.read_text(encoding="utf-8") == "".join(
        json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in expected
    )


def test_mixed_files_load_as_one_struct_type(tmp_path: Path) -> None:
    """Some prompts traced, some not: every prompt turn has the key (null where there is no
    trace), so datasets reads the prompt column as a list of structs, not List(Json)."""
    datasets = pytest.importorskip("datasets")
    conversations = [[QUESTION, FIELD, _follow_up("a")], [_follow_up("b")]]
    source = _write(tmp_path / "in.jsonl", [{"messages": turns} for turns in conversations])
    out = tmp_path / "pairs.jsonl"
    rows = _pairs(source, out, "--samples", "2", "--format", "messages")
    assert rows[1]["prompt"] == [_as_written(_follow_up("b"))]
    loaded = datasets.load_dataset("json", data_files=str(out), split="train", cache_dir=str(tmp_path / "hf"))
    assert "Json" not in repr(loaded.features), loaded.features


def test_standard_prompts_refuse_a_trace_field_and_keep_inline_text(tmp_path: Path) -> None:
    """The standard prompt is the user's text: a trace field on its turn is refused (one line,
    exit 2, nothing written) rather than dropped; a <think> in the text stays as read."""
    traced = {"role": "user", "content": "Q?", "reasoning_content": "a thought"}
    source = _write(tmp_path / "traced.jsonl", _answer_rows([traced], "Six.", LONG))
    out = tmp_path / "pairs.jsonl"
    result = run_cli("pairs", source, "-o", out, "--teacher", "mock")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert (
        f"{source}:1: messages[0]: a reasoning trace" in result.stderr
        and "--format messages" in result.stderr
    )
    assert not out.exists()
    inline = "<think>\nmine\n</think>\n\nQ?"
    source = _write(tmp_path / "inline.jsonl", [{"instruction": inline, "output": a} for a in ("Six.", LONG)])
    assert [p["prompt"] for p in _pairs(source, out)] == [inline]
