"""``synthgen dedup`` through the real command line (in-process CliRunner and the console script)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rouge_score import rouge_scorer
from typer.testing import CliRunner

from synthgen.cli import app

ORACLE = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=False)

RECORDS = [
    {"instruction": "Write a short poem about the sea.", "input": "", "output": "Waves..."},
    {"instruction": "Explain how vaccines train the immune system.", "input": "", "output": "..."},
    {"instruction": "write a short poem about the sea", "input": "", "output": "exact dup"},
    {"instruction": "Write a short poem about the sea at night.", "input": "", "output": "near dup"},
    {"instruction": "List three uses of copper.", "output": "wires, pipes, coins", "id": 7},
    {"instruction": "Summarize the article.", "input": "Cats sleep a lot.", "output": "..."},
    {"instruction": "Summarize the article.", "input": "Dogs bark.", "output": "same instruction"},
    {"instruction": "Translate 'good morning' into French.", "input": "", "output": "Bonjour"},
]


def write_jsonl(path: Path, records: list[Any]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def invoke(*args: object) -> Any:
    return CliRunner().invoke(app, ["dedup", *(str(a) for a in args)], catch_exceptions=False)


def score(candidate: str, member: str) -> float:
    return ORACLE.score(candidate, member)["rougeL"].fmeasure


def test_keeps_records_in_order_and_reports_counts(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "data.jsonl", RECORDS)
    out = tmp_path / "out" / "dedup.jsonl"
    result = invoke(source, "-o", out)
    assert result.exit_code == 0, result.output
    # Exact dup (2), near dup (3: 0.93 vs 0), same instruction with another input (6: ROUGE 1.0)
    assert read_jsonl(out) == [RECORDS[i] for i in (0, 1, 4, 5, 7)]  # extra keys kept as read
    assert "read 8 records" in result.stderr
    assert "kept 5; dropped 1 exact duplicates and 2 near-duplicates (ROUGE-L > 0.7)" in result.stderr
    assert result.stdout == ""


def test_threshold_flag(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "data.jsonl", RECORDS)
    out = tmp_path / "out.jsonl"
    # At 0.95 the near dup (score ~0.93) survives; identical instructions (1.0) still go.
    assert score(RECORDS[3]["instruction"], RECORDS[0]["instruction"]) < 0.95
    result = invoke(source, "-o", out, "--similarity-threshold", "0.95")
    assert result.exit_code == 0, result.output
    assert [r["output"] for r in read_jsonl(out)] == [RECORDS[i]["output"] for i in (0, 1, 3, 4, 5, 7)]


def test_the_old_threshold_flag_still_works_for_a_release(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "data.jsonl", RECORDS)
    out = tmp_path / "out.jsonl"
    result = invoke(source, "-o", out, "--threshold", "0.95")
    assert result.exit_code == 0, result.output
    assert [r["output"] for r in read_jsonl(out)] == [RECORDS[i]["output"] for i in (0, 1, 3, 4, 5, 7)]
    assert "warning: --threshold is now --similarity-threshold" in result.stderr
    assert "--threshold" not in CliRunner().invoke(app, ["dedup", "--help"]).output  # hidden


def test_against_files_seed_the_pool_and_are_not_written(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "data.jsonl", RECORDS)
    eval_set = write_jsonl(
        tmp_path / "eval.json.jsonl",
        [{"instruction": "List 3 uses of copper!", "output": "x"}, {"instruction": "Name a planet."}],
    )
    second = tmp_path / "eval2.json"
    second.write_text(json.dumps([{"instruction": "Translate 'good morning' into French"}]), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = invoke(source, "-o", out, "--against", eval_set, "--against", second)
    assert result.exit_code == 0, result.output
    assert read_jsonl(out) == [RECORDS[i] for i in (0, 1, 5)]
    assert "pool started with 3 --against records" in result.stderr


def test_dropped_file_names_reason_and_matched_member(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "data.jsonl", RECORDS)
    eval_set = write_jsonl(tmp_path / "eval.jsonl", [{"instruction": "List 3 uses of copper!", "output": ""}])
    out, dropped = tmp_path / "out.jsonl", tmp_path / "dropped.jsonl"
    result = invoke(source, "-o", out, "--against", eval_set, "--dropped", dropped)
    assert result.exit_code == 0, result.output
    rows = read_jsonl(dropped)
    assert [{k: v for k, v in row.items() if k != "_dropped"} for row in rows] == [
        RECORDS[i] for i in (2, 3, 4, 6)
    ]
    info = [row["_dropped"] for row in rows]
    # Pool: eval record is index 0, then the kept input records 1, 2 (lines 1, 2), ...
    assert info[0] == {
        "reason": "exact",
        "line": 3,
        "score": None,
        "matched_index": 1,
        "matched_file": str(source),
        "matched_line": 1,
        "matched_instruction": RECORDS[0]["instruction"],
    }
    assert info[1]["reason"] == "similar" and info[1]["line"] == 4 and info[1]["matched_index"] == 1
    assert info[1]["score"] == score(RECORDS[3]["instruction"], RECORDS[0]["instruction"])
    assert info[2] == {
        "reason": "similar",
        "line": 5,
        "score": score(RECORDS[4]["instruction"], "List 3 uses of copper!"),
        "matched_index": 0,
        "matched_file": str(eval_set),
        "matched_line": 1,
        "matched_instruction": "List 3 uses of copper!",
    }
    assert info[3]["reason"] == "similar" and info[3]["score"] == 1.0 and info[3]["matched_line"] == 6


def test_json_array_input(tmp_path: Path) -> None:
    source = tmp_path / "data.json"
    source.write_text(json.dumps(RECORDS, indent=2), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = invoke(source, "-o", out)
    assert result.exit_code == 0, result.output
    assert read_jsonl(out) == [RECORDS[i] for i in (0, 1, 4, 5, 7)]


BAD_INPUTS = [
    ('{"instruction": "ok", "output": ""}\n{"instruction": "broken"\n', ":2: invalid JSON"),
    ('{"instruction": "ok"}\n{"input": "x", "output": "y"}\n', ":2: instruction: Field required"),
    ('{"instruction": "ok"}\n\n{"instruction": 42}\n', ":3: instruction: Input should be a valid string"),
    ('{"instruction": "ok"}\n["not", "an", "object"]\n', ":2: (record): expected a JSON object"),
]


@pytest.mark.parametrize(("content", "message"), BAD_INPUTS)
def test_bad_input_exits_2_naming_file_and_line(tmp_path: Path, content: str, message: str) -> None:
    source = tmp_path / "bad.jsonl"
    source.write_text(content, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = invoke(source, "-o", out, "--dropped", tmp_path / "dropped.jsonl")
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"synthgen: error: {source}{message}")
    assert not out.exists() and not (tmp_path / "dropped.jsonl").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bad.jsonl"]  # no temporary file left either


def test_bad_against_file_leaves_existing_output_untouched(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "data.jsonl", RECORDS)
    bad = tmp_path / "eval.jsonl"
    bad.write_text('{"instruction": "fine"}\n{"instruction": ["a list"]}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    out.write_text("previous content\n", encoding="utf-8")
    result = invoke(source, "-o", out, "--against", bad)
    assert result.exit_code == 2
    assert f"{bad}:2: instruction" in result.stderr
    assert out.read_text(encoding="utf-8") == "previous content\n"


def test_missing_input_file_exits_2(tmp_path: Path) -> None:
    result = invoke(tmp_path / "nope.jsonl", "-o", tmp_path / "out.jsonl")
    assert result.exit_code == 2
    assert "nope.jsonl: file not found" in result.stderr


def test_threshold_out_of_range_is_a_usage_error(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "data.jsonl", RECORDS)
    result = invoke(source, "-o", tmp_path / "out.jsonl", "--similarity-threshold", "1.5")
    assert result.exit_code == 2
    assert result.stderr.startswith("synthgen: error: --similarity-threshold: ")
    assert not (tmp_path / "out.jsonl").exists()


def test_dropped_same_as_output_is_refused(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "data.jsonl", RECORDS)
    out = tmp_path / "out.jsonl"
    result = invoke(source, "-o", out, "--dropped", out)
    assert result.exit_code == 2
    assert "--dropped and --output are the same file" in result.stderr
    assert not out.exists()


def _console_script() -> list[str]:
    script = shutil.which("synthgen") or str(Path(sys.executable).with_name("synthgen"))
    if not Path(script).exists():
        pytest.skip("the synthgen console script is not installed")
    return [script]


def test_console_script_end_to_end(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "data.jsonl", RECORDS)
    out = tmp_path / "out.jsonl"
    done = subprocess.run(
        [*_console_script(), "dedup", str(source), "-o", str(out)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert read_jsonl(out) == [RECORDS[i] for i in (0, 1, 4, 5, 7)]
    assert "kept 5" in done.stderr


def test_console_script_bad_input(tmp_path: Path) -> None:
    source = tmp_path / "bad.jsonl"
    source.write_text('{"instruction": "ok"}\n{"instruction": null}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    done = subprocess.run(
        [*_console_script(), "dedup", str(source), "-o", str(out)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"synthgen: error: {source}:2: instruction: Input should be a valid string"
    ]
    assert not out.exists()


def test_unwritable_output_exits_2_like_every_command(tmp_path: Path) -> None:
    """'Cannot write the output' is the same exit code for dedup, filter and generate."""
    source = write_jsonl(
        tmp_path / "in.jsonl", [{"instruction": "Name a colour of the sea.", "output": "Blue."}]
    )
    target = tmp_path / "a_directory"
    target.mkdir()
    dedup = invoke(source, "-o", target)
    filtered = CliRunner().invoke(app, ["filter", str(source), "-o", str(target)])
    generated = CliRunner().invoke(app, ["generate", "--teacher", "mock", "-n", "3", "-o", str(target)])
    assert dedup.exit_code == filtered.exit_code == generated.exit_code == 2
    for result in (dedup, filtered, generated):
        [line] = result.stderr.splitlines()
        assert line.startswith("synthgen: error: ") and str(target) in line
