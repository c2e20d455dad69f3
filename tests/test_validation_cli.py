"""Mistakes caught at start, through the CLI: one line, exit 2, nothing written or lost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import read_jsonl, run_cli


def _generate(out: Path, *extra: object):
    return run_cli("generate", "--teacher", "mock", "-o", out, "--quiet", *extra)


def _one_error_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("synthgen: error: ")
    return lines[0]


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    out = tmp_path / "a.jsonl"
    assert _generate(out, "--num", "30").exit_code == 0
    return out


def test_add_with_overwrite_is_refused_and_the_dataset_kept(dataset: Path) -> None:
    before = dataset.read_bytes()
    result = _generate(dataset, "--add", "10", "--overwrite")
    assert result.exit_code == 2
    assert "--add grows the existing output, --overwrite replaces it" in _one_error_line(result)
    assert dataset.read_bytes() == before


def test_add_with_an_explicit_num_is_refused(dataset: Path) -> None:
    result = _generate(dataset, "--add", "10", "--num", "100")
    assert result.exit_code == 2
    assert "--add N grows the output by N examples and --num N sets its total size" in _one_error_line(result)
    assert len(read_jsonl(dataset)) == 30


def test_num_from_the_config_file_gives_way_to_add_on_the_command_line(dataset: Path, tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("num = 1000\n")
    result = _generate(dataset, "--config", config, "--add", "10")
    assert result.exit_code == 0, result.stderr
    assert len(read_jsonl(dataset)) == 40


def test_add_and_num_in_one_config_file_are_refused(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("num = 100\nadd = 10\n")
    result = _generate(tmp_path / "a.jsonl", "--config", config)
    assert result.exit_code == 2
    assert "--num N sets its total size" in _one_error_line(result)


@pytest.mark.parametrize("command", ["generate", "filter"])
def test_min_words_above_max_words_is_refused(tmp_path: Path, command: str) -> None:
    flags = ("--min-instruction-words", "20", "--max-instruction-words", "5")
    if command == "generate":
        result = _generate(tmp_path / "a.jsonl", *flags)
    else:
        source = tmp_path / "in.jsonl"
        source.write_text(json.dumps({"instruction": "Say hi to me now.", "output": "hi"}) + "\n")
        result = run_cli("filter", source, "-o", tmp_path / "out.jsonl", *flags)
    assert result.exit_code == 2
    line = _one_error_line(result)
    assert "--min-instruction-words (20) is above --max-instruction-words (5)" in line
    assert not (tmp_path / "a.jsonl").exists() and not (tmp_path / "out.jsonl").exists()


def test_mix_generated_above_examples_per_prompt_is_refused(tmp_path: Path) -> None:
    result = _generate(tmp_path / "a.jsonl", "--mix-generated", "4", "--examples-per-prompt", "3")
    assert result.exit_code == 2
    assert "--mix-generated (4) is above --examples-per-prompt (3)" in _one_error_line(result)


def test_a_config_file_with_a_non_utf8_byte_is_one_line_naming_it(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_bytes(b"num = 10\n# caf\xe9 au lait\n")
    result = _generate(tmp_path / "a.jsonl", "--config", config)
    assert result.exit_code == 2
    line = _one_error_line(result)
    assert f"{config}:2: not UTF-8 (byte 0xe9)" in line
    assert "Traceback" not in result.output


def test_a_seed_task_longer_than_a_context_is_warned_about(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds.jsonl"
    tasks = [
        {"instruction": "Summarize the following text in one sentence.", "input": "word " * 120_000,
         "output": "A summary."},
        {"instruction": "Name three primary colors used in painting.", "output": "Red, yellow, blue."},
        {"instruction": "Give a synonym for the word happy, please.", "output": "Joyful."},
    ]  # fmt: skip
    seeds.write_text("".join(json.dumps(t) + "\n" for t in tasks))
    out = tmp_path / "a.jsonl"
    result = _generate(out, "--seeds", seeds, "--num", "5")
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "WARNING" in line]
    assert len(warnings) == 1
    assert f"{seeds}:1: seed task 'seed_task_1' is about 150,014 tokens" in warnings[0]
    assert "more than a model's context could take (131,072 tokens" in warnings[0]


@pytest.mark.parametrize("flag", ["--base-url", "--judge-base-url"])
def test_a_password_in_a_url_is_refused_without_being_echoed(tmp_path: Path, flag: str) -> None:
    out = tmp_path / "a.jsonl"
    judge = ["--judge-model", "m"] if flag == "--judge-base-url" else []
    result = run_cli(
        "generate", "--model", "m", *judge, flag, "http://user:hunter2@127.0.0.1:9/v1", "-o", out
    )
    assert result.exit_code == 2
    assert "remove the user:password@ part" in result.output and flag in result.output
    assert "hunter2" not in result.output
    assert not out.exists()
