"""``synthgen stats`` on the terminal: the figures of :mod:`synthgen.stats.compute` as plain text."""

from __future__ import annotations

from typing import Any

# How the heuristic chart is made, said wherever it is shown (a guess, not a parse).
HEURISTIC_NOTE = (
    "heuristic: the first word when it is a listed instruction verb; names and prepositions are not"
)


def _pct(share: float) -> str:
    return f"{100 * share:.1f}%"


def _length_line(name: str, figures: dict[str, Any]) -> list[str]:
    lines = []
    for unit in ("words", "tokens"):
        s = figures[unit]
        if s["median"] is None:
            lines.append(f"  {name:<12} {unit:<7} (none)")
            continue
        lines.append(
            f"  {name:<12} {unit:<7} min {s['min']:>5}  median {s['median']:>7g}  mean {s['mean']:>8g}"
            f"  p90 {s['p90']:>7g}  max {s['max']:>6}"
        )
    return lines


def _histogram_line(name: str, figures: dict[str, Any]) -> str:
    if figures["mean"] is None:
        return f"  {name}: no rows to compare"
    peak = max(figures["counts"]) or 1
    bars = "".join(" ▁▂▃▄▅▆▇█"[round(8 * c / peak)] for c in figures["counts"])
    return f"  {name:<18} mean {figures['mean']:.3f}  median {figures['median']:.3f}  0 |{bars}| 1"


def render_text(stats: dict[str, Any]) -> str:
    """Several short sections of aligned text (no colour codes: safe to pipe)."""
    out = [f"{stats['file']}: {stats['rows']:,} rows ({stats['shape']})"]
    if stats["torn"]:
        out.append(f"  warning: {stats['torn']}")
    out.append("lengths (tokens are estimates: ~4 characters a token)")
    for name, figures in stats["lengths"].items():  # input: over the rows that have one
        out.extend(_length_line(name, figures))
    wi = stats["with_input"]
    out.append(f"with input: {wi['rows']:,} rows ({_pct(wi['share'])})")
    verbs = stats["verbs"]
    how = HEURISTIC_NOTE if verbs["parser"] == "heuristic" else "spaCy parse"
    out.append(
        f"leading verbs ({how}): {verbs['distinct_verbs']:,} verbs, {verbs['distinct_pairs']:,} "
        f"verb-object pairs; {_pct(verbs['with_verb']['share'])} of rows start with a verb"
    )
    for entry in verbs["top"]:
        objects = ", ".join(f"{obj} {count}" for obj, count in entry["objects"]) or "-"
        out.append(f"  {entry['verb']:<14} {entry['count']:>7,}  {objects}")
    sim = stats["similarity"]
    seed, row = sim["nearest_seed"], sim["nearest_row"]
    out.append(f"ROUGE-L (threshold {sim['threshold']:g})")
    out.append(_histogram_line(f"to nearest seed ({seed['seeds']})", seed))
    scored = f" ({row['rows_scored']:,} sampled)" if row["sampled"] else ""
    out.append(_histogram_line(f"to nearest row{scored}", row))
    dup = stats["duplicates"]
    samples = dup.get("samples_per_prompt", 1)
    if samples > 1:
        out.append(f"prompts: {dup['distinct_prompts']:,} distinct, {samples} rows (samples) per prompt")
    out.append(
        f"duplicates: {dup['exact']:,} rows repeat an earlier prompt, {dup['near']:,} distinct prompts are "
        f"near-duplicates (ROUGE-L > {dup['threshold']:g}); synthgen dedup would drop both"
    )
    if stats["run"]:
        out.extend(_run_lines(stats["run"]))
    if stats.get("soft_targets"):
        out.extend(_soft_target_lines(stats["soft_targets"]))
    if stats.get("preference"):
        out.extend(_preference_lines(stats["preference"]))
    return "\n".join(out)


def _preference_lines(pref: dict[str, Any]) -> list[str]:
    def row(counts: list[int]) -> str:
        return "  ".join(f"{s}:{c}" for s, c in zip(pref["scores"], counts, strict=True) if c)

    margins = ", ".join(f"{m}: {c:,}" for m, c in pref["margins"].items())
    return [
        f"judge scores of {pref['pairs']:,} pairs (from the meta file)",
        f"  chosen    {row(pref['chosen'])}",
        f"  rejected  {row(pref['rejected'])}",
        f"  margin (chosen - rejected): {margins}",
    ]


def _soft_target_lines(soft: dict[str, Any]) -> list[str]:
    stale = "" if soft["matches_dataset"] else " (not the dataset's row count: rerun to bring it up to date)"
    lines = [
        f"teacher soft targets ({soft['file']}): {soft['rows']:,} rows, {soft['tokens']:,} tokens{stale}"
    ]
    for name, unit in (("mean_logprob", "mean token logprob"), ("entropy", "entropy, nats/token")):
        s = soft[name]
        if s["mean"] is None:
            continue
        counts = s["histogram"]["counts"]
        bars = "".join(" ▁▂▃▄▅▆▇█"[round(8 * c / (max(counts) or 1))] for c in counts)
        low, high = s["histogram"]["edges"][0], s["histogram"]["edges"][-1]
        lines.append(
            f"  per row, {unit:<20} mean {s['mean']:.3f}  median {s['median']:.3f}  "
            f"{low:.2f} |{bars}| {high:.2f}"
        )
    return lines


def _run_lines(run: dict[str, Any]) -> list[str]:
    cost = "" if run["cost_usd"] is None else f", cost ${run['cost_usd']:.4f}"
    rejected = ", ".join(f"{reason} {count:,}" for reason, count in run["rejected"].items()) or "none"
    return [
        f"runs (from the run report): {run['runs']} run(s), teacher {run['teacher']['model']}",
        f"  requests: {run['requests_sent']:,} sent, {run['cached_responses']:,} from cache, "
        f"{run['retries']:,} retries, {run['failed_requests']:,} failed",
        f"  tokens: {run['prompt_tokens']:,} in, {run['completion_tokens']:,} out{cost}; "
        f"time {run['wall_seconds']:.1f} s",
        f"  candidates {run['candidates']:,}, kept {run['kept']:,}; rejected: {rejected}",
        f"  dropped as duplicates during the run: {run['duplicates_exact']:,} exact, "
        f"{run['duplicates_similar']:,} similar",
    ]
