"""`synthgen judge`: grades kept by --min-score, formats, structured output, unjudged answers,
bad input, resume and cache; in-process and over HTTP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import read_jsonl, run_cli
from kill_resume import lines_at_least

NO_SCORE = "[mock: no score]"  # the mock judge gives no score to an answer holding this


def _write(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _report(out: Path) -> dict[str, Any]:
    return json.loads(out.with_name(out.name + ".report.json").read_text())


def _side(out: Path, name: str = "rejected") -> list[dict[str, Any]]:
    path = out.with_name(f"{out.name}.{name}.jsonl")
    return read_jsonl(path) if path.exists() else []


def _expected_score(answer: str) -> int:
    """The mock judge's documented rule, computed here independently: refusals 1, else one
    point per six words."""
    if answer.lower().startswith("i'm sorry, but i cannot"):
        return 1
    return min(10, 1 + len(answer.split()) // 6)


def _bound(value: str) -> str:
    return (
        "Input should be greater than or equal to 1"
        if value == "0"
        else "Input should be less than or equal to 10"
    )


def _answer(words: int, topic: str) -> str:
    return " ".join(f"{topic}{i}" for i in range(words))


ROWS = [
    {"instruction": "Explain  tides.", "input": "", "output": _answer(40, "tide")},  # 7
    {"instruction": "Name a river.", "input": "", "output": "Nile."},  # 1
    {"instruction": "Summarize.", "input": "Cats sleep.\nA lot.", "output": _answer(20, "cat")},  # 4
    {"instruction": "Help me.", "output": "I'm sorry, but I cannot help with that request."},  # 1
    {"instruction": "Describe Rome.", "input": "", "output": _answer(70, "rome")},  # 10
]


def test_keeps_rows_scored_at_least_min_score_and_writes_the_rest_with_reasons(tmp_path: Path) -> None:
    source = _write(tmp_path / "in.jsonl", ROWS)
    out = tmp_path / "out.jsonl"
    result = run_cli("judge", source, "--teacher", "mock", "-o", out, "--min-score", "4", "-q")
    assert result.exit_code == 0, result.output
    scores = [_expected_score(r["output"]) for r in ROWS]
    kept = [r for r, s in zip(ROWS, scores, strict=True) if s >= 4]
    assert read_jsonl(out) == [{"input": "", **r} for r in kept]  # byte-exact fields, Alpaca only
    meta = read_jsonl(out.with_name("out.jsonl.meta.jsonl"))
    assert [(m["line"], m["score"]) for m in meta] == [(i + 1, s) for i, s in enumerate(scores) if s >= 4]
    assert all(m["reason"] for m in meta)
    rejected = _side(out)
    assert [r["instruction"] for r in rejected] == ["Name a river.", "Help me."]
    assert [r["_rejected"]["reason"] for r in rejected] == ["low_score", "low_score"]
    assert [r["_rejected"]["score"] for r in rejected] == [1, 1] and rejected[1]["_rejected"]["judge_reason"]
    counts = _report(out)["last_run"]["counts"]
    assert counts["kept"] == 3 and counts["rejected"] == {"low_score": 2}
    assert counts["metrics"]["judged"] == 5 and counts["metrics"]["score_sum"] == sum(scores)
    assert '"min_score": 4' in out.with_name("out.jsonl.card.md").read_text()  # a finished run's card


def test_messages_rows_keep_their_turns_and_get_a_score_field(tmp_path: Path) -> None:
    chat = {
        "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Say hi."},
            {"role": "assistant", "content": _answer(13, "hi"), "reasoning": "kept as read"},
        ],
        "id": 7,
    }
    source = _write(tmp_path / "in.jsonl", [chat, ROWS[0]])
    out = tmp_path / "out.jsonl"
    result = run_cli("judge", source, "--teacher", "mock", "-o", out, "-q")  # auto: messages
    assert result.exit_code == 0, result.output
    first, second = read_jsonl(out)
    assert first == {**chat, "score": 3}
    assert second["messages"] == [
        {"role": "user", "content": "Explain  tides."},
        {"role": "assistant", "content": ROWS[0]["output"]},
    ]
    assert second["score"] == 7
    forced = run_cli("judge", source, "--teacher", "mock", "-o", tmp_path / "a.jsonl", "--format", "alpaca")
    assert forced.exit_code == 2 and f"{source}:1: messages: 2 turns before the answer" in forced.stderr


def test_structured_output_over_http_and_a_text_judge_grade_alike(tmp_path: Path, mock_server: Any) -> None:
    server = mock_server()
    rows = [*ROWS, {"instruction": "Odd one.", "input": "", "output": f"{_answer(30, 'x')} {NO_SCORE}"}]
    source = _write(tmp_path / "in.jsonl", rows)
    common = ["--base-url", server.url, "--model", "judge", "-q", "--no-cache", "--max-retries", "1"]
    as_json, as_text = tmp_path / "json.jsonl", tmp_path / "text.jsonl"
    assert run_cli("judge", source, "-o", as_json, *common).exit_code == 0
    assert run_cli("judge", source, "-o", as_text, "--no-structured", *common).exit_code == 0
    scores_json = [m["score"] for m in read_jsonl(as_json.with_name("json.jsonl.meta.jsonl"))]
    scores_text = [m["score"] for m in read_jsonl(as_text.with_name("text.jsonl.meta.jsonl"))]
    assert scores_json == scores_text == [_expected_score(r["output"]) for r in ROWS]
    # the mock answers JSON only when the request's response_format asks for it
    (json_reject,) = _side(as_json)
    (text_reject,) = _side(as_text)
    assert json.loads(json_reject["_rejected"]["judge_reply"])["score"] is None
    assert not text_reject["_rejected"]["judge_reply"].startswith("{")


def test_an_answer_without_a_score_is_asked_again_once_then_counted_unjudged(tmp_path: Path) -> None:
    """Not --max-retries times: at temperature 0 the same request brings the same reply, and
    each one is paid for (it was paid 7 times with the default 6 retries)."""
    source = _write(tmp_path / "in.jsonl", [ROWS[0], {"instruction": "Odd.", "output": f"Hmm {NO_SCORE}"}])
    out = tmp_path / "out.jsonl"
    result = run_cli("judge", source, "--teacher", "mock", "-o", out)  # --max-retries 6, the default
    assert result.exit_code == 0, result.output
    assert "unjudged 1" in result.stderr
    report = _report(out)["last_run"]
    assert report["usage"]["retries"] == 1 and report["usage"]["requests_sent"] == 2 + 1
    assert report["counts"]["failed_requests"] == 0 and report["counts"]["rejected"] == {"unjudged": 1}
    (rejected,) = _side(out)
    assert rejected["instruction"] == "Odd." and rejected["_rejected"]["reason"] == "unjudged"


def test_a_flaky_judge_over_http_is_retried_and_every_row_is_accounted_for(
    tmp_path: Path, mock_server: Any
) -> None:
    server = mock_server("--malformed-rate", "0.3", "--seed", "4")  # 30% of replies hold no score
    rows = [{"instruction": f"Task {i}.", "output": _answer(6 * (i % 9) + 3, "w")} for i in range(60)]
    source = _write(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.jsonl"
    result = run_cli("judge", source, "-o", out, "--base-url", server.url, "--model", "m", "-q", "--no-cache")
    assert result.exit_code == 0, result.output
    report = _report(out)["last_run"]
    assert report["usage"]["retries"] > 5
    counts = report["counts"]
    assert counts["kept"] + sum(counts["rejected"].values()) == 60
    kept_lines = [m["line"] for m in read_jsonl(out.with_name("out.jsonl.meta.jsonl"))]
    for line, meta in zip(kept_lines, read_jsonl(out.with_name("out.jsonl.meta.jsonl")), strict=True):
        assert meta["score"] == _expected_score(rows[line - 1]["output"])


def test_a_long_run_of_low_scores_is_not_an_exhausted_teacher(tmp_path: Path) -> None:
    rows = [{"instruction": f"Task {i}.", "output": "Too short."} for i in range(80)]
    rows.append({"instruction": "Last.", "output": _answer(60, "z")})
    out = tmp_path / "out.jsonl"
    result = run_cli(
        "judge", _write(tmp_path / "in.jsonl", rows), "--teacher", "mock", "-o", out, "--min-score", "5"
    )
    assert result.exit_code == 0, result.output
    assert _report(out)["last_run"]["stop_reason"] == "plan_done"
    assert len(read_jsonl(out)) == 1 and len(_side(out)) == 80


def test_bad_input_is_one_line_and_exit_2_before_any_request(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    cases = [
        (
            [{"instruction": "Fine.", "output": "ok"}, {"instruction": "No output."}],
            [],
            ":2: output: field required",
        ),
        (
            [{"messages": [{"role": "user", "content": "Hi"}]}],
            [],
            ":1: messages: the last turn must be the assistant",
        ),
        ([{"text": "what"}], [], ":1: (record): no answer"),
        ([{"instruction": "x", "output": 3}], [], ":1: output: expected a string"),
    ]
    for number, (rows, flags, message) in enumerate(cases):
        source = _write(tmp_path / f"in{number}.jsonl", rows)
        result = run_cli("judge", source, "--teacher", "mock", "-o", out, *flags)
        assert result.exit_code == 2, (rows, result.output)
        assert message in result.stderr and "Traceback" not in result.output
        assert not out.exists()
    good = _write(tmp_path / "good.jsonl", ROWS)
    for value in ("0", "11"):
        result = run_cli("judge", good, "--teacher", "mock", "-o", out, "--min-score", value)
        assert result.exit_code == 2, result.output
        assert result.stderr.strip().splitlines() == [f"synthgen: error: --min-score: {_bound(value)}"]
    assert run_cli("judge", good, "--teacher", "mock", "-o", out, "--min-score", "seven").exit_code == 2
    template = tmp_path / "judge.txt"
    template.write_text("Grade {answer} please.")
    result = run_cli("judge", good, "--teacher", "mock", "-o", out, "--prompt", template)
    assert result.exit_code == 2 and "lacks the placeholder {prompt}" in result.stderr
    assert not out.exists()


def test_a_custom_judge_prompt_is_used(tmp_path: Path, mock_server: Any) -> None:
    template = tmp_path / "judge.txt"
    template.write_text("Rate it. Request: {prompt}\n<answer>\n{answer}\n</answer>\nGive a score.")
    out = tmp_path / "out.jsonl"
    result = run_cli(
        "judge",
        _write(tmp_path / "in.jsonl", ROWS),
        "--teacher",
        "mock",
        "-o",
        out,
        "--prompt",
        template,
        "-q",
    )
    assert result.exit_code == 0, result.output
    assert [m["score"] for m in read_jsonl(out.with_name("out.jsonl.meta.jsonl"))] == [7, 1, 4, 1, 10]
    changed = run_cli("judge", _write(tmp_path / "in.jsonl", ROWS), "--teacher", "mock", "-o", out, "-q")
    assert changed.exit_code == 2 and "prompt" in changed.stderr  # another prompt: no silent resume


def test_cache_answers_a_rerun_and_structured_output_is_part_of_its_key(
    tmp_path: Path, mock_server: Any
) -> None:
    server = mock_server()
    source = _write(tmp_path / "in.jsonl", ROWS)
    common = ["--base-url", server.url, "--model", "m", "-q", "--cache-path", tmp_path / "cache.sqlite3"]
    first, again, text = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "c.jsonl"
    assert run_cli("judge", source, "-o", first, *common).exit_code == 0
    assert run_cli("judge", source, "-o", again, *common).exit_code == 0
    assert server.stats()["requests_total"] == 5
    assert again.read_bytes() == first.read_bytes()
    assert _report(again)["last_run"]["counts"]["cached_responses"] == 5
    assert run_cli("judge", source, "-o", text, "--no-structured", *common).exit_code == 0
    assert server.stats()["requests_total"] == 10  # another request body: not answered from the cache


def test_killed_and_resumed_judge_writes_the_same_files(tmp_path: Path, kill_and_resume: Any) -> None:
    rows = [
        {"instruction": f"Task number {i}.", "output": _answer(3 * (i % 20) + 1, "w")} for i in range(200)
    ]
    source = _write(tmp_path / "in.jsonl", rows)
    drill = kill_and_resume("judge", source, "--model", "m", "-j", "4", "-q", "--min-score", "4")
    reference = drill.reference()
    out = drill.kill_after(30, then=lines_at_least(drill.output("out"), 5))
    assert 0 < len(read_jsonl(out)) < len(read_jsonl(reference))  # killed part-way
    drill.resume()
    assert out.read_bytes() == reference.read_bytes()
    assert _side(out) == _side(reference)
    meta = read_jsonl(out.with_name("out.jsonl.meta.jsonl"))
    assert [m["line"] for m in meta] == [
        i + 1 for i, r in enumerate(rows) if _expected_score(r["output"]) >= 4
    ]
