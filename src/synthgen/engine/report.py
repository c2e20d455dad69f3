"""The run report (``<output>.report.json``, shaped by :mod:`synthgen.reports`): counts, usage,
config, and the history of runs.

Every candidate parsed from an answer is counted exactly once::

    candidates == kept + sum(rejected) + the recipe's duplicates (its Tally) + unused_after_target
"""

from __future__ import annotations

import resource
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from synthgen import __version__
from synthgen.engine.recipe import Tally, Verdict
from synthgen.reports import (
    CountFigures,
    ModelFigures,
    RunEntry,
    RunReport,
    TeacherInfo,
    UsageFigures,
)
from synthgen.teacher.dispatch import UsageMeter


@dataclass
class Counts:
    """What happened to requests and candidates in this run; ``tallied``: the recipe's own
    counts by name (its :class:`Tally`)."""

    tally: Tally = field(default_factory=Tally)
    requests: int = 0  # answers judged (used); later ones are answers_after_target
    answers_after_target: int = 0  # arrived once the target was met: parsed, nothing kept
    answers_unscreened: int = 0  # arrived behind a request cancelled at the stop
    cached_responses: int = 0
    failed_requests: int = 0
    candidates: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    unused_after_target: int = 0
    kept: int = 0
    metrics: Counter[str] = field(default_factory=Counter)  # recipe figures (e.g. pass@k sums)
    tallied: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.tallied.update(self.tally.zeros())

    def add(self, verdict: Verdict, *, cached: bool) -> None:
        """Count one screened answer."""
        if verdict.after_target:
            self.answers_after_target += 1
        else:
            self.requests += 1
        self.cached_responses += cached
        self.candidates += verdict.candidates
        self.rejected.update(verdict.rejected)
        skip = self.tally.unreadable if verdict.after_target else None  # (it counts answers judged)
        self.tallied.update({name: n for name, n in verdict.counts.items() if name != skip})
        self.unused_after_target += verdict.unused_after_target
        self.kept += verdict.counted_rows
        self.metrics.update(verdict.metrics)

    def figures(self) -> CountFigures:
        """As the report has them: the recipe's counts beside the engine's."""
        own = {
            name: getattr(self, name)
            for name in ("requests", "answers_after_target", "answers_unscreened", "cached_responses",
                         "failed_requests", "candidates", "unused_after_target", "kept")
        }  # fmt: skip
        return CountFigures(**own, **self.tallied, rejected=dict(self.rejected), metrics=dict(self.metrics))


def _cpu_seconds() -> dict[str, float]:
    """User + system CPU of this process and of its finished children (the screening worker).

    Children count once they have been waited for, so only the final report has the worker's.
    """
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "main": round(own.ru_utime + own.ru_stime, 3),
        "screening_worker": round(children.ru_utime + children.ru_stime, 3),
    }


def correct_killed_run(previous: RunReport | None, rows_now: int) -> RunReport | None:
    """The previous report, its last run marked ``killed`` if it never finished.

    A run writes a ``running`` report when it starts and its final one when it ends; a run
    killed in between (kill -9, power loss) leaves ``running`` with nothing counted. What it
    kept is known from the file: the rows now, less the rows when it started.
    """
    if previous is None or previous.last_run.stop_reason != "running":
        return previous
    counts = previous.last_run.counts.model_copy(update={"kept": max(0, rows_now - previous.examples)})
    killed = previous.last_run.model_copy(
        update={"stop_reason": "killed", "exit_code": None, "counts": counts}
    )
    runs = [*previous.runs[:-1], killed]
    return previous.model_copy(update={"examples": rows_now, "last_run": killed, "runs": runs})


def build_report(
    *,
    output: str,
    teacher: dict[str, Any],
    config: dict[str, Any],
    counts: Counts,
    meter: UsageMeter,
    config_hash: str,
    content_config: dict[str, Any],
    started: float,
    stop_reason: str,
    exit_code: int | None,
    total_examples: int,
    previous: RunReport | None,
    run_info: dict[str, Any] | None = None,
    review_meter: UsageMeter | None = None,
) -> RunReport:
    """The report; earlier runs on the same output are kept in ``runs``.

    ``run_info`` labels this run in the history (e.g. evolve's round); ``review_meter`` is the
    usage of an inline judge (``judge_usage``).
    """
    this_run = RunEntry(
        **(run_info or {}),
        started_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        wall_seconds=round(time.time() - started, 3),
        stop_reason=stop_reason,
        exit_code=exit_code,
        counts=counts.figures(),
        usage=usage_figures(meter),
        judge_usage=None if review_meter is None else usage_figures(review_meter),
        cpu_seconds=_cpu_seconds(),
        synthgen_version=__version__,
    )
    return RunReport(
        synthgen_version=__version__,
        output=output,
        examples=total_examples,
        teacher=TeacherInfo(**teacher),
        config_hash=config_hash,
        content_config=content_config,
        config=config,
        last_run=this_run,
        runs=[*(previous.runs if previous else []), this_run],
    )


def usage_figures(meter: UsageMeter) -> UsageFigures:
    """A meter's figures for the report."""
    cost = meter.cost()
    return UsageFigures(
        requests_sent=meter.requests_sent,
        retries=meter.retries,
        failures_by_kind=dict(meter.failures_by_kind),
        by_model={m: ModelFigures(**asdict(u)) for m, u in meter.by_model.items()},
        total_tokens=meter.total_tokens,
        max_in_flight=meter.max_in_flight,
        in_flight_limit_final=round(meter.in_flight_limit, 2),
        cost_usd=None if cost is None else round(cost, 6),
        unsettled_attempts=meter.unsettled_attempts,
        unsettled_tokens=meter.unsettled_tokens,
        unsettled_cost_usd=round(meter.unsettled_cost, 6),
    )
