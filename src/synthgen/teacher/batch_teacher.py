"""``--batch``: the teacher the engine runs against when answers come from the Batch API.

The seam. The engine is not told about batches: it plans requests, asks its teacher for each,
and screens the answers in request order, exactly as in a live run. In a ``--batch`` run its
teacher is a :class:`BatchTeacher`, which never sends a chat request. For each request it

- returns the answer when one is in hand: collected from a finished batch into the response
  cache (by :mod:`synthgen.teacher.batch_collect`, before the run), or cached earlier;
- raises the request's failure when its batch lines failed more than ``--max-retries`` times
  (a line refused for good, e.g. HTTP 400, at once), as a live request failing for good would;
- otherwise *records* the request into the next batch's input file (:class:`BatchPlanner`,
  split at the provider's limits) and raises :class:`~synthgen.teacher.base.AnswerPending`.

So one engine run is both the collecting pass and the planning pass: it screens every answer
up to the first pending one (the ordered stream has a hole there, and nothing after a hole is
screened, so the file is byte for byte what a live run writes), and it keeps launching as its
launch policy says (pending requests count as in hand), which plans exactly the requests a live
run would have sent next: every remaining one for ``respond``, as many as the observed yield
says for ``generate``. The command then uploads the recorded input files and creates the
batches (:mod:`synthgen.commands.batch`).

Budgets: each recorded request reserves its worst case at the batch price, kept as unsettled
usage (it may be spent) until its batch is collected, so ``--max-cost`` holds across runs.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from synthgen.errors import TeacherError, TransientTeacherError, UnusableAnswer
from synthgen.io.beside import batch_input_path
from synthgen.records import Completion
from synthgen.teacher.base import AnswerPending, Message
from synthgen.teacher.batch_state import BatchRecord, BatchState, to_ranges
from synthgen.teacher.budget import Budgets, UsageMeter
from synthgen.teacher.cache import ResponseCache
from synthgen.tokens import prompt_tokens_bound

Body = Callable[[list[Message], int, "dict[str, Any] | None"], dict[str, Any]]
Key = Callable[[list[Message], int, "dict[str, Any] | None"], str]


@dataclass
class _Part:
    path: Path
    handle: Any
    indices: list[int] = field(default_factory=list)
    bytes: int = 0
    tokens: int = 0
    cost: float = 0.0


class BatchPlanner:
    """Input files of the next submission, each within the provider's limits."""

    def __init__(
        self, output: Path, state: BatchState, *, max_requests: int, max_bytes: int, max_parts: int
    ) -> None:
        self.output, self.state = output, state
        self.max_requests, self.max_bytes, self.max_parts = max_requests, max_bytes, max_parts
        self.parts: list[_Part] = []

    @property
    def full(self) -> bool:
        """No room for another request in this submission (``--max-batches-in-flight``)."""
        last = self.parts[-1] if self.parts else None
        return len(self.parts) >= self.max_parts and (last is None or len(last.indices) >= self.max_requests)

    def add(self, index: int, line: bytes, tokens: int, cost: float) -> bool:
        """Write one request's line; False when the submission has no room for it."""
        part = self.parts[-1] if self.parts else None
        if part is None or len(part.indices) >= self.max_requests or part.bytes + len(line) > self.max_bytes:
            if len(self.parts) >= self.max_parts:
                return False
            part = self._new_part()
        part.handle.write(line)
        part.indices.append(index)
        part.bytes += len(line)
        part.tokens += tokens
        part.cost += cost
        return True

    def _new_part(self) -> _Part:
        number = f"{self.state.submissions}.{len(self.parts)}"
        path = batch_input_path(self.output, number)
        part = _Part(path, path.open("wb"))
        self.parts.append(part)
        return part

    def records(self) -> list[BatchRecord]:
        """Close the files; one record per part (not yet uploaded)."""
        records = []
        for number, part in enumerate(self.parts):
            part.handle.close()
            records.append(
                BatchRecord(
                    part=f"{self.state.submissions}.{number}",
                    ranges=to_ranges(part.indices),
                    requests=len(part.indices),
                    reserved_tokens=part.tokens,
                    reserved_cost=part.cost,
                    input_path=str(part.path),
                )
            )
        return records

    def discard(self) -> None:
        for part in self.parts:
            part.handle.close()
            part.path.unlink(missing_ok=True)
        self.parts.clear()


