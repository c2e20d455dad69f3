"""Seed loading: the bundled set, accepted formats, and one line per problem."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from conftest import run_cli
from synthgen.errors import InputError
from synthgen.io.seeds import load_seeds
from synthgen.resources import default_seeds_path


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_bundled_seeds_are_many_and_varied() -> None:
    seeds = load_seeds(default_seeds_path())
    assert len(seeds) >= 120
    with_input = sum(1 for s in seeds if s.instances[0].input)
    assert 0.25 * len(seeds) < with_input < 0.75 * len(seeds)
    assert sum(s.is_classification for s in seeds) >= 10
    assert len({s.id for s in seeds}) == len(seeds)


def test_alpaca_records_and_json_arrays_are_accepted(tmp_path: Path) -> None:
    records = [
        {"instruction": "Name three primary colours.", "input": "", "output": "Red, yellow, blue."},
        {"instruction": "Reverse the word.", "input": "stone", "output": "enots"},
    ]
    as_array = tmp_path / "seeds.json"
    as_array.write_text(json.dumps(records, indent=2))
    as_lines = _write(tmp_path / "seeds.jsonl", [json.dumps(r) for r in records])
    for path in (as_array, as_lines):
        seeds = load_seeds(path)
        assert [s.instruction for s in seeds] == [r["instruction"] for r in records]
        assert seeds[1].instances[0].input == "stone"


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (['{"id": "a", "instruction": "Say hi", "instances": [{"input": "", "output": "hi"}]', ""],
         "s.jsonl:1: invalid JSON"),
        (['{"id": "a", "instances": [{"input": "", "output": "hi"}]}'], "s.jsonl:1: instruction:"),
        (['{"id": "a", "instruction": 5, "instances": [{"input": "", "output": "x"}]}'],
         "s.jsonl:1: instruction:"),
        (['{"id": "a", "instruction": "Say hi", "instances": [{"input": "", "output": 3}]}'],
         "s.jsonl:1: instances.0.output:"),
        (['{"id": "a", "instruction": "Say hi", "instances": [{"output": "hi"}]}',
          '{"id": "a", "instruction": "Say bye", "instances": [{"output": "bye"}]}'],
         "s.jsonl:2: id: duplicate id 'a' (first on line 1)"),
        (["[1, 2]"], "s.jsonl:1: (record): expected a JSON object"),
    ],
)  # fmt: skip
def test_bad_seed_files_name_file_line_and_field(tmp_path: Path, lines: list[str], expected: str) -> None:
    path = _write(tmp_path / "s.jsonl", lines)
    with pytest.raises(InputError) as info:
        load_seeds(path)
    assert any(expected in problem for problem in info.value.problems), info.value.problems


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    path = _write(tmp_path / "s.jsonl", ["{oops", '{"instruction": "x"}', "also bad"])
    with pytest.raises(InputError) as info:
        load_seeds(path)
    assert len(info.value.problems) == 2  # two undecodable lines (decoding stops the file)
    assert all(p.startswith(f"{path}:") for p in info.value.problems)


def test_empty_seed_file(tmp_path: Path) -> None:
    path = _write(tmp_path / "s.jsonl", ["", "  "])
    with pytest.raises(InputError, match="empty file"):
        load_seeds(path)


def test_bad_seeds_stop_the_cli_before_any_teacher_call(tmp_path: Path) -> None:
    seeds = _write(tmp_path / "s.jsonl", ['{"id": "a", "instances": []}', "{bad"])
    out = tmp_path / "out.jsonl"
    result = run_cli("generate", "--teacher", "mock", "--seeds", seeds, "-o", out)
    assert result.exit_code == 2
    errors = result.stderr.strip().splitlines()
    assert errors and all(line.startswith("synthgen: error: ") for line in errors)
    assert any(f"{seeds}:2: invalid JSON" in line for line in errors)
    assert "Traceback" not in result.output
    assert not out.exists()


def test_a_seed_that_leaves_no_room_for_the_answer_is_warned_about(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "seeds.jsonl"
    near_full = "x" * (4 * (128 * 1024 - 1000))  # fits a 128K context, but not with 3,072 to answer
    path.write_text(
        json.dumps({"instruction": "Count the letters in this text.", "input": near_full, "output": "many"})
        + "\n"
    )
    # The CLI's logger does not propagate: listen on it directly.
    monkeypatch.setattr(logging.getLogger("synthgen"), "handlers", [caplog.handler])
    load_seeds(path)
    assert not caplog.records
    load_seeds(path, max_tokens=3072)
    assert len(caplog.records) == 1
    assert "less --max-tokens 3,072" in caplog.records[0].getMessage()
