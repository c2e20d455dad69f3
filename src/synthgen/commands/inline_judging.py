"""``--judge-model``: the judge of ``generate`` and ``respond``, built from their settings.

The judge is a second teacher: its own model, endpoints, key and concurrency, its own usage
in the report (``judge_usage``). The budgets (``--max-requests``, ``--max-total-tokens``,
``--max-cost``) hold for both teachers together: the judge reserves against the command's one
:class:`Budgets` (engine/stages.py), so the run never spends more than asked, whichever of the
two spends it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from synthgen.commands.teachers import TeacherSpec, build_teacher, new_meter, resolve_teacher
from synthgen.config import RespondSettings, Settings
from synthgen.engine.review import TeacherGrader
from synthgen.io.files import text_digest
from synthgen.recipes.inline_judge import InlineJudge
from synthgen.recipes.judgement import load_judge_template
from synthgen.teacher.dispatch import Budgets, UsageMeter


@dataclass(frozen=True)
class InlineJudging:
    """What a command adds to its engine job when rows are judged as they are kept."""

    review: InlineJudge
    judge: TeacherSpec  # the second teacher (--batch sends its grades through its own batches)
    meter: UsageMeter
    resolved: dict[str, Any]  # the judge's part of the fingerprint the settings cannot give

    async def make_reviewer(self, budgets: Budgets) -> tuple[InlineJudge, TeacherGrader]:
        """The engine's review and its grader, reserving against the command's ``budgets``."""
        teacher = build_teacher(self.judge, self.meter, budgets)
        return self.review, TeacherGrader(teacher, self.review.validate)


def inline_judging(settings: Settings | RespondSettings, teacher: TeacherSpec) -> InlineJudging | None:
    """The judge of a run whose teacher is ``teacher``, or None without ``--judge-model``. Bad
    input fails here, before any request (an unreadable prompt, a missing key)."""
    if settings.judge_model is None:
        return None
    template = load_judge_template(settings.judge_prompt)
    judge_options = settings.model_copy(
        update={
            "teacher": "openai" if settings.judge_base_url else teacher.kind,
            "model": settings.judge_model,
            "base_url": settings.judge_base_url or settings.base_url,
            "api_key_env": settings.judge_api_key_env or settings.api_key_env,
            "concurrency": settings.judge_concurrency or settings.concurrency,
            "temperature": settings.judge_temperature,
            "top_p": 1.0,
            "max_tokens": settings.judge_max_tokens,
        }
    )
    judge = resolve_teacher(judge_options)  # a missing key fails now, not after the first answers
    review = InlineJudge(template, settings.min_score, settings.judge_structured)
    return InlineJudging(review, judge, new_meter(settings), {"judge_prompt": text_digest(template.text)})
