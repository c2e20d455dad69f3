"""The judge's grade parser, its prompt template, and the mock judge's rule."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from synthgen.errors import InputError
from synthgen.mock.judge import NO_SCORE_MARKER, judge_reply, judged_answer, mock_score
from synthgen.mock.teacher import mock_answer
from synthgen.recipes.judgement import RESPONSE_FORMAT, load_judge_template, parse_judgement
from synthgen.recipes.verdict import asked_formats

PARSES = [
    ("Accurate and complete.\nScore: 8", 8, "Accurate and complete."),
    ("Clear.\n\n**Rating:** 7/10", 7, "Clear."),
    ("**Score**: 9", 9, ""),
    ("Final score: 6 out of 10", 6, ""),
    ("I would give this answer 5 out of 10. It misses the input.", 5, "It misses the input."),
    ("Too thin. [[3]]", 3, "Too thin."),
    ('{"reason": "Solid.", "score": 9}', 9, "Solid."),
    ('Here you go:\n```json\n{"score": "4", "explanation": "Thin."}\n```', 4, "Thin."),
    ('{"Rating": 7.0, "Justification": "ok"}', 7, "ok"),
    ("The score is 7.5", 7, ""),  # half points round down: never over --min-score by a half
    ("<think>Maybe Score: 2?</think>\nGood overall. Score: 9", 9, "Good overall."),  # trace ignored
    ("It says 10/10 in places, but overall: Score: 4", 4, None),  # the labelled score wins
    ("Score: 6\nOn reflection: Score: 7", 7, None),  # the last verdict wins
    # numbers in the reasoning, quoted data and drafts do not beat the verdict (issue 22)
    ("It would earn a score of 6 for clarity, but every step is right.\nScore: 8", 8, None),
    ("Fine for grade 5 students.\nScore: 9", 9, None),
    ('The answer returns {"score": 3, "name": "lamp"}, valid JSON.\nScore: 8', 8, None),
    ("About 1/10 of the text repeats the question.\nScore: 7", 7, None),
    ("My first impression was Rating: 4, but it holds up. Overall 8 out of 10.", 8, None),
    ("Rating: 8. About 1/10 of the text repeats the question.", 8, None),
    ("Feedback: Correct and brief. [RESULT] 6", 6, "Feedback: Correct and brief."),
    ('```json\n{"score": 5, "explanation": "Thin."}\n```', 5, "Thin."),
    ("Score: 8.5/10", 8, None),
]
NO_SCORE = [
    "",
    "A fine answer, well written.",
    "Score: 0",
    "Score: 11",
    "Rating: N",
    '{"reason": "no number", "score": null}',
    '{"reason": "x", "score": true}',
]


@pytest.mark.parametrize(("reply", "score", "reason"), PARSES)
def test_parses_scores_in_the_forms_judges_write(reply: str, score: int, reason: str | None) -> None:
    judgement = parse_judgement(reply)
    assert judgement is not None and judgement.score == score
    if reason is not None:
        assert judgement.reason == reason


@pytest.mark.parametrize(
    ("template", "asked"),
    [
        (load_judge_template(None).text, ("label:score",)),
        ('rate it by strictly following this format: "[[rating]]", for example: "Rating: [[5]]"',
         ("brackets", "label:rating")),
        ("Feedback: (write feedback) [RESULT] (an integer from 1 to 10)", ("result",)),
        ("Grade the answer.", ("label:score",)),
    ],
)  # fmt: skip
def test_the_formats_a_judge_prompt_asks_for(template: str, asked: tuple[str, ...]) -> None:
    assert asked_formats(template) == asked


@pytest.mark.parametrize(
    ("reply", "asked", "score"),
    [
        # the format the prompt asked for wins over a later one it did not ask for
        ("Rating: [[8]]\nScore: 3 for style", ("brackets",), 8),
        ("Rating: [[8]]\nScore: 3 for style", ("label:score",), 3),
        ("Score: 2 was my draft. [RESULT] 9", ("result",), 9),
        # structured output first, whatever was asked
        ('{"reason": "Rating: [[2]] at first", "score": 7}', ("brackets",), 7),
    ],
)
def test_the_format_the_prompt_asked_for_wins(reply: str, asked: tuple[str, ...], score: int) -> None:
    judgement = parse_judgement(reply, asked)
    assert judgement is not None and judgement.score == score


@pytest.mark.parametrize("reply", NO_SCORE)
def test_a_reply_without_a_valid_score_is_none(reply: str) -> None:
    assert parse_judgement(reply) is None


def test_the_response_format_is_a_strict_json_schema_with_the_reason_first() -> None:
    schema = RESPONSE_FORMAT["json_schema"]["schema"]
    assert RESPONSE_FORMAT["type"] == "json_schema" and RESPONSE_FORMAT["json_schema"]["strict"] is True
    assert list(schema["properties"]) == ["reason", "score"]
    assert schema["required"] == ["reason", "score"] and schema["additionalProperties"] is False


def test_template_fills_placeholders_once_and_requires_both(tmp_path: Path) -> None:
    template = load_judge_template(None)
    prompt = [{"role": "user", "content": "Say {answer} literally."}]
    content = template.messages(prompt, "An answer with {prompt} in it.")[0]["content"]
    assert "Say {answer} literally." in content and "An answer with {prompt} in it." in content
    chat = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]
    assert "system: Be brief.\n\nuser: Hi" in template.messages(chat, "Hello")[0]["content"]
    bad = tmp_path / "judge.txt"
    bad.write_text("Grade this: {answer}")
    with pytest.raises(InputError, match="lacks the placeholder \\{prompt\\}"):
        load_judge_template(bad)
    with pytest.raises(InputError, match="not found"):
        load_judge_template(tmp_path / "missing.txt")


def _words(n: int) -> str:
    return " ".join(["word"] * n)


@pytest.mark.parametrize(
    ("answer", "score"),
    [
        ("", 1),
        ("I'm sorry, but I cannot help with that request.", 1),
        (_words(5), 1),
        (_words(6), 2),
        (_words(29), 5),
        (_words(54), 10),
        (_words(500), 10),
        ("<think>" + _words(100) + "</think>" + _words(12), 3),  # the trace is not counted
        (_words(40) + " " + NO_SCORE_MARKER, None),
    ],
)
def test_mock_judge_scores_by_length_refusals_low(answer: str, score: int | None) -> None:
    assert mock_score(answer) == score


def test_mock_judge_answers_json_when_asked_and_text_styles_otherwise() -> None:
    answer = _words(30)
    as_json = json.loads(judge_reply(answer, json_mode=True, rng=random.Random(0)))
    assert set(as_json) == {"reason", "score"} and as_json["score"] == 6
    replies = {judge_reply(answer, json_mode=False, rng=random.Random(seed)) for seed in range(40)}
    assert len(replies) == 4  # every text style shows up
    assert all(parse_judgement(reply).score == 6 for reply in replies)  # type: ignore[union-attr]


def test_the_mock_judges_only_prompts_that_show_an_answer() -> None:
    content = load_judge_template(None).messages([{"role": "user", "content": "Q?"}], _words(12))[0][
        "content"
    ]
    assert judged_answer(content) == _words(12)
    reply = mock_answer(content, seed=0).content
    assert parse_judgement(reply).score == 3  # type: ignore[union-attr]
    assert judged_answer("Explain <answer> tags in HTML.") is None
    assert judged_answer("Please write 20 tasks.") is None
