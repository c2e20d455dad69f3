"""The built-in deterministic mock teacher (STUB: being written; signatures are final)."""

from __future__ import annotations

from synthgen.records import Completion, Usage
from synthgen.teacher.base import Message


def count_tokens(text: str) -> int:
    """Rough token count used for ``usage`` (about 4 characters a token)."""
    return max(1, (len(text) + 3) // 4)


def mock_reply(prompt: str, *, seed: int, sample_index: int = 0) -> str:
    """Deterministic answer to ``prompt``: a numbered task list when tasks are asked for."""
    return (
        "1. Instruction: Describe the weather in a sentence of ten words.\n"
        "1. Input: <noinput>\n1. Output: It is sunny and warm today with a light breeze."
    )


class MockTeacher:
    """In-process teacher backed by :func:`mock_reply`."""

    def __init__(self, *, seed: int = 0, model: str = "mock", max_tokens: int | None = None):
        self.seed = seed
        self.model = model
        self.max_tokens = max_tokens

    async def complete(self, messages: list[Message], *, sample_index: int) -> Completion:
        prompt = "\n".join(m["content"] for m in messages)
        text = mock_reply(prompt, seed=self.seed, sample_index=sample_index)
        usage = Usage(prompt_tokens=count_tokens(prompt), completion_tokens=count_tokens(text))
        return Completion(text=text, usage=usage, model=self.model, request_id="mock")

    async def aclose(self) -> None:
        return None
