"""Usage so far, and budgets that hold as hard limits (requests, tokens, US dollars).

Every attempt *reserves* its worst case before it is sent: an upper bound on its prompt's
tokens plus ``--max-tokens``, and their price. An attempt that does not fit next to what is
used and what is reserved waits for attempts in flight to settle; when none is in flight it
raises :class:`BudgetExhausted`. So what a server can count for the run's attempts never
exceeds a budget, whatever the concurrency.

How an attempt settles::

    answer (even one rejected later, e.g. cut off)  -> its reported usage, reservation freed
    error answer (HTTP status), or never sent       -> nothing used, reservation freed
    outcome unknown (timeout, dropped, cancelled)   -> the reservation stays charged, as
                                                       ``unsettled`` usage: the server may have
                                                       done (and billed) the work
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from synthgen.records import Completion, Usage

_FLAGS = {
    "max_requests": "--max-requests",
    "max_total_tokens": "--max-total-tokens",
    "max_cost": "--max-cost",
}
BUDGET_STOPS = frozenset(_FLAGS)  # the stop reasons (and option names) of the budgets


class BudgetExhausted(Exception):
    """A budget cannot pay for the next attempt: start nothing new.

    ``which`` is the option's name (``max_total_tokens``...); ``used`` what the run has used
    of it (unsettled attempts included), ``limit`` the budget, ``needed`` the refused
    attempt's worst case (None: all of the budget is used, whatever comes next).
    """

    def __init__(self, which: str, *, used: float = 0, limit: float = 0, needed: float | None = None) -> None:
        self.which, self.used, self.limit, self.needed = which, used, limit, needed
        super().__init__(self.describe())

    def describe(self) -> str:
        """One line: which budget, how much of it is used, and what did not fit."""
        flag = _FLAGS.get(self.which, self.which)
        if self.which == "max_requests":
            return f"the {flag} budget is spent: {self.used:,.0f} of {self.limit:,.0f} requests sent"
        if self.which == "max_cost":
            amount = f"${self.used:,.4f} of ${self.limit:,.4f} used"
            worst = f"${self.needed or 0:,.4f}"
        else:
            amount = f"{self.used:,.0f} of {self.limit:,.0f} tokens used"
            worst = f"{self.needed or 0:,.0f} tokens"
        if self.needed is None:
            return f"the {flag} budget is spent: {amount}"
        return f"the {flag} budget is spent: {amount}; the next request could take up to {worst}"


@dataclass
class ModelUsage:
    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0


@dataclass
class UsageMeter:
    """Tokens, requests and cost so far (cost only for models with a known price).

    ``requested_model`` is the model named in the requests: its price also applies to the
    names servers report back (OpenAI answers ``gpt-4o-mini`` with a dated snapshot name).
    ``unsettled_*`` are reservations of attempts whose outcome is unknown (timed out, dropped,
    cancelled in flight): possibly spent, so they count against the budgets.
    """

    prices: dict[str, tuple[float, float]] = field(default_factory=dict)
    requested_model: str | None = None
    by_model: dict[str, ModelUsage] = field(default_factory=dict)
    requests_sent: int = 0
    retries: int = 0
    failures_by_kind: dict[str, int] = field(default_factory=dict)
    max_in_flight: int = 0
    on_wire: int = 0  # attempts sent and not yet answered (not those waiting for a slot or a limit)
    in_flight_limit: float = 0.0  # the adaptive limit at the end (lower after 429 bursts)
    unsettled_attempts: int = 0
    unsettled_tokens: int = 0
    unsettled_cost: float = 0.0

    def add(self, completion: Completion) -> None:
        self.add_usage(completion.model or self.requested_model or "unknown", completion.usage)

    def add_usage(self, model: str, usage: Usage) -> None:
        counted = self.by_model.setdefault(model, ModelUsage())
        counted.requests += 1
        counted.prompt_tokens += usage.prompt_tokens
        counted.completion_tokens += usage.completion_tokens

    def price_for(self, model: str | None) -> tuple[float, float] | None:
        """(input, output) US dollars per million tokens, or None when unknown."""
        price = self.prices.get(model or "")
        if price is None and self.requested_model is not None:
            price = self.prices.get(self.requested_model)
        return price

    @property
    def total_tokens(self) -> int:
        return sum(u.prompt_tokens + u.completion_tokens for u in self.by_model.values())

    def cost(self) -> float | None:
        total, known = 0.0, False
        for model, usage in self.by_model.items():
            price = self.price_for(model)
            if price is None:
                continue
            known = True
            total += (usage.prompt_tokens * price[0] + usage.completion_tokens * price[1]) / 1e6
        return total if known else None


@dataclass(frozen=True)
class Reservation:
    """One attempt's worst case, held against the budgets until it settles."""

    tokens: int
    cost: float


