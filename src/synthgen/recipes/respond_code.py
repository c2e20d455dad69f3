"""``respond --verify code``: each kept answer's code runs against its row's tests in the sandbox.

A review in the engine's sense (:mod:`synthgen.engine.review`): the screen keeps every usable
answer (no checker there); :class:`CodeReview` asks one sandbox run per kept row, from the
code in the answer (never its reasoning trace), and :class:`SandboxGrader` runs them in the
sandbox's pool of workers, the oldest answer first. Results come back in any order; the
engine hands the verdicts on in request order, so that a hanging sample costs its timeout
on one worker and the run's decisions do not depend on which run ended first. ``decide``
applies respond's ``--keep`` rules, pass@k and the unsolved file through the same
:class:`~synthgen.recipes.respond_tally.SampleTally` the screen's checkers use, and writes
``tests_passed``, ``tests_total``, ``first_failure`` and ``run_seconds`` to the meta line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from synthgen.engine.recipe import Request, Verdict
from synthgen.engine.snapshot import ReviewFigures
from synthgen.io.beside import SOFT_TARGETS
from synthgen.recipes.inline_judge import prompt_and_answer
from synthgen.recipes.reasoning import split_reasoning
from synthgen.recipes.respond_tally import SampleInfo, SampleTally
from synthgen.verify.code_answer import extract_code
from synthgen.verify.code_check import CodeVerdict, code_job, no_code, read_result
from synthgen.verify.code_tests import TestPlan
from synthgen.verify.sandbox import SandboxJob, SandboxPool


@dataclass(frozen=True)
class CodeRun:
    """One grade request: the sandbox job (None: the answer holds no code) and its test count."""

    job: SandboxJob | None
    plan: TestPlan


class CodeReview:
    """The review; see the module docstring. ``plans``: each input row's tests, by row."""

    # A wrong answer here failed its tests: the recipe's hint (check --verify ...) does not fit.
    stop_hints: ClassVar[Mapping[str, str]] = {
        "wrong_answer": "their code failed its tests (top reasons: {top}); look at the teacher's "
        "answers, or keep every answer with --keep all",
    }

    def __init__(self, plans: list[TestPlan], tally: SampleTally, *, exact: bool, output_limit: int) -> None:
        self.plans = plans
        self.tally = tally
        self.exact = exact
        self.output_limit = output_limit

    def requests(self, verdict: Verdict, request: Request) -> list[CodeRun]:
        info: SampleInfo = request.payload
        plan = self.plans[info.row]
        runs = []
        for row in verdict.kept:
            _, answer = prompt_and_answer(row)
            _, text = split_reasoning(answer, None)  # an inline trace is never run
            code = extract_code(text)
            job = (
                None
                if code is None
                else code_job(code, plan, exact=self.exact, output_limit=self.output_limit)
            )
            runs.append(CodeRun(job, plan))
        return runs

    def decide(self, verdict: Verdict, grades: list[CodeVerdict], request: Request) -> Verdict:
        info: SampleInfo = request.payload
        rows, verdict.kept = verdict.kept, []
        for row, result in zip(rows, grades, strict=True):
            _count(verdict, result)
            reason = self.tally.judge(info, result.correct, verdict)
            verdict.meta.update(result.meta())
            if reason is None:
                verdict.kept.append(row)
                self.tally.kept(info, result.correct)
            else:
                verdict.rejected[reason] += 1
        if not verdict.kept:  # the soft targets of an answer go with it
            verdict.side = [(name, side) for name, side in verdict.side if name != SOFT_TARGETS]
        if info.last:
            self.tally.finish_row(info, verdict)
        return verdict


def _count(verdict: Verdict, result: CodeVerdict) -> None:
    """The report's figures of code runs (summed over the run)."""
    metrics = verdict.metrics
    metrics["code_runs"] += 1
    metrics[f"code_{result.status}"] += 1
    metrics["code_run_seconds_sum"] += result.seconds


class SandboxGrader:
    """Runs :class:`CodeRun` s in a started :class:`SandboxPool`; the grade is a :class:`CodeVerdict`."""

    def __init__(self, pool: SandboxPool) -> None:
        self.pool = pool
        self.passed = 0

    async def grade(self, run: CodeRun, priority: int) -> CodeVerdict:
        if run.job is None:
            return no_code(run.plan)
        result = read_result(await self.pool.run(run.job, priority), run.plan.total)
        self.passed += result.correct
        return result

    def figures(self, waiting: int) -> ReviewFigures:
        stats = self.pool.stats
        rate = f"{self.passed / stats.done:.0%}" if stats.done else "-"
        line = (
            f"{stats.running} running  {stats.done} done  {rate} passed  {stats.timeouts} timed out  "
            f"{waiting} answers awaiting results"
        )
        plain = {"code_runs": stats.done, "code_running": stats.running, "code_passed": rate,
                 "code_timeouts": stats.timeouts, "under_review": waiting}  # fmt: skip
        return ReviewFigures("code", line, plain)

    async def aclose(self) -> None:
        await self.pool.aclose()
