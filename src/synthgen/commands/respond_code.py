"""``respond --verify code``: the rows' tests and the sandbox, checked before any request, and
the code review the engine runs (:mod:`synthgen.recipes.respond_code`).

The review and the sandbox are imported when a run verifies code, not with ``respond``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from synthgen.config import RespondSettings
from synthgen.errors import InputError, UsageError
from synthgen.io.prompt_rows import PromptRow
from synthgen.verify.code_tests import BadTests, TestPlan, read_tests

if TYPE_CHECKING:
    from synthgen.engine.session import MakeReviewer
    from synthgen.recipes.respond_code import CodeReview, SandboxGrader
    from synthgen.teacher.budget import Budgets
    from synthgen.verify.sandbox import SandboxLimits

SHOWN_PROBLEMS = 20


def check_code_flags(settings: RespondSettings) -> None:
    """Code verification's own flags need it; an inline judge does not combine with it yet."""
    if settings.verify != "code":
        given = [
            f for f in ("entry_point", "exact_output", "allow_network_unsandboxed") if getattr(settings, f)
        ]
        if given:
            raise UsageError(f"--{given[0].replace('_', '-')} needs --verify code")
        return
    if settings.judge_model is not None:
        raise UsageError("--judge-model cannot be combined with --verify code yet: verify first, then judge")
    if settings.batch:
        raise UsageError("--batch with --verify code is not supported yet: answer with --batch, then verify")


def read_test_plans(settings: RespondSettings, rows: list[PromptRow]) -> list[TestPlan]:
    """Each row's tests, ready to run; InputError with ``file:line: field: problem`` per bad row."""
    plans: list[TestPlan] = []
    problems: list[str] = []
    for row in rows:
        where = f"{settings.input}:{row.line}"
        try:
            plans.append(_plan(settings, row.source or {}))
        except BadTests as exc:
            problems.append(f"{where}: {exc}")
    if problems:
        more = len(problems) - SHOWN_PROBLEMS
        raise InputError(problems[:SHOWN_PROBLEMS] + ([f"... and {more} more"] if more > 0 else []))
    return plans


def _plan(settings: RespondSettings, source: dict[str, object]) -> TestPlan:
    field = settings.tests_field
    if source.get(field) is None:
        raise BadTests(f"{field}: tests required by --verify code")
    entry_point = settings.entry_point
    where = "--entry-point"
    if entry_point is None and source.get(settings.entry_point_field) is not None:
        entry_point, where = source[settings.entry_point_field], settings.entry_point_field
        if not isinstance(entry_point, str):
            raise BadTests(f"{where}: expected a function name, got {type(entry_point).__name__}")
    try:
        return read_tests(source[field], entry_point)
    except BadTests as exc:
        suffix = f" ({where})" if entry_point is not None and "entry point" in str(exc) else ""
        raise BadTests(f"{field}{exc.path}: {exc}{suffix}") from None


def sandbox_limits(settings: RespondSettings) -> SandboxLimits:
    from synthgen.verify.sandbox import SandboxLimits

    return SandboxLimits(timeout=settings.verify_timeout)


def check_sandbox(settings: RespondSettings) -> None:
    """Stop now (exit 2) if this machine cannot isolate the samples."""
    from synthgen.verify.sandbox import probe

    probe(sandbox_limits(settings), allow_network_unsandboxed=settings.allow_network_unsandboxed)


def code_reviewer(
    settings: RespondSettings, plans: list[TestPlan], solved_rows: Callable[[], frozenset[int]]
) -> MakeReviewer:
    """The engine's review of kept answers (started in the engine's loop, before any request).
    ``solved_rows``: rows already solved in the output (first-correct, on resume)."""
    from synthgen.recipes.respond_code import CodeReview, SandboxGrader
    from synthgen.recipes.respond_tally import SampleTally
    from synthgen.verify.sandbox import SandboxPool

    limits = sandbox_limits(settings)
    workers = settings.verify_workers or len(os.sched_getaffinity(0))

    async def make_reviewer(_: Budgets) -> tuple[CodeReview, SandboxGrader]:  # the sandbox costs no tokens
        pool = SandboxPool(workers, limits, allow_network_unsandboxed=settings.allow_network_unsandboxed)
        await pool.start()
        tally = SampleTally(settings.keep, settings.samples, set(solved_rows()))
        review = CodeReview(plans, tally, exact=settings.exact_output, output_limit=limits.output_kb << 10)
        return review, SandboxGrader(pool)

    return make_reviewer
