"""One logical teacher request, end to end: cache, pacing, endpoint choice, retries, usage.

cache hit? ─yes─> answer
    │no
retry policy ─┬─> in-flight slot ─> rpm/tpm ─> budget reservation ─> least-loaded endpoint
              │                                  (worst case held until the attempt settles)
              └── transient failure: free the slot, back off (or honour Retry-After), go round again
    │
cache the validated answer

A request holds its in-flight slot only while an attempt is on the wire: the retry policy waits
outside :meth:`Dispatcher._attempt`. Slots go to the oldest request first (lowest index), so a
retried request at the head of the line does not queue behind newer ones.

An answer the recipe's ``validate`` calls unusable (:class:`UnusableAnswer`) is asked again at
once, at most ``UnusableAnswer.RETRIES`` times whatever ``--max-retries`` says (the same request
mostly brings the same reply); then it is returned anyway (not cached), for the screen to count.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from synthgen.errors import TeacherError, TransientTeacherError, UnusableAnswer
from synthgen.records import Completion
from synthgen.teacher.base import Message
from synthgen.teacher.budget import BudgetExhausted, Budgets, ModelUsage, Reservation, UsageMeter
from synthgen.teacher.cache import ResponseCache
from synthgen.teacher.endpoints import Endpoint, EndpointPool
from synthgen.teacher.limits import AdaptiveConcurrency, TokenBucket
from synthgen.teacher.retry import RetryPolicy
from synthgen.teacher.wire import CannotConnect, RequestTimeout
from synthgen.tokens import count_tokens, prompt_tokens_bound

# Re-exported: the engine and the report know them from here.
__all__ = ["BudgetExhausted", "Budgets", "Dispatcher", "ModelUsage", "UsageMeter", "failure_kind"]

# While no endpoint has ever answered, a failed connection is tried again every this many seconds
# (not on the backoff schedule): a server that is starting is found at once, a dead one is
# reported after the pool's grace period rather than after minutes of growing waits.
PROBE_SECONDS = 1.0


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
        cache_key: Callable[[list[Message], int, dict[str, Any] | None], str] | None = None,
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
        extra_body: dict[str, Any] | None = None,
        priority: int | None = None,
    ) -> Completion:
        """The teacher's answer to ``messages`` (from the cache when possible).

        ``validate`` may raise TransientTeacherError to have an answer retried (e.g. one
        cut off before any task could be parsed); only validated answers are cached.
        ``extra_body``: fields added to the request body (part of the cache key).
        ``priority``: the request's place in line for a free slot (its index; lower goes first),
        ``sample_index`` when not given. Recipes reuse sample numbers (every ``judge`` request is
        sample 0, ``respond`` counts samples per row), so only the index keeps the oldest first.
        Raises BudgetExhausted, TeacherError, or the last TransientTeacherError.
        """
        key = None
        if self.cache is not None and self.cache_key is not None:
            key = self.cache_key(messages, sample_index, extra_body)
            hit = self.cache.get(key)
            if hit is not None:
                return hit
        checked = _asked_again_at_most(UnusableAnswer.RETRIES, validate)
        try:
            completion = await self.policy.call(
                lambda: self._attempt(
                    messages,
                    sample_index,
                    checked,
                    extra_body,
                    sample_index if priority is None else priority,
                )
            )
        except (UnusableAnswer, _GaveUp) as exc:
            return exc.completion  # the screen counts it; not cached, so a rerun asks again
        except CannotConnect as exc:
            if self.pool.unreachable(grace=False):  # gave up, and nothing ever answered: say why
                raise TeacherError(str(exc)) from exc
            raise
        if self.cache is not None and key is not None:
            self.cache.put(key, completion)
        return completion

    async def _attempt(
        self,
        messages: list[Message],
        sample_index: int,
        validate: Callable[[Completion], None],
        extra_body: dict[str, Any] | None,
        priority: int,
    ) -> Completion:
        await self.concurrency.acquire(priority=priority)
        self.meter.max_in_flight = max(self.meter.max_in_flight, self.concurrency.in_flight)
        try:
            estimate = 0
            if self.rpm:
                await self.rpm.acquire(1)
            if self.tpm:
                estimate = sum(count_tokens(m["content"]) for m in messages) + self.max_tokens
                await self.tpm.acquire(estimate)
            prompt_bound = prompt_tokens_bound(m["content"] for m in messages)
            held = await self.budgets.reserve(
                self.meter, self.budgets.worst_case(self.meter, prompt_bound, self.max_tokens)
            )
            completion = await self._send(self.pool.pick(), messages, sample_index, extra_body, held)
            if self.tpm:
                self.tpm.adjust(completion.usage.total_tokens - estimate)
            validate(completion)
            return completion
        finally:
            self.meter.in_flight_limit = self.concurrency.limit
            await self.concurrency.release()

    async def _send(
        self,
        endpoint: Endpoint,
        messages: list[Message],
        sample_index: int,
        extra_body: dict[str, Any] | None,
        held: Reservation,
    ) -> Completion:
        """One attempt at ``endpoint``; settles the reservation ``held`` however it ends."""
        endpoint.in_flight += 1
        endpoint.requests += 1
        self.meter.on_wire += 1
        spent_unknown = True  # cancelled in flight, or a bug: the server may have done the work
        try:
            completion = await endpoint.teacher.complete(
                messages, sample_index=sample_index, extra_body=extra_body
            )
            self.meter.add(completion)
            spent_unknown = False
        except TransientTeacherError as exc:
            spent_unknown = self._maybe_spent(exc)
            self._failed(endpoint, exc)
            raise
        except TeacherError:
            spent_unknown = False  # an error answer (401, 404...): nothing was generated
            raise
        finally:
            endpoint.in_flight -= 1
            self.meter.on_wire -= 1
            self.budgets.settle(self.meter, held, spent_unknown=spent_unknown)
        self.pool.succeeded(endpoint)
        self.concurrency.record(throttled=False)
        return completion

    def _maybe_spent(self, exc: TransientTeacherError) -> bool:
        """Whether the server may have spent tokens on a failed attempt without reporting them
        (what it did report is counted)."""
        if exc.usage is not None:  # e.g. an answer of the wrong shape that still reported usage
            self.meter.add_usage(self.meter.requested_model or "unknown", exc.usage)
            return False
        # An error answer (HTTP status) generated nothing, and nothing was sent when no
        # connection could be made; a timeout or a dropped connection may have been worked on.
        return exc.status is None and not isinstance(exc, CannotConnect)

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


class _GaveUp(Exception):
    """An unusable answer past its retries: not transient, so the retry loop ends with it."""

    def __init__(self, completion: Completion) -> None:
        super().__init__("unusable answer")
        self.completion = completion


def _asked_again_at_most(
    retries: int, validate: Callable[[Completion], None]
) -> Callable[[Completion], None]:
    """``validate``, whose :class:`UnusableAnswer` ends the retries after ``retries`` of them."""
    unusable = 0

    def checked(completion: Completion) -> None:
        nonlocal unusable
        try:
            validate(completion)
        except UnusableAnswer as exc:
            unusable += 1
            if unusable > retries:
                raise _GaveUp(exc.completion) from exc
            raise

    return checked


def failure_kind(exc: TransientTeacherError) -> str:
    """The report's name for a failed attempt: its HTTP status, or what went wrong without one."""
    if exc.status:
        return str(exc.status)
    if isinstance(exc, CannotConnect):
        return "cannot_connect"
    if isinstance(exc, RequestTimeout):
        return "timeout"
    return "connection"