class BatchTeacher:
    """The engine's teacher in a ``--batch`` run; see the module docstring."""

    def __init__(
        self,
        *,
        state: BatchState,
        planner: BatchPlanner,
        cache: ResponseCache,
        key: Key,
        body: Body,
        meter: UsageMeter,
        budgets: Budgets,
        max_tokens: int,
        max_retries: int,
        submit: Callable[[list[BatchRecord]], Awaitable[None]],
    ) -> None:
        self.state, self.planner, self.cache = state, planner, cache
        self.submit = submit
        self.key, self.body = key, body
        self.meter, self.budgets = meter, budgets
        self.max_tokens, self.max_retries = max_tokens, max_retries
        self.recorded = 0
        # The batches submitted and not collected: the same for the whole run (what it records
        # is submitted at its end), looked up for every request.
        self.waiting = state.pending()
        self.first_pending: int | None = None

    async def complete(
        self,
        messages: list[Message],
        *,
        sample_index: int,
        validate: Callable[[Completion], None] = lambda c: None,
        extra_body: dict[str, Any] | None = None,
        priority: int | None = None,
    ) -> Completion:
        index = sample_index if priority is None else priority  # the engine passes the request index
        key = self.key(messages, sample_index, extra_body)
        if self.first_pending is not None and index > self.first_pending and self.cache.contains(key):
            # Answered, but behind a pending one: not screened in this run (the engine lets it go),
            # so it is not read either; the run that screens it reads it from the cache.
            raise AnswerPending(index)
        if any(batch.holds(index) for batch in self.waiting):
            # Asked again and not yet collected: an answer in the cache is the earlier one,
            # found unusable (and counted) by an earlier run.
            raise self._pending(index)
        hit = self.cache.get(key)
        if hit is not None:
            try:
                validate(hit)
            except UnusableAnswer as exc:
                if not self._retries_left(index):
                    return exc.completion
                await self._record(index, key, messages, sample_index, extra_body)
                raise self._pending(index) from None
            if self.state.answered_by_batch(index):
                hit = hit.model_copy(update={"cached": False})  # paid for in this run's batches
            return hit
        failure = self.state.failure(index)
        if failure is not None and (failure[2] or failure[0] > self.max_retries):
            error = TransientTeacherError if not failure[2] else TeacherError
            raise error(f"batch request {index} failed: {failure[1]}")
        await self._record(index, key, messages, sample_index, extra_body)
        raise self._pending(index)

    def _pending(self, index: int) -> AnswerPending:
        """The signal for a request answered later; the first one is where the engine's ordered
        stream stops for this run."""
        if self.first_pending is None or index < self.first_pending:
            self.first_pending = index
        return AnswerPending(index)

    def _retries_left(self, index: int) -> bool:
        """Count an unusable answer (once, whichever runs read it); whether it may be asked
        again (at most ``UnusableAnswer.RETRIES`` times, as in the live dispatcher)."""
        return self.state.count_unusable(index) <= min(self.max_retries, UnusableAnswer.RETRIES)

    async def _record(
        self,
        index: int,
        key: str,
        messages: list[Message],
        sample_index: int,
        extra_body: dict[str, Any] | None,
    ) -> None:
        """Write the request into the next batch (when there is room), reserving its worst case."""
        if self.planner.full:
            return  # --max-batches-in-flight: a later submission asks it
        worst = self.budgets.worst_case(
            self.meter, prompt_tokens_bound(m["content"] for m in messages), self.max_tokens
        )
        # Reserved and at once kept as unsettled usage: the batch may spend it any time until
        # it is collected. Nothing stays open, so reserve() never waits: it fits, or it raises
        # BudgetExhausted.
        held = await self.budgets.reserve(self.meter, worst)
        self.budgets.settle(self.meter, held, spent_unknown=True)
        line = {
            "custom_id": f"{self.state.run}:{index}:{key}",
            "method": "POST",
            "url": "/v1/chat/completions",
            "body": self.body(messages, sample_index, extra_body),
        }
        data = (json.dumps(line, separators=(",", ":")) + "\n").encode()
        if self.planner.add(index, data, held.tokens, held.cost):
            self.recorded += 1

    async def aclose(self) -> None:
        """The engine is done: submit what was recorded (``submit``: upload and create)."""
        self.cache.close()
        await self.submit(self.planner.records())
