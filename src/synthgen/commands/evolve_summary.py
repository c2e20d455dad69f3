"""The end of ``synthgen evolve`` in a few lines (the CLI prints them): one per round, then totals."""

from __future__ import annotations

from typing import Any

from synthgen.commands.evolve import EvolveResult, RoundOutcome
from synthgen.engine.stop import STOP_MESSAGES


def evolve_summary(outcome: EvolveResult, *, output: str) -> str:
    runs = [r.session.report.last_run for r in outcome.rounds if r.session and r.session.report]
    kept = sum(run.counts.kept for run in runs)
    wall = sum(run.wall_seconds for run in runs)
    if runs:
        head = f"synthgen: evolve kept {kept} new rows; {outcome.examples} in {output} ({wall:.1f} s)"
    else:
        head = f"synthgen: evolve: nothing to do; {outcome.examples} rows in {output}"
    lines = [head]
    lines += [f"  {_round_line(r)}" for r in outcome.rounds]
    if runs:
        sent = sum(run.usage.requests_sent for run in runs)
        cached = sum(run.counts.cached_responses for run in runs)
        retries = sum(run.usage.retries for run in runs)
        failed = sum(run.counts.failed_requests for run in runs)
        tokens = sum(run.usage.total_tokens for run in runs)
        lines.append(
            f"  requests: {sent} sent, {cached} from cache, {retries} retries, {failed} failed; "
            f"tokens: {tokens:,}"
        )
    lines.append(f"  stopped: {stop_message(outcome)}")
    return "\n".join(lines)


def _round_line(outcome: RoundOutcome) -> str:
    parents = f"{outcome.parents} parent" + ("" if outcome.parents == 1 else "s")
    head = f"round {outcome.round}: {parents} -> {outcome.kept} kept"
    if outcome.session is None:
        return f"{head} (finished by an earlier run)"
    if outcome.session.report is None:
        return head
    counts = outcome.session.report.last_run.counts
    rejected = ", ".join(f"{k} {v}" for k, v in sorted(counts.rejected.items())) or "none"
    return (
        f"{head}; rejected: {rejected}; duplicates: {counts.duplicates_exact} exact, "
        f"{counts.duplicates_similar} similar (ROUGE-L)"
    )


def stop_message(outcome: EvolveResult) -> str:
    if outcome.stop == "plan_done":
        done = len(outcome.rounds)
        if done < outcome.wanted:
            return f"round {done} kept no task to evolve further (asked for {outcome.wanted} rounds)"
        return f"all {done} rounds done"
    message = STOP_MESSAGES.get(outcome.stop, outcome.stop)
    if outcome.before_round is not None:
        return f"{message}, before round {outcome.before_round}"
    return f"{message} (round {len(outcome.rounds)})"


def summary_fields(outcome: EvolveResult) -> dict[str, Any]:
    """The summary as fields of one JSON log line."""
    return {
        "examples": outcome.examples,
        "exit_code": outcome.exit_code,
        "stop_reason": outcome.stop,
        "rounds": [{"round": r.round, "parents": r.parents, "kept": r.kept} for r in outcome.rounds],
    }
