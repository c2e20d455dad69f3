"""A regression set for reading a judge's grade, written here from the verdict formats judges are
asked for (no other project's data).

- MT-Bench's single-answer grading (Zheng et al. 2023, "Judging LLM-as-a-Judge with MT-Bench and
  Chatbot Arena"): the rating "by strictly following this format: "[[rating]]", for example:
  "Rating: [[5]]"".
- synthgen's own ``prompts/judge.txt``: a last line ``Score: N``; chat judges also write
  ``**Rating:** 7/10``, ``Final score: 7``, "7 out of 10".
- Prometheus (Kim et al. 2023): "Feedback: ... [RESULT] N".
- Structured output (OpenAI's ``json_schema`` response format, vLLM's guided decoding): the whole
  reply is ``{"reason": ..., "score": N}``; some judges fence it in ```` ```json ````.

Traps from issue 22: numbers in the reasoning ("a score of 6 for clarity", "grade 5 students",
"1/10 of the text", "3 of 10 steps"), a JSON object quoted from the judged answer, an earlier
draft rating, all before the final verdict. Half points ("Score: 7.5") are read as the whole
number below (see synthgen/recipes/judgement.py); replies with no grade must give none.
"""

from __future__ import annotations

import random

from verify_cases import Case

REASONS = [
    "The answer explains the idea at a grade 5 level, which suits the request.",
    "It would earn a score of 6 for clarity alone, but the steps are all correct.",
    "About 1/10 of the text repeats the question; the rest is on point.",
    "Only 3 of 10 steps are explained in detail, yet none is wrong.",
    'The answer returns {"score": 3, "name": "lamp"} as asked, which is valid JSON.',
    "In 2023 terms the facts are current; the code runs on Python 3.11.",
    "My first impression was Rating: 4, but on a second read the reasoning holds up.",
    "The list has 7 items out of the 10 requested.",
]

FORMATS = {  # (the format a template asks for, the reply), {N}: the grade
    "mt_bench": ("brackets", "{why}\n\nRating: [[{N}]]"),
    "mt_bench_bare": ("brackets", "{why} [[{N}]]"),
    "score_line": ("labelled", "{why}\nScore: {N}"),
    "score_out_of": ("labelled", "{why}\n\nScore: {N}/10"),
    "bold_rating": ("labelled", "{why}\n\n**Rating:** {N}/10"),
    "final_score": ("labelled", "{why}\nFinal score: {N}"),
    "markdown_heading": ("labelled", "### Evaluation\n{why}\n\n### Score: {N}"),
    "prometheus": ("result", "Feedback: {why} [RESULT] {N}"),
    "json_whole": ("labelled", '{{"reason": "{plain}", "score": {N}}}'),
    "json_fenced": ("labelled", '```json\n{{"score": {N}, "explanation": "{plain}"}}\n```'),
    "out_of_ten": ("labelled", "{why} Overall I would give this answer {N} out of 10."),
}
NO_GRADE = [
    "{why} I would rather not put a number on it.",
    "{why}\nScore: N/A",
    "{why}\nRating: [[?]]",
]


def cases(seed: int = 22, count: int = 1500) -> list[Case]:
    """Integer verdicts (``expected`` True, ``reference`` the grade), half points, and replies with
    no grade (``expected`` False); ``family`` holds the format the template asked for."""
    rng = random.Random(seed)
    found = []
    for _ in range(count):
        form = rng.choice(sorted(FORMATS))
        asked, template = FORMATS[form]
        grade = rng.randint(1, 10)
        why = " ".join(rng.sample(REASONS, rng.randint(1, 3)))
        plain = why.replace('"', "'")
        text = template.format(why=why, plain=plain, N=grade)
        found.append(Case(text, str(grade), True, form, asked))
    # a draft grade followed by a refusal to grade is read as the draft (nothing tells them
    # apart), so replies with no grade are written without the draft-rating reason
    undrafted = [r for r in REASONS if "impression" not in r]
    for _ in range(count // 10):
        grade = rng.randint(1, 9)
        why = " ".join(rng.sample(undrafted, 2))
        found.append(Case(f"{why}\nScore: {grade}.5", str(grade), True, "half_point", "labelled"))
        found.append(Case(rng.choice(NO_GRADE).format(why=why), "", False, "no_grade", "labelled"))
    return found
