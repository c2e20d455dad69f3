"""What the CLI prints: help that reads right, and JSON lines on stderr with --log-format json."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import run_cli, synthgen_cmd
from synthgen import __version__
from synthgen.resources import default_cache_path

COMMANDS = [
    "generate",
    "respond",
    "evolve",
    "judge",
    "pairs",
    "mock-teacher",
    "dedup",
    "filter",
    "stats",
    "convert",
    "card",
]


def _help(*command: str) -> str:
    result = run_cli(*command, "--help")
    assert result.exit_code == 0, result.output
    return result.output


def _option_line(text: str, flag: str) -> str:
    """The help entry of ``flag``: its line and the continuation lines under it."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(rf"\s+(-\w, )?{flag}\b", line))
    entry = [lines[start]]
    for line in lines[start + 1 :]:
        if not line.startswith(" " * 10) or line.strip().startswith("-"):
            break
        entry.append(line.strip())
    return " ".join(entry)


def _entries(text: str) -> list[str]:
    """Each option's help entry, its continuation lines joined."""
    entries: list[str] = []
    for line in text.splitlines():
        if re.match(r"\s{2}-", line):
            entries.append(line.strip())
        elif entries and line.startswith(" " * 10):
            entries[-1] += " " + line.strip()
    return entries


@pytest.mark.parametrize("command", [[], *([c] for c in COMMANDS)])
def test_flags_are_shown_without_a_value_and_nothing_reads_none(command: list[str]) -> None:
    text = _help(*command)
    assert "<bool>" not in text and "list[" not in text and "[default: False]" not in text
    for entry in _entries(text):
        if "[default: none]" in entry.lower():  # only where "none" is one of the choices
            assert re.search(r"<[^>]*\bnone\b[^>]*>", entry), entry
    assert not any(line.rstrip().endswith(" .") for line in text.splitlines())


def test_generate_help_lists_choices_and_real_defaults() -> None:
    text = _help("generate")
    assert "--teacher <openai|mock>" in text
    assert "--log-format <text|json>" in text
    assert "https://api.openai.com/v1" in _option_line(text, "--base-url")
    assert "the bundled seed tasks" in _option_line(text, "--seeds")
    assert "the bundled template" in _option_line(text, "--prompt")
    # The user cache folder is resolved when the CLI starts: ask a fresh process.
    fresh = subprocess.run(synthgen_cmd("generate", "--help"), capture_output=True, text=True, timeout=60)
    entry = _option_line(fresh.stdout, "--cache-path").replace(" ", "")  # wrapped at any hyphen
    assert f"[default:{default_cache_path()}]".replace(" ", "") in entry
    assert "[default: on]" in _option_line(text, "--cache / --no-cache")
    assert _option_line(text, "--overwrite").endswith("replaced at the end.")
    assert "--blocklist WORD" in text and "--base-url URL" in text
    assert "(6: up to 7 attempts)" in _option_line(text, "--max-retries")


def test_mock_teacher_help_lists_log_levels() -> None:
    assert "--log-level <debug|info|warning|error>" in _help("mock-teacher")


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_flag_and_its_short_alias(flag: str) -> None:
    result = run_cli(flag)
    assert result.exit_code == 0 and result.output.strip() == f"synthgen {__version__}"


def test_a_choice_outside_the_list_is_one_line_naming_the_flag() -> None:
    result = run_cli("generate", "--teacher", "mocky")
    assert result.exit_code == 2
    assert result.stderr == "synthgen: error: --teacher: Input should be 'openai' or 'mock'\n"


def test_the_readme_retry_wording_matches_the_default() -> None:
    readme = " ".join((Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8").split())
    assert "at most `--max-retries` retries (7 attempts with the default 6)" in readme


# ---- --log-format json: every stderr line is a JSON object with a timestamp ------------


def _json_lines(stderr: str) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in stderr.splitlines() if line.strip()]
    assert lines, "nothing on stderr"
    assert all(isinstance(line.get("ts"), float) for line in lines), stderr
    return lines


def _run(*args: object, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(synthgen_cmd(*args), capture_output=True, text=True, timeout=timeout)


def test_json_logs_cover_the_final_error_and_the_summary(tmp_path: Path, mock_server: Any) -> None:
    server = mock_server("--error-rate-500", "1.0")
    result = _run(
        "generate", "--base-url", server.url, "--model", "m", "-o", tmp_path / "a.jsonl", "--no-cache",
        "--max-retries", "0", "--max-consecutive-failures", "2", "--concurrency", "1",
        "--log-format", "json",
    )  # fmt: skip
    assert result.returncode == 3, result.stderr
    lines = _json_lines(result.stderr)
    errors = [line for line in lines if line.get("level") == "error"]
    assert errors and "requests in a row failed" in errors[-1]["msg"]
    assert lines[-1]["event"] == "summary" and lines[-1]["stop_reason"] == "failure_limit"


@pytest.mark.parametrize(
    "args",
    [
        ["--teacher", "mock", "--num", "many"],  # refused while parsing the flags
        ["--teacher", "mocky"],  # refused by the settings model
        ["--teacher", "mock", "--add", "5", "--overwrite"],  # refused by the settings model
        ["--teacher", "mock", "--log-format=json", "--seeds", "/nonexistent/seeds.jsonl"],
    ],
)
def test_json_logs_cover_usage_errors(tmp_path: Path, args: list[str]) -> None:
    if "--log-format=json" not in args:
        args = [*args, "--log-format", "json"]
    result = _run("generate", "-o", tmp_path / "a.jsonl", *args, timeout=60)
    assert result.returncode == 2
    lines = _json_lines(result.stderr)
    assert len(lines) == 1 and lines[0]["level"] == "error"


def test_json_logs_asked_for_in_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('log-format = "json"\nteacher = "mock"\n')
    result = _run("generate", "-c", config, "-o", tmp_path / "a.jsonl", "--seeds", tmp_path / "missing.jsonl")
    assert result.returncode == 2
    assert "missing.jsonl" in _json_lines(result.stderr)[0]["msg"]
