"""``synthgen convert``: round trips, TRL's documented field names and types, order, containers."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import read_jsonl, run_cli

ALPACA = [
    {"instruction": "Name a color.", "input": "", "output": "Blue.", "id": 1},
    {"instruction": "Summarize the text.", "input": "Cats sleep a lot.", "output": "Cats sleep."},
    {"instruction": "Add the numbers.", "input": "", "output": "Step 1: 2 + 2 = 4\nStep 2: 4 + 3 = 7\nSo 7."},
]
CHAT = [
    {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"},
                  {"role": "assistant", "content": "Hello."}, {"role": "user", "content": "Name a color."},
                  {"role": "assistant", "content": "Blue."}], "id": "a"},
    {"messages": [{"role": "user", "content": "Name a fruit."}, {"role": "assistant", "content": "Pear."}]},
]  # fmt: skip
DPO = [
    {"prompt": "Name a color.", "chosen": "Blue.", "rejected": "I cannot help.", "score": 8},
    {"prompt": "Add 2 and 2.", "chosen": "4", "rejected": "5", "score": 3},
]

# TRL's "Dataset formats and types": conversational language modeling and preference rows.
MESSAGE = {"role": str, "content": str}


def assert_messages(value: Any, roles: set[str]) -> None:
    assert isinstance(value, list) and value
    for message in value:
        assert set(message) == set(MESSAGE) and all(isinstance(message[k], t) for k, t in MESSAGE.items())
        assert message["role"] in roles


def assert_trl_preference(row: dict[str, Any], conversational: bool) -> None:
    if conversational:
        assert_messages(row["prompt"], {"system", "user", "assistant"})
        assert_messages(row["chosen"], {"assistant"})
        assert_messages(row["rejected"], {"assistant"})
    else:
        assert all(isinstance(row[k], str) for k in ("prompt", "chosen", "rejected"))


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def convert(source: Path, out: Path, *args: str) -> list[dict[str, Any]]:
    result = run_cli("convert", source, "-o", out, *args)
    assert result.exit_code == 0, result.output
    return read_jsonl(out) if out.suffix == ".jsonl" else []


def round_trip(tmp_path: Path, rows: list[Any], via: str, back: str, *flags: str) -> list[dict[str, Any]]:
    there = convert(write_jsonl(tmp_path / "in.jsonl", rows), tmp_path / "there.jsonl", "--to", via, *flags)
    assert len(there) == len(rows)
    return convert(tmp_path / "there.jsonl", tmp_path / "back.jsonl", "--to", back)


def test_messages_sharegpt_round_trip_is_exact(tmp_path: Path) -> None:
    there = convert(write_jsonl(tmp_path / "in.jsonl", CHAT), tmp_path / "s.jsonl", "--to", "sharegpt")
    assert there[1]["conversations"] == [
        {"from": "human", "value": "Name a fruit."},
        {"from": "gpt", "value": "Pear."},
    ]
    assert round_trip(tmp_path, CHAT, "sharegpt", "messages") == CHAT


def test_alpaca_to_messages_matches_trl_and_comes_back(tmp_path: Path) -> None:
    chat = convert(write_jsonl(tmp_path / "in.jsonl", ALPACA), tmp_path / "m.jsonl", "--to", "messages")
    for row in chat:
        assert_messages(row["messages"], {"user", "assistant"})
    assert chat[1]["messages"][0]["content"] == "Summarize the text.\n\nCats sleep a lot."
    assert chat[0]["id"] == 1  # other keys kept
    back = round_trip(tmp_path, ALPACA, "messages", "alpaca")
    # exact where the input was empty; otherwise the input stays inside the instruction
    assert back[0] == ALPACA[0] and back[2] == ALPACA[2]
    assert back[1] == {
        "instruction": "Summarize the text.\n\nCats sleep a lot.",
        "input": "",
        "output": "Cats sleep.",
    }


@pytest.mark.parametrize("form", [[], ["--conversational"]])
def test_dpo_rows_match_trl_preference_format(tmp_path: Path, form: list[str]) -> None:
    rows = convert(write_jsonl(tmp_path / "in.jsonl", DPO), tmp_path / "p.jsonl", "--to", "dpo", *form)
    for row in rows:
        assert_trl_preference(row, conversational=bool(form))
    back = convert(tmp_path / "p.jsonl", tmp_path / "back.jsonl", "--to", "dpo")
    assert back == DPO  # conversational -> string form is exact for single-turn prompts


def test_dpo_through_llama_factory_preference_layouts_comes_back(tmp_path: Path) -> None:
    alpaca = convert(write_jsonl(tmp_path / "in.jsonl", DPO), tmp_path / "a.jsonl", "--to", "alpaca")
    assert alpaca[0] == {
        "instruction": "Name a color.",
        "input": "",
        "chosen": "Blue.",
        "rejected": "I cannot help.",
        "score": 8,
    }
    sharegpt = convert(tmp_path / "in.jsonl", tmp_path / "s.jsonl", "--to", "sharegpt")
    assert sharegpt[0] == {
        "conversations": [{"from": "human", "value": "Name a color."}],
        "chosen": {"from": "gpt", "value": "Blue."},
        "rejected": {"from": "gpt", "value": "I cannot help."},
        "score": 8,
    }
    assert round_trip(tmp_path, DPO, "alpaca", "dpo") == DPO
    assert round_trip(tmp_path, DPO, "sharegpt", "dpo") == DPO


def test_preference_rows_are_not_squeezed_into_messages(tmp_path: Path) -> None:
    """TRL refuses {messages, rejected} (and reads such a row as conversational or not by
    chance), so a rejected answer is never kept beside messages: the command says where to go."""
    for target in ("messages", "prompt-completion"):
        out = tmp_path / f"{target}.jsonl"
        result = run_cli("convert", write_jsonl(tmp_path / "in.jsonl", DPO), "-o", out, "--to", target)
        assert result.exit_code == 2 and not out.exists()
        assert result.stderr.strip().splitlines() == [
            f"synthgen: error: {tmp_path / 'in.jsonl'}:1: rejected: {target} rows have no place for a "
            "rejected answer: use --to dpo, kto, alpaca or sharegpt (LLaMA-Factory's preference layouts)"
        ]
    legacy = [{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello."}],
               "rejected": "Go away."}]  # fmt: skip
    assert convert(write_jsonl(tmp_path / "old.jsonl", legacy), tmp_path / "d.jsonl", "--to", "dpo") == [
        {"prompt": "Hi", "chosen": "Hello.", "rejected": "Go away."}
    ]  # what older synthgen wrote still reads back


def test_single_exchange_chat_round_trips_through_alpaca(tmp_path: Path) -> None:
    rows = [{"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"},
                          {"role": "assistant", "content": "Hello."}]}]  # fmt: skip
    there = convert(write_jsonl(tmp_path / "in.jsonl", rows), tmp_path / "a.jsonl", "--to", "alpaca")
    assert there == [{"instruction": "Hi", "input": "", "output": "Hello.", "system": "Be brief."}]
    assert round_trip(tmp_path, rows, "alpaca", "messages") == rows


@pytest.mark.parametrize(
    ("rows", "args", "message"),
    [
        (CHAT, ["--to", "alpaca"], "in.jsonl:1: messages: 5 turns (system, user, assistant, user, assistant)"),
        (ALPACA, ["--to", "dpo"], "in.jsonl:1: rejected: no rejected answer"),
        (ALPACA, ["--to", "kto"], "in.jsonl:1: label: kto rows need a label"),
        ([{"instruction": "Write a haiku.", "input": "", "output": ""}], ["--to", "messages"],
         "in.jsonl:1: (record): no answer (an instruction-only row)"),
        ([{"messages": [{"role": "user", "content": "Hi"}, {"role": "user", "content": "Hello?"},
                        {"role": "assistant", "content": "Yes."}]}], ["--to", "sharegpt"],
         "in.jsonl:1: conversations: user, user, assistant: LLaMA-Factory reads human and gpt turns"),
        ([{"messages": [{"role": "user", "content": "q", "reasoning_content": "hm"},
                        {"role": "assistant", "content": "a"}]}], ["--to", "alpaca"],
         "in.jsonl:1: messages[0].reasoning_content: a trace on a user turn has no place in alpaca rows; "
         "pass --drop-reasoning"),
        ([{"messages": [{"role": "bot", "content": "x"}]}], ["--to", "alpaca"],
         "in.jsonl:1: messages[0].role: expected one of 'system', 'user', 'assistant', got 'bot'"),
        ([*ALPACA, {"instruction": "x", "output": 5}], ["--to", "messages"],
         "in.jsonl:4: output: expected a string, got int"),
        (ALPACA, ["--to", "messages", "--from", "dpo"], "in.jsonl:1: prompt: field required"),
        ([{"score": 1}], ["--to", "messages"], "in.jsonl:1: (record): not a known dataset shape (score)"),
        (ALPACA, ["--to", "messages", "--from", "xml"], "--from: Input should be 'alpaca', 'messages'"),
    ],
)  # fmt: skip
def test_bad_input_names_file_line_field(tmp_path: Path, rows: list, args: list[str], message: str) -> None:
    out = tmp_path / "out.jsonl"
    result = run_cli("convert", write_jsonl(tmp_path / "in.jsonl", rows), "-o", out, *args)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert not out.exists()


def test_curriculum_orders_by_difficulty_field_then_heuristic(tmp_path: Path) -> None:
    by_score = convert(
        write_jsonl(tmp_path / "in.jsonl", DPO), tmp_path / "c.jsonl", "--to", "dpo", "--order", "curriculum"
    )
    assert [r["score"] for r in by_score] == [3, 8]
    easy_first = convert(
        write_jsonl(tmp_path / "a.jsonl", ALPACA),
        tmp_path / "h.jsonl",
        "--to",
        "alpaca",
        "--order",
        "curriculum",
    )
    assert easy_first == [ALPACA[0], ALPACA[1], ALPACA[2]]  # 5, 8 words; then 17 words + 3 steps
    partial = [{**ALPACA[0], "difficulty": 2}, ALPACA[1]]
    result = run_cli("convert", write_jsonl(tmp_path / "p.jsonl", partial), "-o", tmp_path / "x.jsonl",
                     "--to", "alpaca", "--order", "curriculum")  # fmt: skip
    assert result.exit_code == 2 and "p.jsonl:2: difficulty: missing or not a number" in result.stderr


def test_shuffle_is_reproducible(tmp_path: Path) -> None:
    rows = [{"instruction": f"Task {i}", "input": "", "output": str(i)} for i in range(30)]
    source = write_jsonl(tmp_path / "in.jsonl", rows)
    first = convert(source, tmp_path / "a.jsonl", "--to", "alpaca", "--order", "shuffle", "--seed", "4")
    again = convert(source, tmp_path / "b.jsonl", "--to", "alpaca", "--order", "shuffle", "--seed", "4")
    other = convert(source, tmp_path / "c.jsonl", "--to", "alpaca", "--order", "shuffle", "--seed", "5")
    assert first == again != other and sorted(first, key=lambda r: int(r["output"])) == rows


def test_parquet_round_trip(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    source = write_jsonl(tmp_path / "in.jsonl", ALPACA)
    convert(source, tmp_path / "d.parquet", "--to", "parquet")
    assert convert(tmp_path / "d.parquet", tmp_path / "back.jsonl", "--to", "alpaca") == ALPACA
    convert(write_jsonl(tmp_path / "chat.jsonl", CHAT), tmp_path / "c.parquet", "--to", "parquet")
    assert convert(tmp_path / "c.parquet", tmp_path / "c.jsonl", "--to", "messages") == CHAT


def test_saved_hf_dataset_round_trip(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    source = write_jsonl(tmp_path / "in.jsonl", DPO)
    convert(source, tmp_path / "hf", "--to", "hf", "--shape", "dpo", "--conversational")
    loaded = datasets.load_from_disk(str(tmp_path / "hf"))
    assert loaded.num_rows == 2 and loaded[0]["chosen"] == [{"role": "assistant", "content": "Blue."}]
    assert convert(tmp_path / "hf", tmp_path / "back.jsonl", "--to", "dpo") == DPO


@pytest.mark.parametrize(
    ("target", "module", "extra"), [("hf", "datasets", "hf"), ("parquet", "pyarrow", "parquet")]
)
def test_missing_extra_is_a_one_line_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str, module: str, extra: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # as if the package were not installed
    out = tmp_path / "out"
    result = run_cli("convert", write_jsonl(tmp_path / "in.jsonl", ALPACA), "-o", out, "--to", target)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"synthgen: error: --to {target} needs {'the datasets package' if target == 'hf' else 'pyarrow'}: "
        f"pip install 'synthgen[{extra}]'"
    ]
    assert not out.exists()


TRACED = [
    {"messages": [{"role": "system", "content": "Think first.", "reasoning_content": None},
                  {"role": "user", "content": "2+3?", "reasoning_content": None},
                  {"role": "assistant", "content": "5", "reasoning_content": "2 and 3 make 5."}]},
    {"messages": [{"role": "user", "content": "Name a fruit.", "reasoning_content": None},
                  {"role": "assistant", "content": "Pear.", "reasoning_content": None}], "id": 2},
]  # fmt: skip


@pytest.mark.parametrize(
    ("via", "flags"), [("sharegpt", []), ("alpaca", []), ("prompt-completion", ["--conversational"])]
)
def test_traces_survive_every_round_trip(tmp_path: Path, via: str, flags: list[str]) -> None:
    assert round_trip(tmp_path, TRACED, via, "messages", *flags) == TRACED


def test_shapes_without_a_trace_field_hold_it_inline(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", TRACED)
    inline = "<think>\n2 and 3 make 5.\n</think>\n\n5"
    assert convert(source, tmp_path / "s.jsonl", "--to", "sharegpt")[0]["conversations"][-1] == {
        "from": "gpt",
        "value": inline,
    }
    alpaca = convert(source, tmp_path / "a.jsonl", "--to", "alpaca")
    assert alpaca[0] == {"instruction": "2+3?", "input": "", "output": inline, "system": "Think first."}
    single = write_jsonl(tmp_path / "u.jsonl", [{"messages": TRACED[0]["messages"][1:]}])
    standard = convert(single, tmp_path / "pc.jsonl", "--to", "prompt-completion")
    assert standard == [{"prompt": "2+3?", "completion": inline}]


def test_older_reasoning_key_moves_to_reasoning_content(tmp_path: Path) -> None:
    old = [{"messages": [{"role": "user", "content": "2+3?"},
                         {"role": "assistant", "content": "5", "reasoning": "2 and 3 make 5."}]}]  # fmt: skip
    assert convert(write_jsonl(tmp_path / "in.jsonl", old), tmp_path / "m.jsonl", "--to", "messages") == [
        {"messages": [{"role": "user", "content": "2+3?", "reasoning_content": None},
                      {"role": "assistant", "content": "5", "reasoning_content": "2 and 3 make 5."}]}
    ]  # fmt: skip


def test_drop_reasoning_leaves_every_trace_out(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", TRACED)
    chat = convert(source, tmp_path / "m.jsonl", "--to", "messages", "--drop-reasoning")
    assert chat[0]["messages"][-1] == {"role": "assistant", "content": "5"}
    alpaca = convert(source, tmp_path / "a.jsonl", "--to", "alpaca", "--drop-reasoning")
    assert alpaca[0]["output"] == "5"
    assert convert(tmp_path / "a.jsonl", tmp_path / "b.jsonl", "--to", "alpaca") == alpaca
    inline = convert(source, tmp_path / "i.jsonl", "--to", "alpaca")
    stripped = convert(tmp_path / "i.jsonl", tmp_path / "j.jsonl", "--to", "alpaca", "--drop-reasoning")
    assert stripped == alpaca != inline
    user_trace = [{"messages": [{"role": "user", "content": "q", "reasoning_content": "hm"},
                                {"role": "assistant", "content": "a"}]}]  # fmt: skip
    kept = convert(write_jsonl(tmp_path / "u.jsonl", user_trace), tmp_path / "u.out.jsonl", "--to", "alpaca",
                   "--drop-reasoning")  # fmt: skip
    assert kept == [{"instruction": "q", "input": "", "output": "a"}]


def test_instruction_only_rows_become_prompts_only(tmp_path: Path) -> None:
    rows = [{"instruction": "Write a haiku.", "input": "", "output": ""},
            {"instruction": "Sort the list.", "input": "3, 1, 2", "output": ""}]  # fmt: skip
    source = write_jsonl(tmp_path / "in.jsonl", rows)
    assert convert(source, tmp_path / "p.jsonl", "--to", "prompt-only") == [
        {"prompt": "Write a haiku."},
        {"prompt": "Sort the list.\n\n3, 1, 2"},
    ]
    chat = convert(source, tmp_path / "c.jsonl", "--to", "prompt-only", "--conversational")
    assert chat[1] == {"prompt": [{"role": "user", "content": "Sort the list.\n\n3, 1, 2"}]}
    for target in ("messages", "sharegpt", "prompt-completion", "alpaca"):
        out = tmp_path / f"{target}.out.jsonl"
        result = run_cli("convert", source, "-o", out, "--to", target)
        assert (result.exit_code, out.exists()) == ((0, True) if target == "alpaca" else (2, False)), target


@pytest.mark.parametrize("form", [[], ["--conversational"]])
def test_kto_rows_unpair_preference_data(tmp_path: Path, form: list[str]) -> None:
    rows = convert(write_jsonl(tmp_path / "in.jsonl", DPO), tmp_path / "k.jsonl", "--to", "kto", *form)
    assert [(r["label"], r["score"]) for r in rows] == [(True, 8), (False, 8), (True, 3), (False, 3)]
    if form:
        assert rows[1]["completion"] == [{"role": "assistant", "content": "I cannot help."}]
    else:
        assert rows[1] == {
            "prompt": "Name a color.",
            "completion": "I cannot help.",
            "label": False,
            "score": 8,
        }
    back = convert(tmp_path / "k.jsonl", tmp_path / "back.jsonl", "--to", "kto")
    assert back == convert(tmp_path / "in.jsonl", tmp_path / "std.jsonl", "--to", "kto")


def test_kto_labels_come_from_the_verified_flags(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", ALPACA[:2])
    write_jsonl(
        tmp_path / "in.jsonl.meta.jsonl", [{"row": 0, "verified": True}, {"row": 1, "verified": False}]
    )
    rows = convert(source, tmp_path / "k.jsonl", "--to", "kto")
    assert [(r["prompt"], r["label"]) for r in rows] == [
        ("Name a color.", True),
        ("Summarize the text.\n\nCats sleep a lot.", False),
    ]
    llama_factory = convert(tmp_path / "k.jsonl", tmp_path / "lf.jsonl", "--to", "alpaca")
    assert [(r["output"], r["kto_tag"]) for r in llama_factory] == [("Blue.", True), ("Cats sleep.", False)]
    assert convert(tmp_path / "lf.jsonl", tmp_path / "k2.jsonl", "--to", "kto") == rows
