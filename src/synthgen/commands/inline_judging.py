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
from synthgen.engine.session import MakeReviewer
from synthgen.errors import UsageError
from synthgen.io.files import text_digest
from synthgen.recipes.inline_judge import InlineJudge
from synthgen.recipes.judgement import load_judge_template
from synthgen.teacher.dispatch import Budgets, UsageMeter


@dataclass(frozen=True)
class InlineJudging:
    """What a command adds to its engine job when rows are judged as they are kept."""

    make_reviewer: MakeReviewer
    meter: UsageMeter
    resolved: dict[str, Any]  # the judge's part of the fingerprint the settings cannot give


def inline_judging(settings: Settings | RespondSettings, teacher: TeacherSpec) -> InlineJudging | None:
    """The judge of a run whose teacher is ``teacher``, or None without ``--judge-model``. Bad
    input fails here, before any request (an unreadable prompt, a missing key)."""
    if settings.judge_model is None:
        return None
    if settings.batch:
        raise UsageError(
            "--batch with --judge-model is not supported yet: judge afterwards with synthgen judge --batch"
        )
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
    meter = new_meter(settings)
    review = InlineJudge(template, settings.min_score, settings.judge_structured)

    async def make_reviewer(budgets: Budgets) -> tuple[InlineJudge, TeacherGrader]:
        return review, TeacherGrader(build_teacher(judge, meter, budgets), review.validate)

    return InlineJudging(make_reviewer, meter, {"judge_prompt": text_digest(template.text)})
