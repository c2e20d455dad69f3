"""End to end through the CLI with the in-process mock teacher."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import read_jsonl, run_cli
from synthgen.dedup import rouge_l_f, rouge_tokens


def _generate(out: Path, *extra: str):
    return run_cli("generate", "--teacher", "mock", "-o", out, "--quiet", *extra)


def test_mock_run_writes_exactly_num_valid_alpaca_records(tmp_path: Path) -> None:
    out = tmp_path / "data" / "alpaca.jsonl"
    result = _generate(out, "--num", "60", "--seed", "1")
    assert result.exit_code == 0, result.output
    rows = read_jsonl(out)
    assert len(rows) == 60
    for row in rows:
        assert set(row) == {"instruction", "input", "output"}
        assert all(isinstance(v, str) for v in row.values())
        assert row["instruction"].strip() and row["output"].strip()
        assert row["input"] != "<noinput>"
    instructions = [r["instruction"] for r in rows]
    assert len(set(instructions)) == len(instructions)


def test_kept_examples_respect_the_rouge_threshold(tmp_path: Path) -> None:
    out = tmp_path / "a.jsonl"
    assert _generate(out, "--num", "80").exit_code == 0
    tokens = [rouge_tokens(r["instruction"]) for r in read_jsonl(out)]
    worst = max(rouge_l_f(a, b) for i, a in enumerate(tokens) for b in tokens[:i])
    assert worst <= 0.7


def test_report_counts_add_up(tmp_path: Path) -> None:
    out = tmp_path / "a.jsonl"
    assert _generate(out, "--num", "50").exit_code == 0
    report = json.loads(out.with_name("a.jsonl.report.json").read_text())
    counts = report["last_run"]["counts"]
    assert report["examples"] == counts["kept"] == 50
    dropped = sum(counts["rejected"].values()) + counts["duplicates_exact"] + counts["duplicates_similar"]
    # Every parsed candidate was kept, rejected, deduplicated, or left over once the target was met.
    assert counts["kept"] + dropped <= counts["candidates"]
    assert counts["candidates"] - counts["kept"] - dropped < 20  # at most the rest of the last reply
    assert counts["rejected"], "the mock teacher's flawed items should be caught by the filters"
    assert report["config"]["num"] == 50
    assert report["teacher"]["kind"] == "mock"
    assert report["synthgen_version"]
    meta = read_jsonl(out.with_name("a.jsonl.meta.jsonl"))
    assert [m["index"] for m in meta] == list(range(50))
    assert all(m["seed_ids"] and isinstance(m["request"], int) for m in meta)


def test_same_seed_same_file_other_seed_other_file(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "c.jsonl"
    assert _generate(a, "--num", "40", "--seed", "7").exit_code == 0
    assert _generate(b, "--num", "40", "--seed", "7", "--concurrency", "3").exit_code == 0
    assert _generate(c, "--num", "40", "--seed", "8").exit_code == 0
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_no_teacher_configured_is_a_usage_error_with_a_hint(tmp_path: Path) -> None:
    out = tmp_path / "a.jsonl"
    result = run_cli("generate", "-o", out)
    assert result.exit_code == 2
    assert "--teacher mock" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_json_report_goes_to_stdout_and_summary_to_stderr(tmp_path: Path) -> None:
    out = tmp_path / "a.jsonl"
    result = run_cli("generate", "--teacher", "mock", "-o", out, "--num", "5", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["examples"] == 5
    assert "kept 5 new examples" in result.stderr


def test_config_file_fills_options_and_flags_win(tmp_path: Path) -> None:
    out = tmp_path / "a.jsonl"
    config = tmp_path / "synthgen.toml"
    config.write_text(f'teacher = "mock"\nnum = 12\noutput = "{out}"\nseed = 3\n')
    assert run_cli("generate", "--config", config, "--quiet").exit_code == 0
    assert len(read_jsonl(out)) == 12
    assert run_cli("generate", "--config", config, "--num", "20", "--quiet").exit_code == 0
    assert len(read_jsonl(out)) == 20


def test_bad_option_values_name_the_flag(tmp_path: Path) -> None:
    result = run_cli("generate", "--teacher", "mock", "-o", tmp_path / "a", "--num", "0")
    assert result.exit_code == 2
    assert "num" in result.stderr and "Traceback" not in result.output


def test_help_shows_defaults_and_an_example() -> None:
    result = run_cli("generate", "--help")
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "--similarity-threshold" in text and "0.7" in text
    assert "synthgen generate --teacher mock" in text
    assert "Exit codes" in text


def test_version() -> None:
    result = run_cli("--version")
    assert result.exit_code == 0 and result.stdout.startswith("synthgen ")


def test_output_that_is_a_directory_is_a_one_line_usage_error(tmp_path: Path) -> None:
    result = run_cli("generate", "--teacher", "mock", "-o", tmp_path, "-n", "5")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"synthgen: error: --output {tmp_path}: is a directory; give a file name such as {tmp_path}/alpaca.jsonl"
    )


def test_unknown_teacher_names_the_flag(tmp_path: Path) -> None:
    result = run_cli("generate", "--teacher", "bogus", "-o", tmp_path / "a.jsonl")
    assert result.exit_code == 2
    assert result.stderr.startswith("synthgen: error: --teacher: ")


def test_a_finished_run_writes_a_dataset_card_beside_its_output(tmp_path: Path) -> None:
    import yaml

    out = tmp_path / "d" / "a.jsonl"
    assert _generate(out, "--num", "30").exit_code == 0
    card = out.with_name("a.jsonl.card.md").read_text()
    header = yaml.safe_load(card.split("---")[1])
    assert header["size_categories"] == ["n<1K"] and "synthetic" in header["tags"]
    assert "30 rows" in card and "mock" in card
    readme = tmp_path / "r" / "b.jsonl"
    assert _generate(readme, "--num", "5", "--card", "readme").exit_code == 0
    assert (readme.parent / "README.md").exists() and not readme.with_name("b.jsonl.card.md").exists()
    none = tmp_path / "n" / "c.jsonl"
    assert _generate(none, "--num", "5", "--card", "none").exit_code == 0
    assert sorted(p.name for p in none.parent.iterdir() if "card" in p.name or p.name == "README.md") == []


def test_instructions_mode_reads_the_item_the_prompt_ended_at(tmp_path: Path, mock_server: Any) -> None:
    """A prompt ending in "4." is continued by the teacher: its first line is item 4 (issue 22:
    without the number the first item of every continued list was lost)."""
    server = mock_server()
    prompt = tmp_path / "continue.txt"
    prompt.write_text(
        "Come up with {num_tasks} new instructions.\n[mock: answer]\n"
        "Write a limerick about a lighthouse keeper who collects seashells.\n"
        "5. Give three arguments for and against a four-day school week.\n"
        "6. Explain the offside rule in football to someone who has never watched a match.\n"
        "[mock: end]\n{examples}\n4."
    )
    out = tmp_path / "ins.jsonl"
    result = run_cli(
        "generate", "--mode", "instructions", "--prompt", prompt, "-n", "3", "-o", out, "-q",
        "--base-url", server.url, "--model", "m", "--no-cache", "--max-requests", "1",
    )  # fmt: skip
    assert result.exit_code in (0, 3), result.output
    instructions = [row["instruction"] for row in read_jsonl(out)]
    assert instructions[0] == "Write a limerick about a lighthouse keeper who collects seashells."
    assert len(instructions) == 3
