"""`synthgen respond`: the teacher answers a dataset; verification; formats; resume; bad input."""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from conftest import read_jsonl, run_cli

ROOT = Path(__file__).resolve().parents[1]
MATH = ROOT / "seeds" / "math_word_problems.jsonl"


def _write(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _report(out: Path) -> dict[str, Any]:
    return json.loads(out.with_name(out.name + ".report.json").read_text())


_NUMBER = re.compile(r"\\frac\{(-?\d+)\}\{(\d+)\}|(-?\d[\d,]*(?:\.\d+)?)(?:\s*/\s*(\d+))?(%?)")


def _final_value(text: str) -> set[Fraction]:
    """An independent reading of the answer's last number (a percent may mean either reading)."""
    found = _NUMBER.findall(text.split("</think>")[-1])
    if not found:
        return set()
    num, den, plain, over, percent = found[-1]
    value = Fraction(int(num), int(den)) if num else Fraction(plain.replace(",", "")) / int(over or 1)
    return {value, value / 100} if percent else {value}


ALPACA = [
    {"instruction": "Explain why  the sky is blue.", "input": ""},
    {"instruction": "Summarize the text.", "input": "Cats sleep a lot.\nThey also purr.", "output": "old"},
    {"instruction": "Name three   rivers.", "input": "", "extra": 1},
]


def test_answers_every_row_keeping_instruction_and_input_byte_exact(tmp_path: Path) -> None:
    source = _write(tmp_path / "in.jsonl", ALPACA)
    out = tmp_path / "out.jsonl"
    result = run_cli("respond", source, "--teacher", "mock", "-o", out, "-q")
    assert result.exit_code == 0, result.output
    rows = read_jsonl(out)
    assert [(r["instruction"], r["input"]) for r in rows] == [(r["instruction"], r["input"]) for r in ALPACA]
    assert all(set(r) == {"instruction", "input", "output"} and r["output"].strip() for r in rows)
    assert rows[1]["output"] != "old"
    meta = read_jsonl(out.with_name("out.jsonl.meta.jsonl"))
    assert [(m["row"], m["sample"], m["line"]) for m in meta] == [(0, 0, 1), (1, 0, 2), (2, 0, 3)]
    assert _report(out)["last_run"]["stop_reason"] == "plan_done"


def test_prompt_and_messages_inputs_and_the_messages_format(tmp_path: Path) -> None:
    source = _write(
        tmp_path / "in.jsonl",
        [
            {"prompt": "What is 2 + 3?"},
            {
                "messages": [
                    {"role": "system", "content": "Be brief."},
                    {"role": "user", "content": "Say hi."},
                ]
            },
        ],
    )
    out = tmp_path / "out.jsonl"
    result = run_cli(
        "respond", source, "--teacher", "mock", "-o", out, "--format", "messages", "-q", "--system", "S"
    )
    assert result.exit_code == 0, result.output
    first, second = read_jsonl(out)
    assert [m["role"] for m in first["messages"]] == ["system", "user", "assistant"]
    assert first["messages"][0]["content"] == "S" and first["messages"][1]["content"] == "What is 2 + 3?"
    # the row's own system message is kept, not doubled
    assert [m["content"] for m in second["messages"][:2]] == ["Be brief.", "Say hi."]
    assert second["messages"][2]["role"] == "assistant" and second["messages"][2]["content"]


def test_rejection_sampling_keeps_only_correct_answers_over_http(tmp_path: Path, mock_server: Any) -> None:
    server = mock_server("--wrong-answer-rate", "0.3", "--seed", "5")
    problems = read_jsonl(MATH)[:60]
    source = _write(tmp_path / "math.jsonl", problems)
    out = tmp_path / "out.jsonl"
    result = run_cli(
        "respond", source, "--base-url", server.url, "--model", "m", "-o", out, "-q",
        "--samples", "4", "--verify", "math", "--no-cache", "-j", "16",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows, meta = read_jsonl(out), read_jsonl(out.with_name("out.jsonl.meta.jsonl"))
    assert rows and len(rows) == len(meta)
    reference = {p["instruction"]: Fraction(p["answer"]) for p in problems}
    for row, line in zip(rows, meta, strict=True):
        assert reference[row["instruction"]] in _final_value(row["output"]), row  # checked independently
        assert line["verified"] is True
    counts = _report(out)["last_run"]["counts"]
    assert counts["candidates"] == 60 * 4 == len(rows) + sum(counts["rejected"].values())
    metrics = counts["metrics"]
    assert metrics["rows_verified"] == 60
    pass1, pass4 = metrics["pass@1_sum"] / 60, metrics["pass@4_sum"] / 60
    assert 0.55 < pass1 < 0.85  # 1 - 0.3, with the noise of 240 draws
    assert pass4 > 0.93  # 1 - 0.3 ** 4 = 0.99
    unsolved = out.with_name("out.jsonl.unsolved.jsonl")
    solved = {line["row"] for line in meta}
    expected_unsolved = [p["instruction"] for i, p in enumerate(problems) if i not in solved]
    got = [r["instruction"] for r in read_jsonl(unsolved)] if unsolved.exists() else []
    assert got == expected_unsolved


def test_keep_first_correct_and_keep_all(tmp_path: Path, mock_server: Any) -> None:
    server = mock_server("--wrong-answer-rate", "0.5", "--seed", "2")
    source = _write(tmp_path / "math.jsonl", read_jsonl(MATH)[:20])
    first, every = tmp_path / "first.jsonl", tmp_path / "all.jsonl"
    common = [
        "--base-url",
        server.url,
        "--model",
        "m",
        "-q",
        "--samples",
        "3",
        "--verify",
        "math",
        "--no-cache",
    ]
    assert run_cli("respond", source, "-o", first, "--keep", "first-correct", *common).exit_code == 0
    assert run_cli("respond", source, "-o", every, "--keep", "all", *common).exit_code == 0
    first_meta = read_jsonl(first.with_name("first.jsonl.meta.jsonl"))
    rows_first = [m["row"] for m in first_meta]
    assert len(rows_first) == len(set(rows_first))  # at most one answer per row
    all_meta = read_jsonl(every.with_name("all.jsonl.meta.jsonl"))
    assert len(all_meta) == 60 and {m["verified"] for m in all_meta} == {True, False}
    # the first correct sample of each row is the one first-correct kept
    first_correct = {}
    for m in all_meta:
        if m["verified"]:
            first_correct.setdefault(m["row"], m["sample"])
    assert {m["row"]: m["sample"] for m in first_meta} == first_correct


def test_reasoning_traces_inline_drop_and_messages(tmp_path: Path, mock_server: Any) -> None:
    server = mock_server("--reasoning", "field")
    source = _write(tmp_path / "math.jsonl", read_jsonl(MATH)[:3])
    common = ["--base-url", server.url, "--model", "m", "-q", "--no-cache"]
    inline, dropped, chat = tmp_path / "inline.jsonl", tmp_path / "drop.jsonl", tmp_path / "chat.jsonl"
    assert run_cli("respond", source, "-o", inline, *common).exit_code == 0
    assert run_cli("respond", source, "-o", dropped, "--reasoning", "drop", *common).exit_code == 0
    assert run_cli("respond", source, "-o", chat, "--format", "messages", *common).exit_code == 0
    for with_trace, without in zip(read_jsonl(inline), read_jsonl(dropped), strict=True):
        assert with_trace["output"].startswith("<think>\n") and "\n</think>\n\n" in with_trace["output"]
        assert with_trace["output"].endswith(without["output"]) and "<think>" not in without["output"]
    for row in read_jsonl(chat):
        *prompt, assistant = row["messages"]
        # where chat templates (Qwen3's), TRL and axolotl read a trace; one key set on every turn
        assert assistant["reasoning_content"] and "<think>" not in assistant["content"]
        assert all(turn["reasoning_content"] is None for turn in prompt)
    metrics = _report(inline)["last_run"]["counts"]["metrics"]
    assert metrics["reasoning_tokens"] > 0 and metrics["answer_tokens"] > 0


def test_messages_rows_with_traces_on_some_answers_load_as_structs(tmp_path: Path) -> None:
    """With --reasoning inline every turn of every row has reasoning_content (null where there is
    no trace), so datasets reads the column as a list of structs, not List(Json)."""
    datasets = pytest.importorskip("datasets")
    scripted = ["<think>\nTwo and two.\n</think>\n\n4", "Paris.", "<think>\nRed.\n</think>\n\nRed", "Hi."]
    source = _write(
        tmp_path / "in.jsonl", [{"prompt": f"Q{i}\n[mock: answer]\n{a}"} for i, a in enumerate(scripted)]
    )
    out, dropped = tmp_path / "out.jsonl", tmp_path / "dropped.jsonl"
    common = ["--teacher", "mock", "--format", "messages", "-q"]
    assert run_cli("respond", source, "-o", out, *common).exit_code == 0
    assert run_cli("respond", source, "-o", dropped, "--reasoning", "drop", *common).exit_code == 0
    rows = read_jsonl(out)
    assert [row["messages"][-1]["reasoning_content"] for row in rows] == ["Two and two.", None, "Red.", None]
    assert all(
        set(turn) == {"role", "content", "reasoning_content"} for row in rows for turn in row["messages"]
    )
    for path in (out, dropped):
        data = datasets.load_dataset("json", data_files=str(path), split="train")
        assert "Json" not in repr(data.features), data.features  # one struct type
        turn = data.features["messages"].feature
        assert ("reasoning_content" in turn) == (path == out), turn
    assert data.to_list() == read_jsonl(dropped)  # drop: no key, and nothing lost


def test_a_teacher_that_is_never_right_stops_with_exit_3(tmp_path: Path, mock_server: Any) -> None:
    server = mock_server("--wrong-answer-rate", "1.0")
    source = _write(tmp_path / "math.jsonl", read_jsonl(MATH)[:200])
    out = tmp_path / "out.jsonl"
    result = run_cli(
        "respond",
        source,
        "--base-url",
        server.url,
        "--model",
        "m",
        "-o",
        out,
        "-q",
        "--verify",
        "math",
        "--no-cache",
    )
    assert result.exit_code == 3, result.output
    assert "wrong_answer" in result.stderr
    assert server.stats()["requests_total"] < 200  # stopped early, not after every row


def test_bad_input_is_one_line_per_problem_before_any_request(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    cases = [
        (
            _write(tmp_path / "a.jsonl", [{"instruction": "Fine."}, {"text": "no prompt"}]),
            [],
            ":2: (record): no prompt",
        ),
        (
            _write(tmp_path / "b.jsonl", [{"instruction": "Add.", "answer": [1, 2]}]),
            ["--verify", "math"],
            ":1: answer: ",
        ),
        (
            _write(tmp_path / "c.jsonl", [{"instruction": "Add."}]),
            ["--verify", "math"],
            ":1: answer: reference answer required",
        ),
        (
            _write(tmp_path / "d.jsonl", [{"q": "x"}]),
            ["--prompt-field", "question"],
            ":1: question: field required",
        ),
    ]
    for source, flags, message in cases:
        result = run_cli("respond", source, "--teacher", "mock", "-o", out, *flags)
        assert result.exit_code == 2, (flags, result.output)
        assert message in result.stderr and "Traceback" not in result.output
        assert not out.exists()
    not_json = tmp_path / "e.jsonl"
    not_json.write_text("instruction: hello\n")
    result = run_cli("respond", not_json, "--teacher", "mock", "-o", out)
    assert result.exit_code == 2 and f"{not_json}:1: invalid JSON" in result.stderr
    result = run_cli("respond", cases[0][0], "--teacher", "mock", "-o", out, "--samples", "0")
    assert result.exit_code == 2 and "--samples" in result.stderr


def test_killed_and_resumed_writes_each_row_and_sample_once(tmp_path: Path, kill_and_resume: Any) -> None:
    source = _write(tmp_path / "math.jsonl", read_jsonl(MATH)[:120])
    drill = kill_and_resume("respond", source, "--model", "m", "--samples", "2", "-j", "4", "-q")
    reference = drill.reference()
    out = drill.kill_after(100)  # of 240 answers; killed while it screens and writes them
    drill.resume()
    assert out.read_bytes() == reference.read_bytes()
    meta = read_jsonl(out.with_name("out.jsonl.meta.jsonl"))
    assert [(m["row"], m["sample"]) for m in meta] == [(r, s) for r in range(120) for s in range(2)]


def test_two_stage_self_instruct_instructions_then_answers(tmp_path: Path, mock_server: Any) -> None:
    """generate --mode instructions writes new instructions only; respond answers them (over HTTP)."""
    instructions, answers = tmp_path / "ins.jsonl", tmp_path / "ans.jsonl"
    result = run_cli(
        "generate", "--teacher", "mock", "--mode", "instructions", "-n", "60", "-o", instructions, "-q"
    )
    assert result.exit_code == 0, result.output
    rows = read_jsonl(instructions)
    assert len(rows) == 60 and all(r["output"] == "" and r["input"] == "" and r["instruction"] for r in rows)
    assert len({r["instruction"] for r in rows}) == 60
    counts = _report(instructions)["last_run"]["counts"]
    assert (
        counts["candidates"]
        == counts["kept"]
        + sum(counts["rejected"].values())
        + counts["duplicates_exact"]
        + counts["duplicates_similar"]
        + counts["unused_after_target"]
    )
    assert "empty_output" not in counts["rejected"]
    server = mock_server()
    result = run_cli("respond", instructions, "--base-url", server.url, "--model", "m", "-o", answers, "-q")
    assert result.exit_code == 0, result.output
    answered = read_jsonl(answers)
    assert [r["instruction"] for r in answered] == [r["instruction"] for r in rows]
    assert all(r["output"].strip() for r in answered)


def test_the_summary_shows_verification_and_no_dedup_line(tmp_path: Path) -> None:
    source = _write(tmp_path / "math.jsonl", read_jsonl(MATH)[:5])
    result = run_cli(
        "respond", source, "--teacher", "mock", "-o", tmp_path / "o.jsonl", "-k", "2", "--verify", "math"
    )
    assert result.exit_code == 0, result.output
    assert "verified: 5 rows, pass@1 1.000, pass@2 1.000; 0 rows with no correct answer" in result.stderr
    assert "duplicates:" not in result.stderr  # respond does not deduplicate


def _pass_at_k(n: int, c: int, k: int) -> float:
    """The HumanEval estimator written out with binomials (independent of verify/passk.py)."""
    from math import comb

    return 1.0 - comb(n - c, k) / comb(n, k)


def test_pass_at_k_in_the_report_is_recomputed_from_the_meta_file(tmp_path: Path, mock_server: Any) -> None:
    server = mock_server("--wrong-answer-rate", "0.4", "--seed", "3")
    source = _write(tmp_path / "math.jsonl", read_jsonl(MATH)[:30])
    for samples in (1, 3):
        out = tmp_path / f"k{samples}.jsonl"
        result = run_cli(
            "respond", source, "--base-url", server.url, "--model", "m", "-o", out, "-q", "--no-cache",
            "--samples", samples, "--verify", "math", "--keep", "all",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        correct: dict[int, int] = {}
        for line in read_jsonl(out.with_name(out.name + ".meta.jsonl")):
            correct[line["row"]] = correct.get(line["row"], 0) + line["verified"]
        assert len(correct) == 30
        metrics = _report(out)["last_run"]["counts"]["metrics"]
        assert metrics["rows_verified"] == 30
        for k in {1, samples}:
            expected = sum(_pass_at_k(samples, c, k) for c in correct.values())
            assert abs(metrics[f"pass@{k}_sum"] - expected) < 1e-9, (samples, k)
        assert 0 < metrics["pass@1_sum"] / 30 < 1  # some right, some wrong: never above 1
