"""The rows ``synthgen pairs`` writes: TRL's preference record, standard or conversational.

TRL's standard form holds strings (a trace inline in ``<think>``, io/traces.py), its
conversational form lists of messages (a trace in ``reasoning_content`` on its turn).
"""

from __future__ import annotations

from typing import Any, Literal

from synthgen.engine.recipe import Row
from synthgen.io.answer_rows import AnswerRow
from synthgen.io.traces import TRACE_KEY
from synthgen.recipes.judgement import prompt_text
from synthgen.teacher.base import Message

PairFormat = Literal["standard", "messages"]
PromptField = str | list[dict[str, Any]]  # a row's ``prompt``: the text, or the conversation


def pair_prompt(
    prompt: list[Message], row_format: PairFormat, traces: tuple[str | None, ...] | None = None
) -> PromptField:
    """The ``prompt`` field: the text (standard) or the conversation (conversational).

    ``traces``: the turns' trace fields, written back as read (as ``respond`` writes an input's
    earlier turns), when some prompt of the file has one: then every turn of every row gets
    the key, null where there is none (io/traces.py: rows whose turns differ in keys make
    ``datasets`` read the column as ``List(Json)``). ``None``: no key, as in a file without any.
    The standard prompt is the user's text only; commands/pairs.py refuses a trace field there.
    """
    if row_format == "standard":
        return prompt_text(prompt)
    if traces is None:
        return [dict(turn) for turn in prompt]
    return [{**turn, TRACE_KEY: traces[i] if i < len(traces) else None} for i, turn in enumerate(prompt)]


def preference_row(
    prompt: PromptField, chosen: AnswerRow, rejected: AnswerRow, row_format: PairFormat, *, traced: bool
) -> Row:
    """TRL's preference record: standard (strings, a trace inline in ``<think>``) or
    conversational (lists of messages, a trace in ``reasoning_content``), whichever shape the
    answers were read from. ``traced``: some answers of the file carry a trace, so every
    answer turn gets the key (null where there is none): rows whose turns differ in keys make
    ``datasets`` read the column as ``List(Json)`` instead of a list of structs."""
    if row_format == "standard":
        return {
            "prompt": prompt,
            "chosen": chosen.with_trace,
            "rejected": rejected.with_trace,
        }
    traced = traced or chosen.trace is not None or rejected.trace is not None
    return {
        "prompt": prompt,
        "chosen": [_assistant(chosen, traced)],
        "rejected": [_assistant(rejected, traced)],
    }


def _assistant(answer: AnswerRow, traced: bool) -> dict[str, Any]:
    """The answer's turn; with ``traced``, with the trace key (null when it has none)."""
    turn: dict[str, Any] = {"role": "assistant", "content": answer.reply}
    if traced:
        turn[TRACE_KEY] = answer.trace
    return turn
