"""`synthgen pairs`: preference pairs ranked by the judge or by verification, in TRL's format."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from conftest import read_jsonl, run_cli
from kill_resume import lines_at_least
from test_judge import _expected_score
from test_respond import _final_value

ROOT = Path(__file__).resolve().parents[1]
MATH = ROOT / "seeds" / "math_word_problems.jsonl"
SCHEMA = json.loads((ROOT / "tests" / "data" / "trl_preference.schema.json").read_text())
STANDARD = {**SCHEMA, "oneOf": [{"$ref": "#/$defs/standard"}]}
CONVERSATIONAL = {**SCHEMA, "oneOf": [{"$ref": "#/$defs/conversational"}]}

PROMPTS = [
    {"instruction": "Explain why the sky is blue."},
    {"instruction": "Name three rivers.", "input": ""},
    {"instruction": "Summarize the text.", "input": "Cats sleep a lot.\nThey purr."},
    {"prompt": "How do tides work?"},
    {"instruction": "Plan a picnic for four people."},
    {"instruction": "Describe the water cycle."},
]


def _write(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _meta(out: Path) -> list[dict[str, Any]]:
    return read_jsonl(out.with_name(out.name + ".meta.jsonl"))


def _side(out: Path) -> list[dict[str, Any]]:
    path = out.with_name(out.name + ".rejected.jsonl")
    return read_jsonl(path) if path.exists() else []


def _respond(tmp_path: Path, *flags: Any, name: str = "answers.jsonl") -> Path:
    out = tmp_path / name
    source = _write(tmp_path / "prompts.jsonl", PROMPTS)
    result = run_cli("respond", source, "--teacher", "mock", "-o", out, "--samples", "4", "-q", *flags)
    assert result.exit_code == 0, result.output
    return out


def _expected_pairs(answers: list[dict[str, Any]], min_margin: int = 1) -> list[tuple[str, str, str] | str]:
    """Each prompt's (prompt, best, worst) by the mock judge's rule, or why it has none."""
    groups: dict[str, list[str]] = {}
    for row in answers:
        prompt = f"{row['instruction']}\n\n{row['input']}" if row["input"] else row["instruction"]
        groups.setdefault(prompt, []).append(row["output"])
    expected: list[tuple[str, str, str] | str] = []
    for prompt, outputs in groups.items():
        scores = [_expected_score(o) for o in outputs]
        best, worst = outputs[scores.index(max(scores))], outputs[scores.index(min(scores))]
        margin = max(scores) - min(scores)
        expected.append(
            "tie" if margin == 0 else "below_margin" if margin < min_margin else (prompt, best, worst)
        )
    return expected


def test_judge_ranked_pairs_from_respond_samples(tmp_path: Path) -> None:
    answers = _respond(tmp_path)
    out = tmp_path / "pairs.jsonl"
    result = run_cli("pairs", answers, "--teacher", "mock", "-o", out, "-q")
    assert result.exit_code == 0, result.output
    expected = _expected_pairs(read_jsonl(answers))
    pairs = [e for e in expected if not isinstance(e, str)]
    assert pairs, "the mock's answers should differ in length"
    rows = read_jsonl(out)
    assert [(r["prompt"], r["chosen"], r["rejected"]) for r in rows] == pairs
    for row in rows:
        jsonschema.validate(row, STANDARD)
    for line in _meta(out):
        assert line["chosen"]["score"] > line["rejected"]["score"]
        assert len(line["scores"]) == 4 and max(line["scores"]) == line["chosen"]["score"]
    skipped = [r["_rejected"]["reason"] for r in _side(out)]
    assert skipped == [e for e in expected if isinstance(e, str)]
    counts = json.loads(out.with_name("pairs.jsonl.report.json").read_text())["last_run"]["counts"]
    assert counts["candidates"] == len(PROMPTS) and counts["kept"] == len(rows)
    assert counts["metrics"]["judged"] == 4 * len(PROMPTS)
    assert '- "preference"' in out.with_name("pairs.jsonl.card.md").read_text()


def test_min_margin_skips_close_calls(tmp_path: Path) -> None:
    answers = _respond(tmp_path)
    out = tmp_path / "pairs.jsonl"
    assert run_cli("pairs", answers, "--teacher", "mock", "-o", out, "-q", "--min-margin", "2").exit_code == 0
    expected = _expected_pairs(read_jsonl(answers), min_margin=2)
    assert [(r["prompt"], r["chosen"], r["rejected"]) for r in read_jsonl(out)] == [
        e for e in expected if not isinstance(e, str)
    ]
    assert [r["_rejected"]["reason"] for r in _side(out)] == [e for e in expected if isinstance(e, str)]
    assert all(m["chosen"]["score"] - m["rejected"]["score"] >= 2 for m in _meta(out))


def test_conversational_format_from_messages_answers(tmp_path: Path) -> None:
    answers = _respond(tmp_path, "--format", "messages", "--system", "Answer kindly.")
    out = tmp_path / "pairs.jsonl"
    result = run_cli("pairs", answers, "--teacher", "mock", "-o", out, "-q", "--format", "messages")
    assert result.exit_code == 0, result.output
    rows = read_jsonl(out)
    assert rows
    for row in rows:
        jsonschema.validate(row, CONVERSATIONAL)
        assert [t["role"] for t in row["prompt"]] == ["system", "user"]
        assert row["prompt"][0]["content"] == "Answer kindly."
        assert len(row["chosen"]) == len(row["rejected"]) == 1 and row["chosen"] != row["rejected"]
    standard = run_cli("pairs", answers, "--teacher", "mock", "-o", tmp_path / "s.jsonl")
    assert standard.exit_code == 2 and "a prompt of 2 turns needs --format messages" in standard.stderr


def test_generated_answers_with_a_rejected_model_over_http(tmp_path: Path, mock_server: Any) -> None:
    server = mock_server()
    source = _write(tmp_path / "prompts.jsonl", PROMPTS)
    out = tmp_path / "pairs.jsonl"
    command = [
        "pairs", source, "-o", out, "--base-url", server.url, "--model", "big", "--rejected-model", "small",
        "--samples", "3", "-q", "--cache-path", tmp_path / "cache.sqlite3",
    ]  # fmt: skip
    result = run_cli(*command)
    assert result.exit_code == 0, result.output
    strong, weak = tmp_path / "pairs.answers.jsonl", tmp_path / "pairs.weak-answers.jsonl"
    assert len(read_jsonl(strong)) == len(read_jsonl(weak)) == 18
    assert {m["model"] for m in _meta(strong)} == {"big"} and {m["model"] for m in _meta(weak)} == {"small"}
    assert server.stats()["requests_total"] == 18 + 18 + 36  # two answer stages, then a grade per answer
    rows, skipped = read_jsonl(out), _side(out)
    assert rows and len(rows) + len(skipped) == len(PROMPTS)
    for row in rows:
        jsonschema.validate(row, STANDARD)
    for line in _meta(out):
        assert len(line["scores"]) == 6  # three answers from each model
        assert {line["chosen"]["origin"], line["rejected"]["origin"]} <= {"model", "rejected_model"}
    for group in skipped:
        assert [a["origin"] for a in group["answers"]] == ["model"] * 3 + ["rejected_model"] * 3
    again = run_cli(*command)
    assert again.exit_code == 0, again.output
    assert server.stats()["requests_total"] == 72  # done stages ask nothing; re-judged groups hit the cache
    assert read_jsonl(out) == rows


def test_generated_answers_in_process_are_ranked_by_the_judge(tmp_path: Path) -> None:
    source = _write(tmp_path / "prompts.jsonl", PROMPTS)
    out = tmp_path / "pairs.jsonl"
    result = run_cli("pairs", source, "-o", out, "--teacher", "mock", "--samples", "4", "-q")
    assert result.exit_code == 0, result.output
    answers = tmp_path / "pairs.answers.jsonl"
    expected = _expected_pairs(read_jsonl(answers))
    assert [(r["prompt"], r["chosen"], r["rejected"]) for r in read_jsonl(out)] == [
        e for e in expected if not isinstance(e, str)
    ]
    assert {line["chosen"]["origin"] for line in _meta(out)} == {"model"}


def test_budget_covers_every_stage(tmp_path: Path) -> None:
    source = _write(tmp_path / "prompts.jsonl", PROMPTS)
    out = tmp_path / "pairs.jsonl"
    common = ["--teacher", "mock", "-o", out, "--samples", "3", "-q"]
    result = run_cli("pairs", source, *common, "--max-requests", "25")
    assert result.exit_code == 3, result.output  # 18 answers, then 7 of 18 grades
    report = json.loads(out.with_name("pairs.jsonl.report.json").read_text())["last_run"]
    assert report["stop_reason"] == "max_requests" and report["usage"]["requests_sent"] == 7
    assert run_cli("pairs", source, *common).exit_code == 0  # resumed: the rest of the grades


def test_verified_flags_pick_a_correct_and_a_wrong_answer(tmp_path: Path) -> None:
    flags = {"A": [True, False, True, False], "B": [True, True], "C": [False, False], "D": [False, True]}
    rows, meta = [], []
    for prompt, verdicts in flags.items():
        for sample, verified in enumerate(verdicts):
            rows.append({"instruction": prompt, "input": "", "output": f"{prompt} answer {sample}"})
            meta.append({"row": ord(prompt) - 65, "sample": sample, "verified": verified})
    source = _write(tmp_path / "answers.jsonl", rows)
    _write(tmp_path / "answers.jsonl.meta.jsonl", meta)
    out = tmp_path / "pairs.jsonl"
    result = run_cli("pairs", source, "-o", out)
    assert result.exit_code == 0, result.output
    assert read_jsonl(out) == [
        {"prompt": "A", "chosen": "A answer 0", "rejected": "A answer 1"},
        {"prompt": "D", "chosen": "D answer 1", "rejected": "D answer 0"},
    ]
    assert [(m["chosen"]["line"], m["rejected"]["line"]) for m in _meta(out)] == [(1, 2), (10, 9)]
    assert [(r["prompt"], r["_rejected"]["reason"]) for r in _side(out)] == [
        ("B", "all_correct"),
        ("C", "all_wrong"),
    ]
    judged = run_cli(
        "pairs", source, "-o", tmp_path / "judged.jsonl", "--rank", "judge", "--teacher", "mock", "-q"
    )
    assert judged.exit_code == 0, judged.output  # the flags may be ignored


def test_verified_answers_make_pairs_without_a_teacher(tmp_path: Path, mock_server: Any) -> None:
    server = mock_server("--wrong-answer-rate", "0.5", "--seed", "3")
    problems = read_jsonl(MATH)[:30]
    source = _write(tmp_path / "math.jsonl", problems)
    answers = tmp_path / "answers.jsonl"
    result = run_cli(
        "respond", source, "-o", answers, "--base-url", server.url, "--model", "m", "-q",
        "--samples", "4", "--verify", "math", "--keep", "all", "--no-cache",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    server.reset()
    out = tmp_path / "pairs.jsonl"
    result = run_cli("pairs", answers, "-o", out)  # no teacher: the verified flags rank
    assert result.exit_code == 0, result.output
    report = json.loads(out.with_name("pairs.jsonl.report.json").read_text())["last_run"]
    assert report["usage"]["requests_sent"] == 0 and report["counts"]["candidates"] == 30
    assert server.stats()["requests_total"] == 0
    reference = {p["instruction"]: Fraction(p["answer"]) for p in problems}
    rows = read_jsonl(out)
    assert rows
    for row, line in zip(rows, _meta(out), strict=True):
        jsonschema.validate(row, STANDARD)
        assert reference[row["prompt"]] in _final_value(row["chosen"])  # checked independently
        assert reference[row["prompt"]] not in _final_value(row["rejected"])
        assert line["chosen"]["verified"] is True and line["rejected"]["verified"] is False
    reasons = {r["_rejected"]["reason"] for r in _side(out)}
    assert len(rows) + len(_side(out)) == 30 and reasons <= {"all_correct", "all_wrong"}


def test_both_answer_shapes_give_the_same_pairs_with_their_traces(tmp_path: Path, mock_server: Any) -> None:
    """A reasoning teacher's answers in alpaca rows (trace inline) and in messages rows (trace in
    reasoning_content) make the same pairs: no trace is lost on either path."""
    server = mock_server("--wrong-answer-rate", "0.5", "--seed", "3", "--reasoning", "field")
    source = _write(tmp_path / "math.jsonl", read_jsonl(MATH)[:12])
    common = [
        "--base-url",
        server.url,
        "--model",
        "m",
        "-q",
        "--samples",
        "4",
        "--verify",
        "math",
        "--keep",
        "all",
    ]
    pairs = {}
    for shape in ("alpaca", "messages"):
        answers = tmp_path / f"{shape}.jsonl"
        assert run_cli("respond", source, "-o", answers, "--format", shape, *common).exit_code == 0
        for form in ("standard", "messages"):
            out = tmp_path / f"pairs-{shape}-{form}.jsonl"
            result = run_cli("pairs", answers, "-o", out, "--format", form)
            assert result.exit_code == 0, result.output
            pairs[shape, form] = read_jsonl(out)
    assert pairs["alpaca", "standard"] == pairs["messages", "standard"] and pairs["alpaca", "standard"]
    assert pairs["alpaca", "messages"] == pairs["messages", "messages"]
    for row in pairs["alpaca", "standard"]:
        jsonschema.validate(row, STANDARD)
        assert row["chosen"].startswith("<think>\n") and row["rejected"].startswith("<think>\n")
    for row in pairs["messages", "messages"]:
        jsonschema.validate(row, CONVERSATIONAL)
        for answer in (row["chosen"][0], row["rejected"][0]):
            assert answer["reasoning_content"] and "<think>" not in answer["content"]


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    single = _write(
        tmp_path / "single.jsonl",
        [{"instruction": "A?", "output": "a"}, {"instruction": "B?", "output": "b"}],
    )
    result = run_cli("pairs", single, "--teacher", "mock", "-o", out)
    assert result.exit_code == 2 and "no prompt has two answers" in result.stderr
    two = _write(
        tmp_path / "two.jsonl", [{"instruction": "A?", "output": "a"}, {"instruction": "A?", "output": "b c"}]
    )
    cases = [
        ([two, "--rank", "verified"], "needs a 'verified' flag"),
        ([two, "--teacher", "mock", "--rejected-model", "m"], "--rejected-model needs --samples"),
        ([two, "--teacher", "mock", "--min-margin", "0"], "--min-margin"),
        ([two, "--teacher", "mock", "--samples", "1"], "--samples"),
        ([two, "--teacher", "mock", "--samples", "2", "--rank", "verified"], "--rank verified needs"),
        (
            [_write(tmp_path / "bad.jsonl", [{"instruction": "A?"}]), "--teacher", "mock"],
            ":1: output: field required",
        ),
        ([two], "no teacher configured"),
    ]
    for args, message in cases:
        result = run_cli("pairs", *args, "-o", out)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.stderr and "Traceback" not in result.output
        assert not out.exists()
    meta = two.with_name("two.jsonl.meta.jsonl")
    meta.write_text('{"verified": true}\n')
    result = run_cli("pairs", two, "--teacher", "mock", "-o", out)
    assert result.exit_code == 2 and "1 lines for 2 rows" in result.stderr


def test_killed_and_resumed_pairs_write_the_same_file(tmp_path: Path, kill_and_resume: Any) -> None:
    rows = [
        {"instruction": f"Question {q}?", "output": " ".join(["w"] * (3 + 6 * ((q * 7 + s * 3) % 5)))}
        for q in range(60)
        for s in range(3)
    ]
    source = _write(tmp_path / "answers.jsonl", rows)
    drill = kill_and_resume("pairs", source, "--model", "m", "-j", "4", "-q")
    reference = drill.reference()
    out = drill.kill_after(40, then=lines_at_least(drill.output("out"), 5))
    assert 0 < len(read_jsonl(out)) < len(read_jsonl(reference))
    drill.resume()
    assert out.read_bytes() == reference.read_bytes()
    assert _side(out) == _side(reference)


def test_the_judges_old_spellings_still_work_warn_and_resume_alike(tmp_path: Path) -> None:
    """--prompt / --structured (and the config file's prompt / structured keys) were pairs' names
    for the judge's prompt and format: they set --judge-prompt / --judge-structured for a release,
    with a warning, and an output made under either name resumes under the other."""
    answers = _respond(tmp_path)
    prompt = tmp_path / "judge.txt"
    prompt.write_text((ROOT / "prompts" / "judge.txt").read_text(encoding="utf-8"), encoding="utf-8")
    config = tmp_path / "old.toml"
    config.write_text(f'prompt = "{prompt}"\nstructured = false\n', encoding="utf-8")
    runs = {
        "new": ("--judge-prompt", prompt, "--no-judge-structured"),
        "old": ("--prompt", prompt, "--no-structured"),
        "file": ("-c", config),
    }
    warned = {}
    for name, flags in runs.items():
        result = run_cli(
            "pairs", answers, "--teacher", "mock", "-o", tmp_path / f"{name}.jsonl", "-q", *flags
        )
        assert result.exit_code == 0, result.output
        warned[name] = result.stderr.splitlines()
    assert warned["new"] == []
    assert warned["old"] == [
        "synthgen: warning: --prompt is now --judge-prompt (the old name goes in a later release)",
        "synthgen: warning: --structured is now --judge-structured (the old name goes in a later release)",
    ]
    assert warned["file"] == [
        f"synthgen: warning: {config}: prompt is now judge-prompt (the old name goes in a later release)",
        f"synthgen: warning: {config}: structured is now judge-structured (the old name goes in a later release)",
    ]  # fmt: skip
    reports = [json.loads((tmp_path / f"{name}.jsonl.report.json").read_text()) for name in runs]
    assert len({r["config_hash"] for r in reports}) == 1
    assert reports[0]["content_config"]["structured"] is False  # the fingerprint's keys as before
    assert len({(tmp_path / f"{name}.jsonl").read_bytes() for name in runs}) == 1
    again = run_cli("pairs", answers, "--teacher", "mock", "-o", tmp_path / "old.jsonl", *runs["new"])
    assert again.exit_code == 0 and "kept 0 new examples" in again.stderr, again.output


def test_pairs_load_as_a_hugging_face_dataset(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    answers = _respond(tmp_path)
    standard, chat = tmp_path / "standard.jsonl", tmp_path / "chat.jsonl"
    assert run_cli("pairs", answers, "--teacher", "mock", "-o", standard, "-q").exit_code == 0
    chat_answers = _respond(tmp_path, "--format", "messages", name="chat-answers.jsonl")
    assert (
        run_cli(
            "pairs", chat_answers, "--teacher", "mock", "-o", chat, "-q", "--format", "messages"
        ).exit_code
        == 0
    )
    for path in (standard, chat):
        loaded = datasets.load_dataset(
            "json", data_files=str(path), split="train", cache_dir=str(tmp_path / "hf")
        )
        assert loaded.column_names == ["prompt", "chosen", "rejected"] and len(loaded) == len(
            read_jsonl(path)
        )
    loaded = datasets.load_dataset(
        "json", data_files=str(chat), split="train", cache_dir=str(tmp_path / "hf")
    )
    assert loaded[0]["chosen"][0]["role"] == "assistant"


def test_pairs_reuse_the_grades_a_judge_run_cached(tmp_path: Path, mock_server: Any) -> None:
    server = mock_server()
    answers = _respond(tmp_path)
    common = ["--base-url", server.url, "--model", "judge", "-q", "--cache-path", tmp_path / "cache.sqlite3"]
    assert run_cli("judge", answers, "-o", tmp_path / "judged.jsonl", *common).exit_code == 0
    graded = server.stats()["requests_total"]
    assert graded == 4 * len(PROMPTS)
    out = tmp_path / "pairs.jsonl"
    result = run_cli("pairs", answers, "-o", out, *common)
    assert result.exit_code == 0, result.output
    assert server.stats()["requests_total"] == graded  # every grade came from the cache
    judged = {m["line"]: m["score"] for m in _meta(tmp_path / "judged.jsonl")}
    for line in _meta(out):
        assert judged[line["chosen"]["line"]] == line["chosen"]["score"]


def test_conversational_pairs_with_traces_on_some_answers_load_as_structs(tmp_path: Path) -> None:
    """Every answer turn has reasoning_content once any answer of the file has a trace (null
    where there is none), so datasets reads chosen/rejected as lists of structs, not List(Json)."""
    datasets = pytest.importorskip("datasets")
    long = "A much longer answer, with many more words in it, which the judge scores above the other."
    scripts = [
        f"Short.\n[mock: or]\n<think>\nThink first.\n</think>\n\n{long}",
        f"Brief.\n[mock: or]\n{long}",
    ]
    source = _write(
        tmp_path / "in.jsonl", [{"prompt": f"Q{i}\n[mock: answer]\n{s}"} for i, s in enumerate(scripts)]
    )
    answers, out = tmp_path / "answers.jsonl", tmp_path / "pairs.jsonl"
    common = ("--teacher", "mock", "--format", "messages", "-q")
    assert run_cli("respond", source, "-o", answers, "--samples", "2", *common).exit_code == 0
    result = run_cli("pairs", answers, "-o", out, *common)
    assert result.exit_code == 0, result.output
    rows = read_jsonl(out)
    assert [r["chosen"][0]["reasoning_content"] for r in rows] == ["Think first.", None]
    assert all(r["rejected"][0]["reasoning_content"] is None for r in rows)
    loaded = datasets.load_dataset("json", data_files=str(out), split="train", cache_dir=str(tmp_path / "hf"))
    assert "Json" not in repr(loaded.features), loaded.features
