"""The run report (``<output>.report.json``, shaped by :mod:`synthgen.reports`): counts, usage,
config, and the history of runs.

Every candidate parsed from an answer is counted exactly once::

    candidates == kept + sum(rejected) + duplicates_exact + duplicates_similar + unused_after_target
"""

from __future__ import annotations

import resource
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from synthgen import __version__
from synthgen.engine.recipe import Verdict
from synthgen.engine.stop import STOP_MESSAGES
from synthgen.reports import (
    BatchFigures,
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
    """What happened to requests and candidates in this run."""

    requests: int = 0  # answers judged (used); later ones are answers_after_target
    answers_after_target: int = 0  # arrived once the target was met: parsed, nothing kept
    answers_unscreened: int = 0  # arrived behind a request cancelled at the stop
    cached_responses: int = 0
    failed_requests: int = 0
    unparseable_responses: int = 0
    candidates: int = 0
    truncated_dropped: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    duplicates_exact: int = 0
    duplicates_similar: int = 0
    unused_after_target: int = 0
    kept: int = 0
    metrics: Counter[str] = field(default_factory=Counter)  # recipe figures (e.g. pass@k sums)

    def add(self, verdict: Verdict, *, cached: bool) -> None:
        """Count one screened answer."""
        if verdict.after_target:
            self.answers_after_target += 1
        else:
            self.requests += 1
        self.cached_responses += cached
        self.candidates += verdict.candidates
        self.truncated_dropped += verdict.truncated_dropped
        self.unparseable_responses += verdict.unparseable and not verdict.after_target
        self.rejected.update(verdict.rejected)
        self.duplicates_exact += verdict.duplicates_exact
        self.duplicates_similar += verdict.duplicates_similar
        self.unused_after_target += verdict.unused_after_target
        self.kept += verdict.counted_rows
        self.metrics.update(verdict.metrics)


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
        counts=CountFigures(
            **{**asdict(counts), "rejected": dict(counts.rejected), "metrics": dict(counts.metrics)}
        ),
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


def summary_text(report: RunReport, *, output: str) -> str:
    """A few lines for the end of a run (the CLI prints them)."""
    run = report.last_run
    c, u = run.counts, run.usage
    rejected = ", ".join(f"{k} {v}" for k, v in sorted(c.rejected.items())) or "none"
    cost = "" if u.cost_usd is None else f", cost ${u.cost_usd:.4f}"
    lines = [
        f"synthgen: kept {c.kept} new examples; {report.examples} in {output} ({run.wall_seconds:.1f} s)",
        f"  requests: {u.requests_sent} sent, {c.cached_responses} from cache, "
        f"{u.retries} retries, {c.failed_requests} failed",
        f"  tokens: {u.prompt_tokens:,} in, {u.completion_tokens:,} out{cost}",
        f"  candidates: {c.candidates} parsed ({c.unparseable_responses} responses unparseable, "
        f"{c.truncated_dropped} cut off); rejected: {rejected}",
    ]
    if c.duplicates_exact or c.duplicates_similar or c.unused_after_target:
        lines.append(
            f"  duplicates: {c.duplicates_exact} exact, {c.duplicates_similar} similar (ROUGE-L); "
            f"{c.unused_after_target} left unused once the target was met"
        )
    lines += _metric_lines(c.metrics)
    if run.judge_usage is not None:
        lines.append(_judge_usage_line(run.judge_usage))
    if run.batch is not None and run.batch.model_fields_set:
        lines.append(_batch_line(run.batch))
    lines.append(f"  stopped: {STOP_MESSAGES.get(run.stop_reason, run.stop_reason)}")
    return "\n".join(lines)


CODE_STATUSES = ("passed", "failed", "timeout", "output_limit", "crashed", "no_code", "sandbox_error")


def _batch_line(batch: BatchFigures) -> str:
    """``--batch``: answers collected so far, what this run submitted, what is still pending."""
    submitted = ", ".join(str(b) for b in batch.submitted) or "none"
    return (
        f"  batch: {batch.answered_by_batches} answers collected; submitted "
        f"{batch.submitted_requests} requests ({submitted}); {len(batch.pending)} batch(es) pending"
    )


def _metric_lines(metrics: dict[str, int | float]) -> list[str]:
    """Recipe figures worth a line: verification (pass@k) and reasoning tokens."""
    lines = []
    rows = metrics.get("rows_verified")
    if rows:
        passes = sorted((k for k in metrics if k.startswith("pass@") and k.endswith("_sum")), key=_pass_k)
        rates = ", ".join(f"{k[: -len('_sum')]} {metrics[k] / rows:.3f}" for k in passes)
        unsolved = int(metrics.get("rows_unsolved", 0))
        lines.append(f"  verified: {int(rows)} rows, {rates}; {unsolved} rows with no correct answer")
    lines += _code_lines(metrics)
    graded = int(metrics.get("judged", 0))
    if graded or metrics.get("unjudged"):
        mean = f", mean score {metrics.get('score_sum', 0) / graded:.2f}" if graded else ""
        lines.append(
            f"  graded: {graded} rows{mean}; {int(metrics.get('unjudged', 0))} replies held no score"
        )
    if metrics.get("reasoning_tokens"):
        lines.append(
            f"  reasoning: ~{int(metrics['reasoning_tokens']):,} trace tokens, "
            f"~{int(metrics.get('answer_tokens', 0)):,} answer tokens (estimated)"
        )
    return lines


def _code_lines(metrics: dict[str, int | float]) -> list[str]:
    """respond --verify code: how the sandbox runs ended (``code_<status>`` counts)."""
    runs = int(metrics.get("code_runs", 0))
    if not runs:
        return []
    ends = {k[len("code_") :]: int(v) for k, v in metrics.items() if k.startswith("code_") and v}
    shown = ", ".join(f"{ends[s]} {s.replace('_', ' ')}" for s in CODE_STATUSES if s in ends)
    mean = metrics.get("code_run_seconds_sum", 0) / runs
    return [f"  code: {runs} runs ({shown}); {mean:.3f} s per run"]


def _judge_usage_line(usage: UsageFigures) -> str:
    cost = "" if usage.cost_usd is None else f", cost ${usage.cost_usd:.4f}"
    return (
        f"  judge: {usage.requests_sent} requests sent, {usage.retries} retries; "
        f"tokens: {usage.prompt_tokens:,} in, {usage.completion_tokens:,} out{cost}"
    )


def _pass_k(name: str) -> int:
    return int(name[len("pass@") : -len("_sum")])
