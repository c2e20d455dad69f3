"""Reasoning traces: where a reasoning model puts its thinking, and the training format.

Servers hand the trace over in one of three ways: a separate message field
(``reasoning_content`` from DeepSeek's API and vLLM/SGLang reasoning parsers, ``reasoning`` from
some other OpenAI-compatible servers; the caller passes whichever is set), a leading
``<think>...</think>`` block in the content (a reasoning model served without a parser), or only
the closing ``</think>`` (R1-style chat templates open the block in the prompt, so the reply
starts inside it). :func:`split_reasoning` reads all three; :func:`format_inline` (``io/traces.py``) writes the
format DeepSeek-R1's distilled models were trained on.
"""

from __future__ import annotations

from synthgen.io.traces import THINK_CLOSE, THINK_OPEN
from synthgen.io.traces import join_inline as format_inline

__all__ = ["THINK_CLOSE", "THINK_OPEN", "format_inline", "split_reasoning"]


def split_reasoning(content: str, reasoning: str | None) -> tuple[str | None, str]:
    """``(trace, answer)`` of one reply; ``trace`` is ``None`` when the reply has none.

    ``reasoning`` (the separate field) wins; a leading think block in ``content`` is removed
    from the answer either way, so no tag leaks into a dataset. A block that never closes (a
    reply cut off while thinking) is all trace, with an empty answer. Both parts are stripped
    of surrounding whitespace; an empty trace is ``None``.
    """
    inline_trace, answer = _split_inline(content)
    trace = reasoning if reasoning and reasoning.strip() else inline_trace
    trace = trace.strip() if trace else None
    return trace or None, answer.strip()


def _split_inline(content: str) -> tuple[str | None, str]:
    body = content.lstrip()
    if body.startswith(THINK_OPEN):
        inner = body[len(THINK_OPEN) :]
        trace, closed, answer = inner.partition(THINK_CLOSE)
        return (trace, answer) if closed else (inner, "")
    before, closed, answer = content.partition(THINK_CLOSE)
    if closed and THINK_OPEN not in before:  # the template opened the block in the prompt
        return before, answer
    return None, content
