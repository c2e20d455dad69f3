"""Dataset cards: the YAML header parses and names the Hub's size bucket; no secret leaks."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import run_cli, synthgen_cmd
from synthgen.io.card import CardInfo, public_config, render_card, size_category, write_card
from synthgen.stats.run_report import load_meta

yaml = pytest.importorskip("yaml")


def header(card: str) -> dict[str, Any]:
    assert card.startswith("---\n")
    return yaml.safe_load(card.split("---\n", 2)[1])


@pytest.mark.parametrize(
    ("rows", "bucket"),
    [(0, "n<1K"), (999, "n<1K"), (1000, "1K<n<10K"), (9_999, "1K<n<10K"), (52_002, "10K<n<100K"),
     (100_000, "100K<n<1M"), (3_000_000, "1M<n<10M"), (10**12, "n>1T")],
)  # fmt: skip
def test_size_category(rows: int, bucket: str) -> None:
    assert size_category(rows) == bucket


def test_header_parses_with_the_hub_fields(tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    info = CardInfo(dataset=Path("data/alpaca.jsonl"), rows=52_002, teacher_models=["gpt-4o-mini"])
    write_card(path, info)
    meta = header(path.read_text(encoding="utf-8"))
    assert meta["size_categories"] == ["10K<n<100K"]
    assert meta["task_categories"] == ["text-generation"]
    assert meta["language"] == ["en"]
    assert meta["license"] == "unknown"  # left for the user
    assert "synthetic" in meta["tags"]
    body = path.read_text(encoding="utf-8")
    assert "`gpt-4o-mini`" in body and "hallucinat" in body and "terms" in body.lower()


def test_no_secrets_in_the_configuration() -> None:
    config = {
        "api_key": "sk-live-123",
        "api_key_env": "OPENAI_API_KEY",
        "auth_token": "abc",
        "max_tokens": 3072,
        "base_url": ["https://user:hunter2@llm.example/v1?key=zzz"],
        "nested": {"password": "p", "seed": 3},
    }
    clean = public_config(config)
    assert clean == {
        "api_key_env": "OPENAI_API_KEY",
        "max_tokens": 3072,
        "base_url": ["https://llm.example/v1"],
        "nested": {"seed": 3},
    }
    card = render_card(CardInfo(dataset=Path("d.jsonl"), rows=5, config=config))
    for secret in ("sk-live-123", "hunter2", "zzz", "abc"):
        assert secret not in card


def test_card_command_from_a_generated_dataset(tmp_path: Path) -> None:
    data = tmp_path / "alpaca.jsonl"
    result = run_cli("generate", "--teacher", "mock", "--num", "30", "-o", data, "-q", "--no-cache")
    assert result.exit_code == 0, result.output
    result = run_cli("card", data, "--language", "en", "--language", "fr")
    assert result.exit_code == 0, result.output
    card = (tmp_path / "alpaca.jsonl.card.md").read_text(encoding="utf-8")
    meta = header(card)
    assert meta["size_categories"] == ["n<1K"] and meta["language"] == ["en", "fr"]
    report = json.loads((tmp_path / "alpaca.jsonl.report.json").read_text())
    assert "**30 rows**" in card and "`mock`" in card and "built-in mock teacher" in card
    assert f"| teacher requests | {report['last_run']['usage']['requests_sent']:,}" in card
    assert '"similarity_threshold": 0.7' in card


def test_card_command_without_a_report_and_bad_input(tmp_path: Path) -> None:
    data = tmp_path / "chat.jsonl"
    row = {
        "messages": [{"role": "user", "content": "Name a color."}, {"role": "assistant", "content": "Blue."}]
    }
    data.write_text(json.dumps(row) + "\n", encoding="utf-8")
    out = tmp_path / "card" / "README.md"
    result = run_cli("card", data, "-o", out)
    assert result.exit_code == 0, result.output
    assert header(out.read_text(encoding="utf-8"))["size_categories"] == ["n<1K"]
    assert "teacher model(s) | not recorded" in out.read_text(encoding="utf-8")
    data.write_text("", encoding="utf-8")
    result = run_cli("card", data)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "empty file" in result.stderr


# --- an honest card (issue 23) ------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
MATH = ROOT / "seeds" / "math_word_problems.jsonl"


def hub_header(card: str) -> dict[str, Any]:
    """The header as the Hub reads it (huggingface_hub's own card parser)."""
    from huggingface_hub import DatasetCard

    return DatasetCard(card).data.to_dict()


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_readme_card_makes_the_folder_loadable_and_publishes_no_local_path(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    folder = tmp_path / "out"
    cache = tmp_path / "private-cache.sqlite3"
    result = run_cli("generate", "--teacher", "mock", "--num", "30", "-o", folder / "alpaca.jsonl", "-q",
                     "--card", "readme", "--cache-path", cache)  # fmt: skip
    assert result.exit_code == 0, result.output
    card = (folder / "README.md").read_text(encoding="utf-8")
    meta = hub_header(card)
    assert meta["configs"] == [
        {"config_name": "default", "data_files": [{"split": "train", "path": "alpaca.jsonl"}]}
    ]
    assert meta["annotations_creators"] == ["machine-generated"] and meta["license"] == "unknown"
    assert (
        str(tmp_path) not in card
        and "private-cache" not in card.split("## What is in it")[0].split("```json")[1]
    )
    # the folder also holds the meta and report files: the configs block keeps them out
    loaded = datasets.load_dataset(str(folder), split="train", cache_dir=str(tmp_path / "hf"))
    assert loaded.num_rows == 30 and set(loaded.column_names) == {"instruction", "input", "output"}


def test_respond_card_counts_the_unverified_answers_and_gives_pass_at_k(
    tmp_path: Path, mock_server: Any
) -> None:
    server = mock_server("--wrong-answer-rate", "0.4", "--seed", "5")
    source = tmp_path / "math.jsonl"
    source.write_text("".join(MATH.read_text(encoding="utf-8").splitlines(True)[:20]), encoding="utf-8")
    out = tmp_path / "answers.jsonl"
    result = run_cli("respond", source, "-o", out, "--base-url", server.url, "--model", "m", "-q",
                     "--samples", "4", "--verify", "math", "--keep", "all", "--no-cache")  # fmt: skip
    assert result.exit_code == 0, result.output
    flags = [m["verified"] for m in _lines(out.with_name("answers.jsonl.meta.jsonl"))]
    wrong = flags.count(False)
    assert 0 < wrong < len(flags)
    card = out.with_name("answers.jsonl.card.md").read_text(encoding="utf-8")
    assert f"| verified answers | {len(flags) - wrong:,} of {len(flags):,} ({wrong:,} not verified" in card
    by_row: dict[int, int] = {}
    for m in _lines(out.with_name("answers.jsonl.meta.jsonl")):
        by_row[m["row"]] = by_row.get(m["row"], 0) + m["verified"]
    pass1 = sum(c / 4 for c in by_row.values()) / 20
    pass4 = sum(1 for c in by_row.values() if c) / 20
    assert f"| pass@1 / pass@4 (20 problems) | {pass1:.3f} / {pass4:.3f} |" in card


def test_judged_card_gives_the_threshold_and_the_scores(tmp_path: Path) -> None:
    answers = tmp_path / "answers.jsonl"
    assert run_cli("generate", "--teacher", "mock", "--num", "40", "-o", answers, "-q").exit_code == 0
    judged = tmp_path / "judged.jsonl"
    result = run_cli("judge", answers, "-o", judged, "--teacher", "mock", "--min-score", "5", "-q")
    assert result.exit_code == 0, result.output
    scores = [m["score"] for m in _lines(judged.with_name("judged.jsonl.meta.jsonl"))]
    card = judged.with_name("judged.jsonl.card.md").read_text(encoding="utf-8")
    assert "| judge threshold | score >= 5 (1-10)" in card and min(scores) >= 5
    shown = ", ".join(f"{s}: {scores.count(s):,}" for s in sorted(set(scores)))
    assert f"| scores of these rows | {shown} |" in card


@pytest.mark.parametrize(
    "command", [["evolve", "--rounds", "1"], ["generate", "--mode", "instructions", "--num", "20"]]
)
def test_instruction_only_data_says_it_has_no_answers(tmp_path: Path, command: list[str]) -> None:
    seeds = tmp_path / "seeds.jsonl"
    seeds.write_text("".join(json.dumps({"instruction": f"Describe how a {w} works in plain words.", "input": "",
                                         "output": "x"}) + "\n" for w in ("kite", "pump", "lock", "clock")))  # fmt: skip
    out = tmp_path / "tasks.jsonl"
    args = [command[0], *([seeds] if command[0] == "evolve" else []), *command[1:]]
    result = run_cli(*args, "-o", out, "--teacher", "mock", "-q")
    assert result.exit_code == 0, result.output
    card = out.with_name("tasks.jsonl.card.md").read_text(encoding="utf-8")
    assert "Instructions only" in card and "| answers | none (instructions only) |" in card
    assert "output words" not in card


def test_card_command_keeps_the_command_and_takes_license_and_name(tmp_path: Path) -> None:
    data = tmp_path / "alpaca.jsonl"
    made = subprocess.run(synthgen_cmd("generate", "--teacher", "mock", "--num", "10", "-o", data, "-q"),
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert made.returncode == 0, made.stderr  # a real process: the card records its command line
    recorded = re.search(r"\| command \| `(.+)` \|", (tmp_path / "alpaca.jsonl.card.md").read_text()).group(1)
    assert recorded == "synthgen generate --teacher mock --num 10 -o alpaca.jsonl -q"  # no local path
    result = run_cli("card", data, "--license", "cc-by-4.0", "--pretty-name", "Tiny tasks",
                     "--source-dataset", "tatsu-lab/alpaca", "--language", "en")  # fmt: skip
    assert result.exit_code == 0, result.output
    card = (tmp_path / "alpaca.jsonl.card.md").read_text(encoding="utf-8")
    meta = hub_header(card)
    assert (meta["license"], meta["pretty_name"], meta["source_datasets"]) == (
        "cc-by-4.0",
        "Tiny tasks",
        ["tatsu-lab/alpaca"],
    )
    assert f"| command | `{recorded}` |" in card


@pytest.mark.parametrize(
    ("flags", "message"),
    [(["--language", "not a code!"], "'not a code!' is not a language code"),
     (["--license", "Not A License"], "'Not A License' is not a license identifier"),
     (["--source-dataset", "no-slash"], "'no-slash' is not a Hub dataset id")],
)  # fmt: skip
def test_bad_card_options_are_one_line(tmp_path: Path, flags: list[str], message: str) -> None:
    data = tmp_path / "d.jsonl"
    data.write_text(json.dumps({"instruction": "Name a color.", "input": "", "output": "Blue."}) + "\n")
    result = run_cli("card", data, *flags)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and message in result.stderr, (
        result.stderr
    )
    assert not (tmp_path / "d.jsonl.card.md").exists()


def test_every_run_rewrites_the_card_even_one_that_stops_early(tmp_path: Path) -> None:
    out = tmp_path / "data" / "alpaca.jsonl"
    readme = out.parent / "README.md"
    for num, extra in ((60, []), (30, ["--overwrite"])):
        result = run_cli(
            "generate", "--teacher", "mock", "--num", num, "-o", out, "-q", "--card", "readme", *extra
        )
        assert result.exit_code == 0, result.output
        assert f"**{num} rows**" in readme.read_text(encoding="utf-8")
    partial = tmp_path / "partial" / "alpaca.jsonl"
    result = run_cli(
        "generate", "--teacher", "mock", "--num", "200", "-o", partial, "-q", "--max-requests", "2"
    )
    assert result.exit_code == 3, result.output
    rows = len(partial.read_text(encoding="utf-8").splitlines())
    card = partial.with_name("alpaca.jsonl.card.md").read_text(encoding="utf-8")
    assert 0 < rows < 200 and f"**{rows:,} rows**" in card
    assert "The last run stopped early (max_requests, exit code 3)" in card


def test_meta_lines_are_read_when_they_may_hold_a_needed_key(tmp_path: Path) -> None:
    data = tmp_path / "d.jsonl"
    data.write_text('{"instruction": "a", "input": "", "output": "b"}\n', encoding="utf-8")
    meta = data.with_name("d.jsonl.meta.jsonl")
    for line, read in [('{"seed_ids": []}', False), ('{"score": 7}', True), ('{"\\u0073core": 7}', True)]:
        meta.write_text(line + "\n", encoding="utf-8")
        assert load_meta(data, 1, needed=("score",)) == ([json.loads(line)] if read else [])
