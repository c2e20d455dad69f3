"""Dataset cards: the YAML header parses and names the Hub's size bucket; no secret leaks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import run_cli
from synthgen.io.card import CardInfo, public_config, render_card, size_category, write_card

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
