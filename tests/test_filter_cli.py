"""``synthgen filter`` through the real CLI (typer runner and the installed console script)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from synthgen.cli import app

KEEP_1 = {"instruction": "Give three tips for staying focused while studying.", "input": "", "output": "a"}
KEEP_2 = {
    "instruction": "Translate the sentence into French, please.",
    "input": "Où est la gare ?",  # non-ASCII kept as is
    "output": "Where is the station?",
    "source": "seed-7",  # extra keys survive untouched
}
KEEP_3 = {"instruction": "Explain the imagery used in this short poem.", "input": "Roses...", "output": "b"}
SHORT = {"instruction": "Define entropy.", "input": "", "output": "Disorder."}
IMAGE = {"instruction": "Describe the images in the attached report.", "input": "", "output": "c"}
EMPTY = {"instruction": "Name the capital city of Peru.", "input": "", "output": "  "}
REFUSAL = {"instruction": "Summarize the article at this link.", "output": "As an AI, I cannot browse."}
PROGRAM = {"instruction": "Write a program that prints the first ten primes.", "input": "", "output": "d"}

RECORDS = [KEEP_1, SHORT, KEEP_2, IMAGE, EMPTY, KEEP_3, REFUSAL, PROGRAM]


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def invoke(*args: object) -> Any:
    return CliRunner().invoke(app, ["filter", *map(str, args)], catch_exceptions=False)


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "in.jsonl", RECORDS)


def test_keeps_good_records_unchanged_and_in_order(dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "clean.jsonl"  # a missing directory is created
    result = invoke(dataset, "-o", out)
    assert result.exit_code == 0, result.output
    assert read_jsonl(out) == [KEEP_1, KEEP_2, KEEP_3]
    assert "Où est la gare ?" in out.read_text(encoding="utf-8")  # written as UTF-8, not \u escapes
    assert result.stdout == ""
    assert result.stderr.strip() == (
        f"filter: read 8 from {dataset}, kept 3 -> {out}, rejected 5 "
        "(refusal 1, empty_output 1, too_short 1, write_a_program 1, blocklisted 1)"
    )


def test_rejected_file_holds_each_reject_with_reason_and_line(dataset: Path, tmp_path: Path) -> None:
    rejects = tmp_path / "rejects.jsonl"
    result = invoke(dataset, "-o", tmp_path / "out.jsonl", "--rejected", rejects)
    assert result.exit_code == 0, result.output
    assert read_jsonl(rejects) == [
        {**SHORT, "_rejected": {"reason": "too_short", "line": 2}},
        {**IMAGE, "_rejected": {"reason": "blocklisted", "line": 4}},
        {**EMPTY, "_rejected": {"reason": "empty_output", "line": 5}},
        {**REFUSAL, "_rejected": {"reason": "refusal", "line": 7}},
        {**PROGRAM, "_rejected": {"reason": "write_a_program", "line": 8}},
    ]
    assert result.stderr.strip().endswith(f"; rejects in {rejects}")


def test_outputs_that_only_start_like_a_refusal_are_kept(tmp_path: Path) -> None:
    task = "Write a short, friendly message to a friend about your week."
    human = [
        {"instruction": task, "input": "", "output": text}
        for text in (
            "I can't help but smile at you.",
            "I cannot see why anyone would disagree.",
            "I won't write to him again.",
        )
    ]
    refused = {"instruction": task, "input": "", "output": "I'm sorry, but I can't help with that."}
    source = write_jsonl(tmp_path / "in.jsonl", [*human, refused])
    out, rejects = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    result = invoke(source, "-o", out, "--rejected", rejects)
    assert result.exit_code == 0, result.output
    assert read_jsonl(out) == human
    assert read_jsonl(rejects) == [{**refused, "_rejected": {"reason": "refusal", "line": 4}}]


def test_lines_are_those_of_the_file_with_blank_lines_and_json_arrays(tmp_path: Path) -> None:
    jsonl = tmp_path / "gaps.jsonl"
    jsonl.write_text(f"\n{json.dumps(KEEP_1)}\n\n{json.dumps(SHORT)}\n", encoding="utf-8")
    array = tmp_path / "array.json"
    array.write_text(json.dumps([KEEP_1, SHORT], indent=2), encoding="utf-8")
    for source, line in ((jsonl, 4), (array, 7)):
        rejects = tmp_path / f"{source.stem}.rejects.jsonl"
        result = invoke(source, "-o", tmp_path / f"{source.stem}.out.jsonl", "--rejected", rejects)
        assert result.exit_code == 0, result.output
        assert [r["_rejected"] for r in read_jsonl(rejects)] == [{"reason": "too_short", "line": line}]


def test_custom_blocklist_replaces_the_default(dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = invoke(dataset, "-o", out, "--blocklist", "french", "--blocklist", "staying focused")
    assert result.exit_code == 0, result.output
    kept = read_jsonl(out)
    assert IMAGE in kept  # "image" is no longer blocked
    assert KEEP_1 not in kept  # a phrase
    assert KEEP_2 not in kept  # case-insensitive
    assert "blocklisted 2" in result.stderr


def test_word_limits_from_flags(dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = invoke(dataset, "-o", out, "--min-instruction-words", "2", "--max-instruction-words", "6")
    assert result.exit_code == 0, result.output
    assert SHORT in read_jsonl(out)
    assert "too_long 4" in result.stderr


def test_bad_records_exit_2_with_one_line_each_and_no_output(tmp_path: Path) -> None:
    source = tmp_path / "bad.jsonl"
    lines = [json.dumps(KEEP_1), json.dumps({"instruction": 5, "output": "x"}), json.dumps({"output": "x"})]
    source.write_text("\n".join([*lines, "{not json", '["a list"]']) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = invoke(source, "-o", out, "--rejected", tmp_path / "rej.jsonl")
    assert result.exit_code == 2
    json_error = "invalid JSON: Expecting property name enclosed in double quotes (column 2)"
    assert result.stderr.splitlines() == [f"synthgen: error: {source}:4: {json_error}"]
    source.write_text("\n".join([*lines, '["a list"]']) + "\n", encoding="utf-8")
    result = invoke(source, "-o", out)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"synthgen: error: {source}:2: instruction: Input should be a valid string",
        f"synthgen: error: {source}:3: instruction: Field required",
        f"synthgen: error: {source}:4: (record): expected a JSON object",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.jsonl"]  # nothing half-written


def test_bad_input_leaves_an_existing_output_untouched(tmp_path: Path) -> None:
    out = write_jsonl(tmp_path / "out.jsonl", [KEEP_1])
    before = out.read_bytes()
    missing = tmp_path / "missing.jsonl"
    result = invoke(missing, "-o", out)
    assert result.exit_code == 2
    assert result.stderr == f"synthgen: error: {missing}: file not found\n"
    assert out.read_bytes() == before


def test_unwritable_output_is_one_line_and_leaves_no_temp_file(dataset: Path, tmp_path: Path) -> None:
    target = tmp_path / "a_directory"
    target.mkdir()
    result = invoke(dataset, "-o", target)
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"synthgen: error: {target}: cannot write: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_directory", "in.jsonl"]
    assert list(target.iterdir()) == []


def test_rejected_and_output_must_differ(dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = invoke(dataset, "-o", out, "--rejected", out)
    assert result.exit_code == 2
    assert "--rejected and --output are the same file" in result.stderr
    assert not out.exists()


def _console_script() -> str:
    beside_python = Path(sys.executable).with_name("synthgen")
    found = str(beside_python) if beside_python.exists() else shutil.which("synthgen")
    assert found, "the synthgen console script is not installed (pip install -e '.[test]')"
    return found


def test_console_script_end_to_end(dataset: Path, tmp_path: Path) -> None:
    out, rejects = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    env = {k: v for k, v in os.environ.items() if k != "SYNTHGEN_DEBUG"}
    proc = subprocess.run(
        [_console_script(), "filter", str(dataset), "-o", str(out), "--rejected", str(rejects)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert read_jsonl(out) == [KEEP_1, KEEP_2, KEEP_3]
    assert len(read_jsonl(rejects)) == 5
    assert proc.stdout == ""
    assert "read 8" in proc.stderr and "kept 3" in proc.stderr and "rejected 5" in proc.stderr
