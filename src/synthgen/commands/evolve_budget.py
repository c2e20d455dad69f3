"""Budgets over every round of one ``synthgen evolve`` command.

Each round is its own engine run with its own usage meter (so the report's entry for a round
shows that round's usage); the round's run gets, of each budget, what the earlier rounds of the
command left. Usage counts as the engine's budgets count it: unsettled attempts (timed out,
dropped, cancelled in flight) at their worst case.
"""

from __future__ import annotations

from typing import Any

from synthgen.config import EvolveSettings
from synthgen.teacher.budget import UsageMeter

_FLAGS = {
    "max_requests": "--max-requests",
    "max_total_tokens": "--max-total-tokens",
    "max_cost": "--max-cost",
}
BUDGET_STOPS = frozenset(_FLAGS)


def _used(which: str, meters: list[UsageMeter]) -> float:
    if which == "max_requests":
        return sum(m.requests_sent for m in meters)
    if which == "max_total_tokens":
        return sum(m.total_tokens + m.unsettled_tokens for m in meters)
    return sum((m.cost() or 0.0) + m.unsettled_cost for m in meters)


def remaining_budgets(
    settings: EvolveSettings, meters: list[UsageMeter]
) -> tuple[EvolveSettings | None, str]:
    """``settings`` with what ``meters`` (the earlier rounds) left of each budget, or
    (None, the budget they used up)."""
    left: dict[str, Any] = {}
    for which in _FLAGS:
        budget = getattr(settings, which)
        if budget is None:
            continue
        used = _used(which, meters)
        if used >= budget:
            return None, which
        left[which] = budget - used
    return settings.model_copy(update=left), ""


def spent_line(which: str, settings: EvolveSettings, meters: list[UsageMeter]) -> str:
    """One line on a budget used up, in the command's figures (not a round's share)."""
    used, limit = _used(which, meters), getattr(settings, which)
    if which == "max_requests":
        amount = f"{used:,.0f} of {limit:,.0f} requests sent"
    elif which == "max_total_tokens":
        amount = f"{used:,.0f} of {limit:,.0f} tokens used"
    else:
        amount = f"${used:,.4f} of ${limit:,.4f} used"
    return f"the {_FLAGS[which]} budget is spent: {amount} in {len(meters)} round run(s)"
