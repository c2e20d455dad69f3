"""Where a dataset row keeps a reasoning trace, and the inline ``<think>`` form of it.

What the consumers read (checked for issue 23):

* chat templates in ``transformers`` (Qwen3's, and the templates derived from it) read
  ``reasoning_content`` on an assistant message, and fall back to splitting a ``<think>``
  block off the content; TRL's trainers hand each message to that template unchanged;
* axolotl's ``chat_template`` datasets read ``reasoning_content`` per message by default
  (its ``field_thinking`` / ``template_thinking_key`` options rename it);
* LLaMA-Factory's alpaca and sharegpt layouts have no trace field: its reasoning templates
  look for ``<think>...</think>`` at the start of the answer text;
* DeepSeek's API and the vLLM/SGLang reasoning parsers send the trace as ``reasoning_content``.

So chat rows hold the trace in ``reasoning_content`` on the assistant turn, and formats without
a trace field hold it inline, ``<think>\\n{trace}\\n</think>\\n\\n{answer}`` (the format
DeepSeek-R1's distilled models were trained on), which :func:`split_inline` reads back exactly.
"""

from __future__ import annotations

THINK_OPEN = "<think>"
THINK_CLOSE = "</think>"
TRACE_KEY = "reasoning_content"
LEGACY_TRACE_KEY = "reasoning"  # synthgen < 0.x wrote the trace under this key on the turn
_EXACT_OPEN, _EXACT_CLOSE = f"{THINK_OPEN}\n", f"\n{THINK_CLOSE}\n\n"


def join_inline(trace: str | None, answer: str) -> str:
    """``<think>\\n{trace}\\n</think>\\n\\n{answer}``; just the answer when there is no trace."""
    if not trace:
        return answer
    return f"{_EXACT_OPEN}{trace}{_EXACT_CLOSE}{answer}"


def split_inline(text: str) -> tuple[str | None, str]:
    """``(trace, answer)`` of an answer text; ``(None, text)`` when it opens with no think block.

    The form :func:`join_inline` writes comes back exactly. A leading ``<think>...</think>``
    written any other way is split too, both parts stripped. A block that never closes is all
    trace (an answer cut off while thinking). A ``</think>`` with no opening tag is left alone:
    in a dataset it is more likely text about the tag than a trace.
    """
    if text.startswith(_EXACT_OPEN) and _EXACT_CLOSE in text:
        trace, _, answer = text[len(_EXACT_OPEN) :].partition(_EXACT_CLOSE)
        return trace, answer
    body = text.lstrip()
    if not body.startswith(THINK_OPEN):
        return None, text
    trace, closed, answer = body[len(THINK_OPEN) :].partition(THINK_CLOSE)
    return (trace.strip() or None), (answer.strip() if closed else "")


def strip_traces(turns: list[dict]) -> list[dict]:
    """``turns`` without any trace (``--drop-reasoning``): no trace field, and no inline block
    opening an assistant turn's content."""
    out = []
    for turn in turns:
        turn = {k: v for k, v in turn.items() if k not in (TRACE_KEY, LEGACY_TRACE_KEY)}
        if turn["role"] == "assistant":
            turn["content"] = split_inline(turn["content"])[1]
        out.append(turn)
    return out


def turn_trace(turn: dict) -> str | None:
    """The trace a chat turn carries in its field (``reasoning_content``, or the older
    ``reasoning``); None when it has none (a null from a columnar file counts as none)."""
    for key in (TRACE_KEY, LEGACY_TRACE_KEY):
        value = turn.get(key)
        if isinstance(value, str) and value:
            return value
    return None
