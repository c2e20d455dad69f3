"""The built-in deterministic mock teacher.

:func:`mock_reply` answers a prompt the way a chat model would, without a model:

- A prompt that asks for new tasks ("write 20 new tasks", "numbered 1 to 20", or example
  blocks ``N. Instruction: ...``; 20 when no count is given, at most 100) gets that many
  tasks in the block format of :func:`synthgen.recipes.prompts.format_example`. Like a real
  teacher it sometimes adds a sentence before or after the list, and about one reply in
  five uses another label style (``N. **Instruction:**`` or ``Instruction N:``).
- Any other prompt gets a short paragraph built from the prompt's own words.

Tasks are assembled from the templates and pools of :mod:`synthgen.mock.vocab` (plus computed
arithmetic problems), varied enough that a mock run can keep tens of thousands of tasks
after the ROUGE-L near-duplicate filter. About :data:`FLAW_RATE` of the items are
deliberately bad, one flaw each from :data:`FLAW_KINDS`, so that the pipeline's filters
and dedup have something to catch.

The reply is a pure function of ``(prompt, seed, sample_index)``: the random generator is
seeded from a BLAKE2 hash of the three (not Python's salted ``hash()``). All vocabulary is
prepared at import, so a 20-task reply costs a fraction of a millisecond; the HTTP mock
server (``synthgen.mock.server``) calls these functions on its event loop.

This module holds :class:`MockTeacher` and re-exports the public names. The work is done in
:mod:`~synthgen.mock.prompt` (how many tasks a prompt asks for),
:mod:`~synthgen.mock.replies` (items, flaws, whole replies, :func:`mock_reply`, token
counts), :mod:`~synthgen.mock.slots` (template slot filling) and
:mod:`~synthgen.mock.math_tasks` (arithmetic problems), with the words in
:mod:`~synthgen.mock.vocab`.
"""

from __future__ import annotations

from synthgen.mock.prompt import requested_task_count
from synthgen.mock.replies import (
    FLAW_KINDS,
    FLAW_RATE,
    _digest,
    count_tokens,
    mock_reply,
    truncate_to_tokens,
)
from synthgen.records import Completion, Usage
from synthgen.teacher.base import Message

__all__ = [
    "FLAW_KINDS",
    "FLAW_RATE",
    "MockTeacher",
    "count_tokens",
    "mock_reply",
    "requested_task_count",
    "truncate_to_tokens",
]


class MockTeacher:
    """In-process teacher backed by :func:`mock_reply` (implements ``Teacher``)."""

    def __init__(self, *, seed: int = 0, model: str = "mock", max_tokens: int | None = None):
        self.seed = seed
        self.model = model
        self.max_tokens = max_tokens

    async def complete(self, messages: list[Message], *, sample_index: int) -> Completion:
        """The reply to the joined message contents; cut with ``finish_reason="length"``
        when it exceeds ``max_tokens``."""
        prompt = "\n".join(m["content"] for m in messages)
        text = mock_reply(prompt, seed=self.seed, sample_index=sample_index)
        finish_reason = "stop"
        if self.max_tokens is not None:
            text, cut = truncate_to_tokens(text, self.max_tokens)
            finish_reason = "length" if cut else "stop"
        usage = Usage(prompt_tokens=count_tokens(prompt), completion_tokens=count_tokens(text))
        request_id = "mock-" + _digest(prompt, self.seed, sample_index).hex()[:12]
        return Completion(
            text=text, finish_reason=finish_reason, usage=usage, model=self.model, request_id=request_id
        )

    async def aclose(self) -> None:
        """Nothing to release."""
        return None
