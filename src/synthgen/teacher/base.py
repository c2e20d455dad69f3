"""The teacher interface every backend implements (mock, OpenAI-compatible HTTP, cache)."""

from __future__ import annotations

from typing import Protocol, TypedDict

from synthgen.records import Completion


class Message(TypedDict):
    role: str
    content: str


class Teacher(Protocol):
    """Async, so that many requests can be in flight at once.

    ``sample_index`` distinguishes repeated requests with identical messages (the
    response cache keys on it; the mock teacher varies its answer with it).
    """

    async def complete(self, messages: list[Message], *, sample_index: int) -> Completion: ...

    async def aclose(self) -> None: ...
