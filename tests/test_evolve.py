"""`synthgen evolve`: rounds, lineage, elimination rules, resume (kill -9), budgets, bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import read_jsonl, run_cli
from rouge_oracle import Member, scores_that_matter

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds" / "seed_tasks.jsonl"


def _write(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _side(out: Path, name: str) -> Path:
    return out.with_name(f"{out.name}.{name}")


def _text(row: dict[str, Any]) -> str:
    return f"{row['instruction']}\n\n{row['input']}" if row.get("input") else row["instruction"]


def _seed_rows() -> list[dict[str, str]]:
    """The bundled seeds as the recipe reads them: instruction and the first instance's input."""
    return [{"instruction": s["instruction"], "input": s["instances"][0]["input"]} for s in read_jsonl(SEEDS)]


def test_rounds_evolve_the_survivors_with_lineage_and_visible_operations(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = run_cli("evolve", SEEDS, "-o", out, "--teacher", "mock", "--rounds", "3", "-q")
    assert result.exit_code == 0, result.output
    rows, meta = read_jsonl(out), read_jsonl(_side(out, "meta.jsonl"))
    seeds = _seed_rows()
    assert rows and len(rows) == len(meta)
    assert all(set(r) == {"instruction", "input", "output"} and r["output"] == "" for r in rows)
    assert {m["round"] for m in meta} == {1, 2, 3}
    for row, line in zip(rows, meta, strict=True):
        if line["round"] == 1:
            assert line["parent"] is None
            parent = seeds[line["line"] - 1]
        else:
            parent, parent_meta = rows[line["parent"]], meta[line["parent"]]
            assert parent_meta["round"] == line["round"] - 1 and parent_meta["line"] == line["line"]
        _assert_follows(line["operation"], parent, row)
    rounds = [m["round"] for m in meta]
    assert rounds == sorted(rounds)  # written round after round


def _assert_follows(operation: str, parent: dict[str, str], row: dict[str, str]) -> None:
    """What the mock does for each operation, visible in the row (see synthgen.mock.evolve)."""
    instruction = parent["instruction"]
    if operation in ("add-constraint", "concretize", "more-reasoning"):
        assert row["instruction"].startswith(instruction + " ") and row["input"] == parent["input"]
    elif operation == "deepen":
        assert instruction[:1].lower() + instruction[1:] in row["instruction"]
    elif operation == "complicate-input":
        assert row["instruction"].startswith(instruction + " ")
        assert row["input"].startswith(parent["input"]) and len(row["input"]) > len(parent["input"])
    else:
        assert operation == "breadth" and instruction not in row["instruction"]


def test_every_request_is_kept_or_rejected_once_and_kept_rows_pass_the_rules(tmp_path: Path) -> None:
    tasks = _seed_rows()[:50]
    twins = [{**t, "instruction": t["instruction"] + " Keep it short."} for t in tasks[:15]]
    source = _write(tmp_path / "in.jsonl", tasks + twins)  # near-duplicates outside each lineage
    out = tmp_path / "out.jsonl"
    result = run_cli("evolve", source, "-o", out, "--teacher", "mock", "--rounds", "3", "-q", "--seed", "4")
    assert result.exit_code == 0, result.output
    rows, meta = read_jsonl(out), read_jsonl(_side(out, "meta.jsonl"))
    rejected = read_jsonl(_side(out, "rejected.jsonl"))
    requests = sorted([m["request"] for m in meta] + [r["_request"] for r in rejected])
    assert requests == list(range(len(requests)))  # each request once, no gap
    report = json.loads(_side(out, "report.json").read_text())
    assert [run["round"] for run in report["runs"]] == [1, 2, 3]
    assert sum(run["counts"]["requests"] for run in report["runs"]) == len(requests)
    reasons = {r["_rejected"] for r in rejected}
    # the mock's flaws are caught, each by its rule, and near-duplicates of the twins
    assert {"copied_prompt", "no_new_information", "refusal", "duplicate_similar"} <= reasons
    for row in rejected:
        if row["_rejected"] == "copied_prompt":
            assert "[Evolved task]" in row["instruction"]
    # independent check of the ROUGE-L rule with rouge-score: no kept row is above 0.7 against
    # the input or an earlier kept row, its own lineage aside (the oracle scores the pairs that
    # could be above; the others provably are not, see rouge_oracle)
    inputs = [Member.of(_text(r)) for r in read_jsonl(source)]
    kept = [Member.of(_text(r)) for r in rows]
    for k, (member, line) in enumerate(zip(kept, meta, strict=True)):
        lineage, parent = {line["line"] - 1}, line["parent"]
        while parent is not None:
            lineage.add(len(inputs) + parent)
            parent = meta[parent]["parent"]
        pool = [other for i, other in enumerate(inputs + kept[:k]) if i not in lineage]
        assert max(scores_that_matter(member, pool, 0.7).values(), default=0.0) <= 0.7, rows[k]
    assert len({_text(r).lower() for r in rows}) == len(rows)


def test_more_rounds_later_continue_the_same_file(tmp_path: Path) -> None:
    source = _write(tmp_path / "in.jsonl", _seed_rows()[:40])
    whole, grown = tmp_path / "whole.jsonl", tmp_path / "grown.jsonl"
    common = ["--teacher", "mock", "-q"]
    assert run_cli("evolve", source, "-o", whole, "--rounds", "3", *common).exit_code == 0
    assert run_cli("evolve", source, "-o", grown, "--rounds", "1", *common).exit_code == 0
    assert run_cli("evolve", source, "-o", grown, "--rounds", "3", *common).exit_code == 0
    assert grown.read_bytes() == whole.read_bytes()
    again = run_cli("evolve", source, "-o", grown, "--rounds", "3", "--teacher", "mock")
    assert again.exit_code == 0 and "nothing to do" in again.stderr
    assert grown.read_bytes() == whole.read_bytes()


def test_retry_failed_evolves_a_failed_parent_again(tmp_path: Path) -> None:
    source = _write(tmp_path / "in.jsonl", _seed_rows()[:40])
    out = tmp_path / "out.jsonl"
    result = run_cli(
        "evolve", source, "-o", out, "--teacher", "mock", "--rounds", "2", "-q", "--retry-failed"
    )
    assert result.exit_code == 0, result.output
    meta = read_jsonl(_side(out, "meta.jsonl"))
    report = json.loads(_side(out, "report.json").read_text())
    assert [run["requests"] for run in report["runs"]] == [[0, 40], [40, 80]]  # every parent again
    round_one = {m["line"] for m in meta if m["round"] == 1}
    retried = [m for m in meta if m["round"] == 2 and m["parent"] is None]
    assert retried and all(m["line"] not in round_one for m in retried)


def test_a_budget_covers_every_round_and_a_rerun_finishes(tmp_path: Path) -> None:
    source = _write(tmp_path / "in.jsonl", _seed_rows()[:40])
    reference, out = tmp_path / "ref.jsonl", tmp_path / "out.jsonl"
    common = ["--teacher", "mock", "--rounds", "3", "-q"]
    assert run_cli("evolve", source, "-o", reference, *common).exit_code == 0
    result = run_cli(
        "evolve", source, "-o", out, "--teacher", "mock", "--rounds", "3", "--max-requests", "50"
    )
    assert result.exit_code == 3, result.output
    assert (
        "error: the --max-requests budget is spent: 50 of 50 requests sent in 2 round run(s)" in result.stderr
    )
    assert "stopped: the --max-requests budget was reached (round 2)" in result.stderr
    runs = json.loads(_side(out, "report.json").read_text())["runs"]
    assert sum(run["usage"]["requests_sent"] for run in runs) == 50
    assert run_cli("evolve", source, "-o", out, *common).exit_code == 0
    assert out.read_bytes() == reference.read_bytes()
    # a budget that round 1 uses up exactly: round 2 is not started
    exact = tmp_path / "exact.jsonl"
    result = run_cli(
        "evolve", source, "-o", exact, "--teacher", "mock", "--rounds", "3", "--max-requests", "40"
    )
    assert result.exit_code == 3, result.output
    assert "40 of 40 requests sent in 1 round run(s)" in result.stderr and "before round 2" in result.stderr
    assert [run["round"] for run in json.loads(_side(exact, "report.json").read_text())["runs"]] == [1]


def test_prompt_dir_replaces_an_operations_prompt(tmp_path: Path) -> None:
    prompts = tmp_path / "prompts"
    prompts.mkdir()
    # worded like the bundled "deepen" prompt, so the mock deepens where it was told to constrain
    (prompts / "add-constraint.txt").write_text(
        "Rewrite the task so that it asks for more depth.\n\n[Original task]\n{task}\n\n[Evolved task]\n"
    )
    source = _write(tmp_path / "in.jsonl", _seed_rows()[:30])
    out = tmp_path / "out.jsonl"
    flags = ["--teacher", "mock", "--rounds", "1", "-q", "--operations", "add-constraint"]
    result = run_cli("evolve", source, "-o", out, *flags, "--prompt-dir", prompts)
    assert result.exit_code == 0, result.output
    meta = read_jsonl(_side(out, "meta.jsonl"))
    rows = read_jsonl(out)
    seeds = read_jsonl(source)
    assert {m["operation"] for m in meta} == {"add-constraint"}
    for row, line in zip(rows, meta, strict=True):
        _assert_follows("deepen", seeds[line["line"] - 1], row)


def test_bad_input_is_one_line_and_exit_2_before_any_request(tmp_path: Path) -> None:
    good = _write(tmp_path / "good.jsonl", [{"instruction": "Explain tides to a child."}])
    out = tmp_path / "out.jsonl"
    no_placeholder = tmp_path / "prompts"
    no_placeholder.mkdir()
    (no_placeholder / "deepen.txt").write_text("Make it deeper.\n")
    cases = [
        (good, ["--rounds", "0"], "--rounds: "),
        (
            _write(tmp_path / "a.jsonl", [{"instruction": "Fine."}, {"text": "x"}]),
            [],
            "a.jsonl:2: (record): no prompt",
        ),
        (_write(tmp_path / "b.jsonl", [{"instruction": ""}]), [], "b.jsonl:1: instruction: empty"),
        (
            _write(tmp_path / "c.jsonl", [{"messages": [{"role": "user", "content": "Hi"}] * 3}]),
            [],
            "c.jsonl:1: messages: evolve rewrites single tasks",
        ),
        (good, ["--operations", "deepen,shrink"], "--operations.1: "),
        (good, ["--prompt-dir", no_placeholder, "--operations", "deepen"], "lacks the placeholder {task}"),
    ]
    for source, flags, message in cases:
        result = run_cli("evolve", source, "-o", out, "--teacher", "mock", *flags)
        assert result.exit_code == 2, (flags, result.output)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and message in lines[0] and "Traceback" not in result.output, lines
        assert not out.exists()


def test_killed_and_resumed_over_http_writes_the_same_files(tmp_path: Path, kill_and_resume: Any) -> None:
    source = _write(tmp_path / "in.jsonl", _seed_rows())
    drill = kill_and_resume("evolve", source, "--model", "m", "--rounds", "3", "-j", "4", "-q")
    reference = drill.reference()
    first_round = len(_seed_rows())  # one request per seed task
    out = drill.output("out")
    # Killed inside round 2: a row of it is written, the round's answers are not all in.
    drill.kill_after(first_round + 12, then=lambda: _in_round(_side(out, "meta.jsonl"), 2))
    drill.resume()
    assert out.read_bytes() == reference.read_bytes()
    for name in ("rejected.jsonl",):
        assert _side(out, name).read_bytes() == _side(reference, name).read_bytes()
    lineage = ("index", "request", "round", "operation", "parent", "line")
    got = [{k: m[k] for k in lineage} for m in read_jsonl(_side(out, "meta.jsonl"))]
    assert got == [{k: m[k] for k in lineage} for m in read_jsonl(_side(reference, "meta.jsonl"))]
    runs = json.loads(_side(out, "report.json").read_text())["runs"]
    assert [run["round"] for run in runs if run["stop_reason"] == "plan_done"] == [1, 2, 3]
    # the killed one, corrected by the next start (it stayed "running" in the file)
    assert [run["round"] >= 2 for run in runs if run["stop_reason"] == "killed"] == [True]


def _in_round(meta: Path, round: int) -> bool:
    """Whether the meta file has a row of ``round`` (the run is then inside that round)."""
    return meta.exists() and f'"round":{round},' in meta.read_text(encoding="utf-8")
