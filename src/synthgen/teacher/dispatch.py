"""One logical teacher request, end to end: cache, pacing, endpoint choice, retries, usage.

cache hit? ─yes─> answer
    │no
retry policy ─┬─> in-flight slot ─> rpm/tpm ─> budget check ─> least-loaded endpoint
              └── transient failure: free the slot, back off (or honour Retry-After), go round again
    │
cache the validated answer

A request holds its in-flight slot only while an attempt is on the wire: the retry policy waits
outside :meth:`Dispatcher._attempt`. Slots go to the oldest request first (lowest index), so a
retried request at the head of the line does not queue behind newer ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from synthgen.errors import TeacherError, TransientTeacherError
from synthgen.records import Completion
from synthgen.teacher.base import Message
from synthgen.teacher.cache import ResponseCache
from synthgen.teacher.endpoints import Endpoint, EndpointPool
from synthgen.teacher.limits import AdaptiveConcurrency, TokenBucket
from synthgen.teacher.retry import RetryPolicy
from synthgen.teacher.tokens import count_tokens
from synthgen.teacher.wire import CannotConnect, RequestTimeout

# While no endpoint has ever answered, a failed connection is tried again every this many seconds
# (not on the backoff schedule): a server that is starting is found at once, a dead one is
# reported after the pool's grace period rather than after minutes of growing waits.
PROBE_SECONDS = 1.0


class BudgetExhausted(Exception):
    """A budget (requests, tokens, cost) is used up: start nothing new."""

    def __init__(self, which: str) -> None:
        super().__init__(which)
        self.which = which


@dataclass
class ModelUsage:
    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0


@dataclass
class UsageMeter:
    """Tokens, requests and cost so far (cost only for models with a known price)."""

    prices: dict[str, tuple[float, float]] = field(default_factory=dict)
    by_model: dict[str, ModelUsage] = field(default_factory=dict)
    requests_sent: int = 0
    retries: int = 0
    failures_by_kind: dict[str, int] = field(default_factory=dict)
    max_in_flight: int = 0
    in_flight_limit: float = 0.0  # the adaptive limit at the end (lower after 429 bursts)

    def add(self, completion: Completion) -> None:
        usage = self.by_model.setdefault(completion.model or "unknown", ModelUsage())
        usage.requests += 1
        usage.prompt_tokens += completion.usage.prompt_tokens
        usage.completion_tokens += completion.usage.completion_tokens

    @property
    def total_tokens(self) -> int:
        return sum(u.prompt_tokens + u.completion_tokens for u in self.by_model.values())

    def cost(self) -> float | None:
        total, known = 0.0, False
        for model, usage in self.by_model.items():
            price = self.prices.get(model)
            if price is None:
                continue
            known = True
            total += (usage.prompt_tokens * price[0] + usage.completion_tokens * price[1]) / 1e6
        return total if known else None


@dataclass
class Budgets:
    max_requests: int | None = None
    max_total_tokens: int | None = None
    max_cost: float | None = None

    def exhausted(self, meter: UsageMeter) -> str | None:
        if self.max_requests is not None and meter.requests_sent >= self.max_requests:
            return "max_requests"
        if self.max_total_tokens is not None and meter.total_tokens >= self.max_total_tokens:
            return "max_total_tokens"
        cost = meter.cost()
        if self.max_cost is not None and cost is not None and cost >= self.max_cost:
            return "max_cost"
        return None


class Dispatcher:
    def __init__(
        self,
        *,
        pool: EndpointPool,
        policy: RetryPolicy,
        concurrency: AdaptiveConcurrency,
        meter: UsageMeter,
        budgets: Budgets,
        max_tokens: int,
        cache: ResponseCache | None = None,
        cache_key: Callable[[list[Message], int], str] | None = None,
        rpm: TokenBucket | None = None,
        tpm: TokenBucket | None = None,
    ) -> None:
        self.pool = pool
        self.policy = policy
        self.concurrency = concurrency
        self.meter = meter
        self.budgets = budgets
        self.max_tokens = max_tokens
        self.cache = cache
        self.cache_key = cache_key
        self.rpm = rpm
        self.tpm = tpm

    async def aclose(self) -> None:
        """Close the endpoints' connections and the cache."""
        await self.pool.aclose()
        if self.cache is not None:
            self.cache.close()

    async def complete(
        self,
        messages: list[Message],
        *,
        sample_index: int,
        validate: Callable[[Completion], None] = lambda c: None,
    ) -> Completion:
        """The teacher's answer to ``messages`` (from the cache when possible).

        ``validate`` may raise TransientTeacherError to have an answer retried (e.g. one
        cut off before any task could be parsed); only validated answers are cached.
        Raises BudgetExhausted, TeacherError, or the last TransientTeacherError.
        """
        key = None
        if self.cache is not None and self.cache_key is not None:
            key = self.cache_key(messages, sample_index)
            hit = self.cache.get(key)
            if hit is not None:
                return hit
        try:
            completion = await self.policy.call(lambda: self._attempt(messages, sample_index, validate))
        except CannotConnect as exc:
            if self.pool.unreachable(grace=False):  # gave up, and nothing ever answered: say why
                raise TeacherError(str(exc)) from exc
            raise
        if self.cache is not None and key is not None:
            self.cache.put(key, completion)
        return completion

    async def _attempt(
        self, messages: list[Message], sample_index: int, validate: Callable[[Completion], None]
    ) -> Completion:
        await self.concurrency.acquire(priority=sample_index)
        self.meter.max_in_flight = max(self.meter.max_in_flight, self.concurrency.in_flight)
        endpoint = self.pool.pick()
        endpoint.in_flight += 1
        try:
            estimate = 0
            if self.rpm:
                await self.rpm.acquire(1)
            if self.tpm:
                estimate = sum(count_tokens(m["content"]) for m in messages) + self.max_tokens
                await self.tpm.acquire(estimate)
            # Checked at the last moment before sending (no await after it), so that many
            # requests waiting for a slot cannot all slip past one remaining unit of budget.
            which = self.budgets.exhausted(self.meter)
            if which:
                raise BudgetExhausted(which)
            self.meter.requests_sent += 1
            endpoint.requests += 1
            try:
                completion = await endpoint.teacher.complete(messages, sample_index=sample_index)
            except TransientTeacherError as exc:
                self._failed(endpoint, exc)
                raise
            self.pool.succeeded(endpoint)
            self.concurrency.record(throttled=False)
            self.meter.add(completion)
            if self.tpm:
                self.tpm.adjust(completion.usage.total_tokens - estimate)
            validate(completion)
            return completion
        finally:
            endpoint.in_flight -= 1
            self.meter.in_flight_limit = self.concurrency.limit
            await self.concurrency.release()

    def _failed(self, endpoint: Endpoint, exc: TransientTeacherError) -> None:
        """Account one failed attempt; raise the fatal error if the teacher is unreachable."""
        self.pool.failed(endpoint, exc)
        self.concurrency.record(throttled=exc.status == 429)
        kind = failure_kind(exc)
        self.meter.failures_by_kind[kind] = self.meter.failures_by_kind.get(kind, 0) + 1
        if isinstance(exc, CannotConnect) and not self.pool.ever_answered:
            if self.pool.unreachable():
                raise TeacherError(str(exc)) from exc
            exc.retry_after = PROBE_SECONDS


def failure_kind(exc: TransientTeacherError) -> str:
    """The report's name for a failed attempt: its HTTP status, or what went wrong without one."""
    if exc.status:
        return str(exc.status)
    if isinstance(exc, CannotConnect):
        return "cannot_connect"
    if isinstance(exc, RequestTimeout):
        return "timeout"
    return "connection"