class Budgets:
    """Limits on requests, tokens and cost, checked against usage plus open reservations.

    One Budgets serves every teacher of a command (a run's teacher and its inline judge, every
    stage of ``pairs``, every round of ``evolve``: see engine/stages.py), each with its own
    meter: the limits hold for what all of them use together, unsettled attempts included. It
    outlives an event loop (each stage runs in its own ``asyncio.run``).
    """

    def __init__(
        self,
        max_requests: int | None = None,
        max_total_tokens: int | None = None,
        max_cost: float | None = None,
    ) -> None:
        self.max_requests = max_requests
        self.max_total_tokens = max_total_tokens
        self.max_cost = max_cost
        self.open = 0  # reservations not yet settled (attempts in flight)
        self.reserved_tokens = 0
        self.reserved_cost = 0.0
        # set when a reservation settles; made in the running loop when an attempt waits
        self._settled: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._meters: list[UsageMeter] = []  # every meter that reserved here

    def include(self, meter: UsageMeter) -> None:
        """Count ``meter``'s usage against the limits too (e.g. what earlier runs of a ``--batch``
        series used or still hold)."""
        if not any(known is meter for known in self._meters):
            self._meters.append(meter)

    def worst_case(self, meter: UsageMeter, prompt_tokens: int, max_tokens: int) -> Reservation:
        """The most an attempt with this prompt bound and ``max_tokens`` can use and cost."""
        price = meter.price_for(meter.requested_model) or (0.0, 0.0)
        cost = (prompt_tokens * price[0] + max_tokens * price[1]) / 1e6
        return Reservation(prompt_tokens + max_tokens, cost)

    async def reserve(self, meter: UsageMeter, wanted: Reservation) -> Reservation:
        """Hold ``wanted`` and count one request sent; waits while attempts in flight may free
        room. Raises BudgetExhausted when it cannot fit even with nothing in flight."""
        if not any(known is meter for known in self._meters):
            self._meters.append(meter)
        while (refusal := self._refusal(meter, wanted)) is not None:
            # Requests sent never come back; tokens and dollars may, as attempts settle.
            if self.open == 0 or refusal.which == "max_requests":
                raise refusal
            await self._settle_event().wait()
        # No await from the check to here: the room just seen is taken before anyone else looks.
        self.open += 1
        self.reserved_tokens += wanted.tokens
        self.reserved_cost += wanted.cost
        meter.requests_sent += 1
        return wanted

    def settle(self, meter: UsageMeter, held: Reservation, *, spent_unknown: bool = False) -> None:
        """Free ``held`` (its real usage is already in ``meter``), or with ``spent_unknown``
        keep it charged as unsettled usage. Wakes attempts waiting for room."""
        self.open -= 1
        self.reserved_tokens -= held.tokens
        self.reserved_cost -= held.cost
        if spent_unknown:
            meter.unsettled_attempts += 1
            meter.unsettled_tokens += held.tokens
            meter.unsettled_cost += held.cost
        if self._settled is not None:
            self._settled.set()
            self._settled = None

    def used_up(self) -> BudgetExhausted | None:
        """The first budget all of which is used (unsettled attempts included), or None.

        Asked before a stage starts: such a stage could send nothing.
        """
        sent, tokens, cost = self._used()
        if self.max_requests is not None and sent >= self.max_requests:
            return BudgetExhausted("max_requests", used=sent, limit=self.max_requests)
        if self.max_total_tokens is not None and tokens >= self.max_total_tokens:
            return BudgetExhausted("max_total_tokens", used=tokens, limit=self.max_total_tokens)
        if self.max_cost is not None and cost >= self.max_cost:
            return BudgetExhausted("max_cost", used=cost, limit=self.max_cost)
        return None

    def _settle_event(self) -> asyncio.Event:
        loop = asyncio.get_running_loop()
        if self._settled is None or self._loop is not loop:
            self._settled, self._loop = asyncio.Event(), loop
        return self._settled

    def _used(self) -> tuple[int, int, float]:
        """Requests sent, tokens and dollars used by every meter, unsettled attempts included."""
        meters = self._meters
        return (
            sum(m.requests_sent for m in meters),
            sum(m.total_tokens + m.unsettled_tokens for m in meters),
            sum((m.cost() or 0.0) + m.unsettled_cost for m in meters),
        )

    def _refusal(self, meter: UsageMeter, wanted: Reservation) -> BudgetExhausted | None:
        # Only the sums a set budget needs (this runs for every attempt).
        meters = self._meters
        if self.max_requests is not None:
            sent = sum(m.requests_sent for m in meters)
            if sent >= self.max_requests:
                return BudgetExhausted("max_requests", used=sent, limit=self.max_requests, needed=1)
        if self.max_total_tokens is not None:
            used = sum(m.total_tokens + m.unsettled_tokens for m in meters)
            if used + self.reserved_tokens + wanted.tokens > self.max_total_tokens:
                return BudgetExhausted(
                    "max_total_tokens", used=used, limit=self.max_total_tokens, needed=wanted.tokens
                )
        if self.max_cost is not None:
            cost = sum((m.cost() or 0.0) + m.unsettled_cost for m in meters)
            if cost + self.reserved_cost + wanted.cost > self.max_cost:
                return BudgetExhausted("max_cost", used=cost, limit=self.max_cost, needed=wanted.cost)
        return None  # no budget: nothing to add up (this runs for every attempt)
        sent, used, used_cost = self._used()
        if self.max_requests is not None and sent >= self.max_requests:
            return BudgetExhausted("max_requests", used=sent, limit=self.max_requests, needed=1)
        tokens = self.max_total_tokens
        if tokens is not None and used + self.reserved_tokens + wanted.tokens > tokens:
            return BudgetExhausted("max_total_tokens", used=used, limit=tokens, needed=wanted.tokens)
        cost = self.max_cost
        if cost is not None and used_cost + self.reserved_cost + wanted.cost > cost:
            return BudgetExhausted("max_cost", used=used_cost, limit=cost, needed=wanted.cost)
        return None
