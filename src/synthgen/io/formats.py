"""Read a row of any shape of :mod:`synthgen.io.shapes` into one :class:`Example`, and back.

An Example is the conversation (ending with the chosen answer when there is one), a rejected
answer (preference data), a label (unpaired preference) and the row's other keys. A trace rides
on its assistant turn as ``reasoning_content``; shapes without a trace field get it inline in
``<think>`` and give it back when read (:mod:`synthgen.io.traces`). The writers for each shape
are in :mod:`synthgen.io.layouts`; they refuse, rather than drop, what a shape cannot hold.

What survives (round trips are exact where both shapes can hold the data):

* messages <-> sharegpt: everything (roles user/assistant/system <-> human/gpt/system, traces
  inline in sharegpt);
* alpaca -> chat shapes: the user turn is the instruction, then a blank line and the input when
  there is one (coming back, the input stays inside the instruction);
* chat -> alpaca: only single exchanges ([system,] user, assistant);
* preference rows: dpo, alpaca and sharegpt (LLaMA-Factory's preference layouts) and kto (two
  rows per pair); unpaired preference rows: kto, alpaca and sharegpt (``kto_tag``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from synthgen.io.prompt_rows import alpaca_prompt
from synthgen.io.shapes import TRL_KEYS, Shape, turns_of
from synthgen.io.traces import LEGACY_TRACE_KEY, TRACE_KEY, split_inline, strip_traces, turn_trace

Turn = dict[str, Any]  # role, content, maybe reasoning_content and other keys
_OWN_KEYS: dict[Shape, tuple[str, ...]] = {
    "alpaca": ("instruction", "input", "output", "system", "chosen", "rejected", "kto_tag"),
    "messages": ("messages", "rejected"),
    "sharegpt": ("conversations", "chosen", "rejected", "kto_tag"),
    "dpo": ("prompt", "chosen", "rejected"),
    "prompt-completion": ("prompt", "completion"),
    "kto": ("prompt", "completion", "label"),
    "prompt-only": ("prompt",),
}


class ConversionError(ValueError):
    """A row the target shape cannot hold; ``str`` is ``field: message``."""


@dataclass
class Example:
    """One row in any shape (see the module docstring)."""

    turns: list[Turn]
    rejected: list[Turn] | None = None
    label: bool | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    alpaca_fields: tuple[str, str] | None = None  # (instruction, input) as an alpaca row had them

    @property
    def answered(self) -> bool:
        """Whether the conversation ends with an answer that says something."""
        last = self.turns[-1] if self.turns else None
        return bool(last and last["role"] == "assistant" and (last["content"].strip() or turn_trace(last)))

    def split(self) -> tuple[list[Turn], list[Turn]]:
        """``(prompt, answer)``: the turns before the trailing assistant turns, and those."""
        cut = len(self.turns)
        while cut > 0 and self.turns[cut - 1]["role"] == "assistant":
            cut -= 1
        return self.turns[:cut], self.turns[cut:]

    def without_traces(self) -> Example:
        """This example with every trace removed (``--drop-reasoning``), inline ones too."""
        strip = strip_traces
        rejected = None if self.rejected is None else strip(self.rejected)
        return Example(strip(self.turns), rejected, self.label, self.extra, self.alpaca_fields)


def to_example(shape: Shape, row: dict[str, Any]) -> Example:
    """A valid ``shape`` row as an :class:`Example`."""
    extra = {k: v for k, v in row.items() if k not in _OWN_KEYS[shape]}
    if shape in TRL_KEYS:
        return _trl_example(shape, row, extra)
    if shape == "alpaca":
        return _alpaca_example(row, extra)
    turns = [_normal_turn(t) for t in turns_of(shape, row)]
    if shape == "sharegpt":
        turns = [_split_turn(t) for t in turns]
    example = Example(turns, extra=extra)
    if shape == "sharegpt" and isinstance(row.get("chosen"), dict):
        example.turns.append(_answer(row["chosen"]["value"]))
        example.rejected = [_answer(row["rejected"]["value"])]
    else:
        example.rejected = _legacy_rejected(row, extra)
    example.label = row.get("kto_tag") if shape == "sharegpt" else None
    return example


def _alpaca_example(row: dict[str, Any], extra: dict[str, Any]) -> Example:
    instruction, input_text = row["instruction"], row.get("input", "")
    user = alpaca_prompt(instruction, input_text)
    system = [{"role": "system", "content": row["system"]}] if "system" in row else []
    answer = row.get("chosen", row.get("output", ""))
    turns = [*system, {"role": "user", "content": user}]
    if answer.strip():
        turns.append(_answer(answer))
    rejected = [_answer(row["rejected"])] if "rejected" in row else None
    return Example(turns, rejected, row.get("kto_tag"), extra, (instruction, input_text))


def _trl_example(shape: Shape, row: dict[str, Any], extra: dict[str, Any]) -> Example:
    prompt = row["prompt"]
    turns = [{"role": "user", "content": prompt}] if isinstance(prompt, str) else _turn_list(prompt)
    answer = row.get("chosen", row.get("completion"))
    if answer is not None:
        turns += [_answer(answer)] if isinstance(answer, str) else _turn_list(answer)
    rejected = row.get("rejected")
    if rejected is not None:
        rejected = [_answer(rejected)] if isinstance(rejected, str) else _turn_list(rejected)
    return Example(turns, rejected, row.get("label") if shape == "kto" else None, extra)


def _turn_list(turns: list[dict[str, Any]]) -> list[Turn]:
    return [_normal_turn(t) for t in turns]


def _normal_turn(turn: Turn) -> Turn:
    """A turn with its trace under ``reasoning_content`` (older synthgen wrote ``reasoning``),
    without nulls or an empty trace."""
    turn = {k: v for k, v in turn.items() if v is not None}
    if turn["role"] == "assistant" and TRACE_KEY not in turn and isinstance(turn.get(LEGACY_TRACE_KEY), str):
        turn[TRACE_KEY] = turn.pop(LEGACY_TRACE_KEY)
    if turn.get(TRACE_KEY) == "":
        del turn[TRACE_KEY]
    return turn


def _split_turn(turn: Turn) -> Turn:
    """An assistant turn of a format without a trace field: its inline trace into the field."""
    if turn["role"] != "assistant" or TRACE_KEY in turn:
        return turn
    trace, content = split_inline(turn["content"])
    return {**turn, "content": content, **({TRACE_KEY: trace} if trace else {})}


def _answer(text: str) -> Turn:
    return _split_turn({"role": "assistant", "content": text})


def _legacy_rejected(row: dict[str, Any], extra: dict[str, Any]) -> list[Turn] | None:
    """Older synthgen kept a rejected answer beside messages/sharegpt rows; read it back."""
    value = row.get("rejected")
    if isinstance(value, str):
        return [_answer(value)]
    if isinstance(value, list) and all(
        isinstance(t, dict) and {"role", "content"} <= t.keys() for t in value
    ):
        return _turn_list(value)
    if "rejected" in row:
        extra["rejected"] = value  # not an answer: an ordinary extra key
    return None
