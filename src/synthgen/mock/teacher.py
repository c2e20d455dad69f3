"""The built-in deterministic mock teacher.

:func:`mock_reply` answers a prompt the way a chat model would, without a model:

- A prompt that asks for new tasks ("write 20 new tasks", "numbered 1 to 20", or example
  blocks ``N. Instruction: ...``; 20 when no count is given, at most 100) gets that many
  tasks in the block format of :func:`synthgen.recipes.prompts.format_example`. Like a real
  teacher it sometimes adds a sentence before or after the list, and about one reply in
  five uses another label style (``N. **Instruction:**`` or ``Instruction N:``).
- A ``synthgen evolve`` prompt (an ``[Original task]`` label line) gets the task evolved the
  way the prompt asks (:mod:`synthgen.mock.evolve`).
- A prompt with a ``[mock: answer]`` line gets the text after it (:mod:`synthgen.mock.scripted`),
  so that a test can see what synthgen does with a given answer.
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

from typing import Any

from synthgen.mock.judge import wants_json
from synthgen.mock.logprobs import token_logprobs
from synthgen.mock.prompt import requested_task_count
from synthgen.mock.replies import (
    FLAW_KINDS,
    FLAW_RATE,
    MockAnswer,
    ReasoningMode,
    count_tokens,
    fit_answer,
    mock_answer,
    mock_reply,
    reply_digest,
    truncate_to_tokens,
)
from synthgen.records import Completion, TokenLogprobs, Usage
from synthgen.teacher.base import Message
from synthgen.teacher.logprobs import parse_logprobs

__all__ = [
    "FLAW_KINDS",
    "FLAW_RATE",
    "MockAnswer",
    "MockTeacher",
    "ReasoningMode",
    "count_tokens",
    "fit_answer",
    "mock_answer",
    "mock_reply",
    "requested_task_count",
    "truncate_to_tokens",
]


class MockTeacher:
    """In-process teacher backed by :func:`mock_answer` (implements ``Teacher``).

    ``wrong_answer_rate`` and ``reasoning`` are those of :func:`mock_answer`; with
    ``reasoning="field"`` the trace arrives in :attr:`Completion.reasoning`.
    """

    def __init__(
        self,
        *,
        seed: int = 0,
        model: str = "mock",
        max_tokens: int | None = None,
        wrong_answer_rate: float = 0.0,
        reasoning: ReasoningMode = "none",
    ):
        if not 0 <= wrong_answer_rate <= 1:
            raise ValueError(f"wrong_answer_rate must be from 0 to 1, got {wrong_answer_rate}")
        self.seed = seed
        self.model = model
        self.max_tokens = max_tokens
        self.wrong_answer_rate = wrong_answer_rate
        self.reasoning: ReasoningMode = reasoning

    def batch_unsupported(self) -> str | None:
        """Why this mock cannot take ``--batch`` (None: it can). Its Batch API answers each line
        from what the line carries (messages, sampling, ``seed`` + sample number) as a plain mock
        with that ``--seed`` would; a mock built with options a line does not carry would get
        other answers from its batches than live, so it has no Batch API."""
        if self.wrong_answer_rate or self.reasoning != "none" or self.model != "mock":
            return "a batch line does not carry its wrong-answer rate, reasoning mode or model name"
        return None

    async def complete(
        self, messages: list[Message], *, sample_index: int, extra_body: dict[str, Any] | None = None
    ) -> Completion:
        """:meth:`answer`, as a teacher."""
        return self.answer(messages, sample_index=sample_index, extra_body=extra_body)

    def answer(
        self, messages: list[Message], *, sample_index: int, extra_body: dict[str, Any] | None = None
    ) -> Completion:
        """The reply to the joined message contents; cut with ``finish_reason="length"``
        when it (trace included) exceeds ``max_tokens``. With ``logprobs: true`` in
        ``extra_body``, the soft targets the mock server would send (:mod:`synthgen.mock.logprobs`);
        with a ``response_format`` asking for JSON, a judge's grade comes as JSON."""
        prompt = "\n".join(m["content"] for m in messages)
        answer = mock_answer(
            prompt,
            seed=self.seed,
            sample_index=sample_index,
            wrong_answer_rate=self.wrong_answer_rate,
            reasoning=self.reasoning,
            json_mode=wants_json((extra_body or {}).get("response_format")),
        )
        cut = False
        if self.max_tokens is not None:
            answer, cut = fit_answer(answer, self.max_tokens)
        completion_tokens = count_tokens(answer.content)
        if answer.reasoning:  # count_tokens("") is 1
            completion_tokens += count_tokens(answer.reasoning)
        usage = Usage(prompt_tokens=count_tokens(prompt), completion_tokens=completion_tokens)
        request_id = "mock-" + reply_digest(prompt, self.seed, sample_index).hex()[:12]
        return Completion(
            text=answer.content,
            reasoning=answer.reasoning,
            finish_reason="length" if cut else "stop",
            usage=usage,
            model=self.model,
            request_id=request_id,
            logprobs=_soft_targets(answer.content, extra_body),
        )

    async def aclose(self) -> None:
        """Nothing to release."""
        return None


def _soft_targets(content: str, extra_body: dict[str, Any] | None) -> TokenLogprobs | None:
    """What the mock server sends for the content, read as a real teacher's answer would be."""
    if not extra_body or extra_body.get("logprobs") is not True:
        return None
    entries = token_logprobs(content, int(extra_body.get("top_logprobs") or 0))
    return parse_logprobs({"logprobs": {"content": entries}})
