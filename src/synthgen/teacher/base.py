"""The teacher interface every backend implements (mock, OpenAI-compatible HTTP, cache)."""

from __future__ import annotations

from typing import Any, Protocol

from synthgen.records import Completion, Message

__all__ = ["AnswerPending", "Message", "Teacher"]


class AnswerPending(Exception):
    """The teacher will answer this request later (``--batch``: in a batch not yet collected).

    The engine keeps the request's place in the ordered stream open: nothing after it is
    screened in this run (see :mod:`synthgen.teacher.batch_teacher`).
    """

    def __init__(self, index: int) -> None:
        super().__init__(f"request {index} is waiting for a batch")
        self.index = index


class Teacher(Protocol):
    """Async, so that many requests can be in flight at once.

    ``sample_index`` distinguishes repeated requests with identical messages (the
    response cache keys on it; the mock teacher varies its answer with it).
    ``extra_body`` holds fields added to the request body (e.g. ``response_format``).
    """

    async def complete(
        self, messages: list[Message], *, sample_index: int, extra_body: dict[str, Any] | None = None
    ) -> Completion: ...

    async def aclose(self) -> None: ...
