"""The lines a run ends with (``synthgen: kept N new examples ...``), read off its run report.

Here, beside the CLI that prints them, because they speak every recipe's language (generate's
duplicates, respond's pass@k and code runs, the inline judge's grades); the engine only counts.
"""

from __future__ import annotations

from synthgen.engine.stop import STOP_MESSAGES
from synthgen.reports import BatchFigures, RunReport, UsageFigures


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
