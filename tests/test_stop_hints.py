"""When a run's answers stop bringing rows, the stop names the cause in the recipe's own words:
the hint of one recipe never names another's options."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from conftest import read_jsonl, run_cli
from synthgen.engine.recipe import StopHints, Verdict
from synthgen.engine.stop import BarrenStreak
from synthgen.recipes.inline_judge import STOP_HINTS as JUDGE_HINTS
from synthgen.recipes.respond import STOP_HINTS as RESPOND_HINTS
from synthgen.recipes.self_instruct import STOP_HINTS as GENERATE_HINTS
from synthgen.recipes.self_instruct import TALLY as GENERATE_TALLY

MATH = Path(__file__).parents[1] / "seeds" / "math_word_problems.jsonl"


def test_respond_against_an_always_wrong_teacher_says_what_respond_can_change(
    tmp_path: Path, mock_server: Any
) -> None:
    server = mock_server("--wrong-answer-rate", "1")
    source = tmp_path / "math.jsonl"
    source.write_text("".join(json.dumps(row) + "\n" for row in read_jsonl(MATH)[:80]), encoding="utf-8")
    result = run_cli(
        "respond", source, "--base-url", server.url, "--model", "m", "-o", tmp_path / "out.jsonl",
        "--verify", "math", "--no-cache", "-j", "4", "-q",
    )  # fmt: skip
    assert result.exit_code == 3, result.output
    [line] = result.stderr.splitlines()
    assert "brought no new example" in line and "wrong_answer" in line, line
    assert "--verify" in line and "--keep all" in line
    assert "--min-instruction-words" not in line and "--blocklist" not in line


def _streak(**verdict: Any) -> BarrenStreak:
    streak = BarrenStreak(limit=4, tally=GENERATE_TALLY)
    for _ in range(4):
        streak.update(Verdict(**verdict), "1. not a list")
    return streak


def test_each_kind_of_streak_gets_the_recipes_hint() -> None:
    unreadable = _streak(counts=Counter(unparseable_responses=1)).explain(GENERATE_HINTS)
    assert unreadable == (
        "the last 4 answers brought no new example: 4 could not be parsed as a numbered task list "
        "(a sample: '1. not a list'); check the teacher's answers and the --prompt template"
    )
    filtered = _streak(rejected={"too_short": 1}).explain(GENERATE_HINTS)
    assert filtered.endswith("their tasks were filtered out (top reasons: too_short 4); check the "
                             "filter options (--min-instruction-words, --blocklist, ...)")  # fmt: skip
    repeated = _streak(counts=Counter(duplicates_similar=2)).explain(GENERATE_HINTS)
    assert repeated.endswith(": 8 tasks were duplicates of kept ones; try other seeds, a higher "
                             "--temperature or a higher --similarity-threshold")  # fmt: skip
    wrong = _streak(rejected={"wrong_answer": 1}).explain(RESPOND_HINTS)
    assert "did not match the references" in wrong and "--min-instruction-words" not in wrong
    judged = _streak(rejected={"low_score": 1}).explain(RESPOND_HINTS.with_reasons(JUDGE_HINTS))
    assert "the judge turned their rows away" in judged and "--min-score" in judged


def test_a_streak_of_answers_that_brought_nothing_countable_is_explained() -> None:
    """(e.g. grades with no score on a group's earlier answers: no rejection, no duplicate)"""
    assert _streak().explain(StopHints()) == (
        "the last 4 answers brought no new example: 4 could not be read "
        "(a sample: '1. not a list'); check the teacher's answers"
    )
