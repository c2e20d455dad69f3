"""Every ``convert --to`` shape loaded the way its consumers document it: ``datasets`` (JSON,
Parquet, ``load_from_disk``), then TRL's dataset types, LLaMA-Factory's converters and axolotl's
loaders as written down in ``consumer_rules.py``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import read_jsonl, run_cli
from consumer_rules import (
    axolotl_chat_template,
    llama_factory_alpaca,
    llama_factory_sharegpt,
    trl_type,
)

datasets = pytest.importorskip("datasets")

THINK = "<think>\nAdd 2 and 3.\n</think>\n\n"
SFT = [
    {"messages": [{"role": "user", "content": "2+3?"},
                  {"role": "assistant", "content": "5", "reasoning_content": "Add 2 and 3."}], "id": 1},
    {"messages": [{"role": "user", "content": "Name a fruit."}, {"role": "assistant", "content": "Pear."}]},
]  # fmt: skip
PREFERENCE = [
    {"prompt": "2+3?", "chosen": f"{THINK}5", "rejected": "6", "score": 9},
    {"prompt": "Name a fruit.", "chosen": "Pear.", "rejected": "A car.", "score": 7},
]
PROMPTS = [{"instruction": "Write a haiku.", "input": "", "output": ""}, {"instruction": "Sort 3, 1, 2."}]
LABELLED = [
    {"prompt": "2+3?", "completion": f"{THINK}5", "label": True},
    {"prompt": "2+3?", "completion": "6", "label": False},
]

# (source rows, --to, extra flags, what the consumers make of each row)
CASES = {
    "alpaca-sft": (SFT, "alpaca", [], lambda r: llama_factory_alpaca(r) == "sft"),
    "alpaca-ranking": (PREFERENCE, "alpaca", [], lambda r: llama_factory_alpaca(r) == "ranking"),
    "alpaca-kto": (LABELLED, "alpaca", [], lambda r: llama_factory_alpaca(r) == "kto"),
    "sharegpt-sft": (SFT, "sharegpt", [], lambda r: llama_factory_sharegpt(r, ranking=False) == ["human", "gpt"]),
    "sharegpt-ranking": (PREFERENCE, "sharegpt", [], lambda r: llama_factory_sharegpt(r, ranking=True) == ["human"]),
    "messages": (SFT, "messages", [], lambda r: trl_type(r) == ("language modeling", True) and not axolotl_chat_template(r)),
    "dpo": (PREFERENCE, "dpo", [], lambda r: trl_type(r) == ("preference", False)),
    "dpo-conversational": (PREFERENCE, "dpo", ["--conversational"], lambda r: trl_type(r) == ("preference", True)),
    "prompt-completion": (SFT, "prompt-completion", [], lambda r: trl_type(r) == ("prompt-completion", False)),
    "prompt-completion-conversational": (SFT, "prompt-completion", ["--conversational"], lambda r: trl_type(r) == ("prompt-completion", True)),
    "kto": (PREFERENCE, "kto", [], lambda r: trl_type(r) == ("unpaired preference", False)),
    "kto-conversational": (LABELLED, "kto", ["--conversational"], lambda r: trl_type(r) == ("unpaired preference", True)),
    "prompt-only": (PROMPTS, "prompt-only", [], lambda r: trl_type(r) == ("prompt-only", False)),
    "prompt-only-conversational": (PROMPTS, "prompt-only", ["--conversational"], lambda r: trl_type(r) == ("prompt-only", True)),
}  # fmt: skip


def _write(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _convert(source: Path, out: Path, *args: str) -> None:
    result = run_cli("convert", source, "-o", out, *args)
    assert result.exit_code == 0, result.output


def _no_nulls(value: Any) -> Any:
    """A row as it means: columnar loaders give a missing key as null."""
    if isinstance(value, dict):
        return {k: _no_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_no_nulls(v) for v in value]
    return value


def _loaded(data: Any) -> list[dict[str, Any]]:
    assert "Json" not in repr(data.features), data.features  # structs, not opaque JSON values
    return [_no_nulls(row) for row in data.to_list()]


@pytest.mark.parametrize("case", list(CASES))
def test_every_shape_loads_and_reads_as_its_consumers_document(tmp_path: Path, case: str) -> None:
    rows, target, flags, consumer_reads = CASES[case]
    source = _write(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.jsonl"
    _convert(source, out, "--to", target, *flags)
    written = [_no_nulls(r) for r in read_jsonl(out)]
    cache = str(tmp_path / "cache")
    from_json = _loaded(datasets.load_dataset("json", data_files=str(out), split="train", cache_dir=cache))
    assert from_json == written
    _convert(out, tmp_path / "out.parquet", "--to", "parquet")
    parquet = datasets.load_dataset(
        "parquet", data_files=str(tmp_path / "out.parquet"), split="train", cache_dir=cache
    )
    assert _loaded(parquet) == written
    _convert(source, tmp_path / "hf", "--to", "hf", "--shape", target, *flags)
    assert _loaded(datasets.load_from_disk(str(tmp_path / "hf"))) == written
    for row in datasets.load_dataset("json", data_files=str(out), split="train", cache_dir=cache):
        assert consumer_reads(row), row  # as the trainer sees it: after datasets, nulls and all


def test_traces_reach_every_shape(tmp_path: Path) -> None:
    """The one trace of each source is in every output: as a field or inline."""
    for case, (rows, target, flags, _) in CASES.items():
        if rows is PROMPTS:
            continue
        out = tmp_path / f"{case}.jsonl"
        _convert(_write(tmp_path / f"{case}.in.jsonl", rows), out, "--to", target, *flags)
        text = out.read_text(encoding="utf-8")
        assert text.count("Add 2 and 3.") == 1, case
        assert '"reasoning_content":"Add 2 and 3."' in text or json.dumps(THINK)[1:-1] in text, case


def test_the_rules_catch_the_rows_trainers_tripped_on() -> None:
    """The checks above are not vacuous: the rows issue 23 found fail them."""
    mixed = {
        "messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}],
        "rejected": "b",
    }
    with pytest.raises(AssertionError):
        trl_type(mixed)
    with pytest.raises(AssertionError, match="Invalid message count"):
        llama_factory_sharegpt(
            {"conversations": [{"from": "human", "value": "q"}, {"from": "gpt", "value": "a"}],
             "chosen": {"from": "gpt", "value": "a"}, "rejected": {"from": "gpt", "value": "b"}},
            ranking=True,
        )  # fmt: skip
    with pytest.raises(AssertionError, match="unsupervised"):
        llama_factory_alpaca({"instruction": "Write a haiku.", "input": "", "output": ""})
