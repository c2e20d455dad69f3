"""Rows of an existing dataset as prompts for a teacher to answer (``synthgen respond``).

Accepted shapes, per row (JSON Lines or a JSON array):

* Alpaca: ``instruction`` and optional ``input``; the prompt is the instruction, then a blank
  line and the input when there is one;
* self-instruct seeds: ``instruction`` and ``instances[0].input`` (its ``output`` is the
  reference answer);
* ``prompt``: a string;
* chat ``messages``: a list of ``{"role", "content"}``; trailing assistant turns are dropped,
  and the last turn left must be the user's. A trace on an earlier turn (``reasoning_content``,
  or the older ``reasoning``) is not sent, but kept in :attr:`PromptRow.traces` to be written
  back; an inline ``<think>`` block stays in its turn's content;
* ``--prompt-field F``: the string in field ``F``.

A bad row stops the command before any request, with ``file:line: field: problem``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synthgen.errors import InputError
from synthgen.io.readers import Located, read_json_values
from synthgen.io.traces import turn_trace
from synthgen.records import Message


@dataclass(frozen=True)
class PromptRow:
    """One row to answer: what to send, what to write back, and the reference if any."""

    line: int
    instruction: str  # written back byte-exact (Alpaca format)
    input: str
    messages: list[Message]  # the conversation to send (no system message)
    reference: Any = None  # the raw reference value (checked by the verifier)
    source: dict[str, Any] | None = None  # the row as read, for the unsolved file
    traces: tuple[str | None, ...] = ()  # a chat row's trace fields, turn by turn (None: none)


def load_prompt_rows(
    path: Path, *, prompt_field: str | None, reference_field: str | None, output_as_reference: bool
) -> list[PromptRow]:
    """Every row of ``path`` as a :class:`PromptRow`; InputError lists every bad row."""
    rows: list[PromptRow] = []
    problems: list[str] = []
    for item in read_json_values(path):
        try:
            rows.append(_row(item, prompt_field, reference_field, output_as_reference))
        except ValueError as exc:
            problems.append(f"{path}:{item.line}: {exc}")
    if problems:
        raise InputError(problems)
    return rows


def _row(
    item: Located, prompt_field: str | None, reference_field: str | None, output_as_reference: bool
) -> PromptRow:
    value = item.value
    if not isinstance(value, dict):
        raise ValueError("(record): expected a JSON object")
    reference = value.get(reference_field) if reference_field else None
    if prompt_field is not None:
        text = string_field(value, prompt_field)
        return PromptRow(item.line, text, "", [user_turn(text)], reference, value)
    if "messages" in value:
        return _chat_row(item.line, value, reference)
    if "instruction" in value:
        instruction = string_field(value, "instruction")
        if isinstance(value.get("instances"), list):  # a self-instruct seed
            first = value["instances"][0] if value["instances"] else {}
            input_text = first.get("input", "") if isinstance(first, dict) else ""
            if reference is None and isinstance(first, dict):
                reference = first.get("output")
        else:
            input_text = string_field(value, "input", allow_empty=True) if "input" in value else ""
            if reference is None and output_as_reference:
                reference = value.get("output")
        prompt = alpaca_prompt(instruction, input_text)
        return PromptRow(item.line, instruction, input_text, [user_turn(prompt)], reference, value)
    if "prompt" in value:
        text = string_field(value, "prompt")
        return PromptRow(item.line, text, "", [user_turn(text)], reference, value)
    raise ValueError(
        "(record): no prompt: expected 'instruction', 'prompt' or 'messages' (or pass --prompt-field)"
    )


def parse_turns(turns: Any) -> list[Message]:
    """A row's ``messages`` as ``{role, content}`` turns; ValueError naming the bad turn."""
    if not isinstance(turns, list) or not turns:
        raise ValueError("messages: expected a non-empty list of {role, content}")
    messages: list[Message] = []
    for number, turn in enumerate(turns):
        if not (
            isinstance(turn, dict)
            and isinstance(turn.get("role"), str)
            and isinstance(turn.get("content"), str)
        ):
            raise ValueError(f"messages[{number}]: expected {{'role': str, 'content': str}}")
        messages.append({"role": turn["role"], "content": turn["content"]})
    return messages


def _chat_row(line: int, value: dict[str, Any], reference: Any) -> PromptRow:
    messages = parse_turns(value["messages"])
    while messages and messages[-1]["role"] == "assistant":
        messages.pop()
    if not messages or messages[-1]["role"] != "user":
        raise ValueError("messages: the last turn (after any assistant turns) must be the user's")
    traces = tuple(turn_trace(turn) for turn in value["messages"][: len(messages)])
    return PromptRow(line, messages[-1]["content"], "", messages, reference, value, traces)


def string_field(value: dict[str, Any], field: str, *, allow_empty: bool = False) -> str:
    """``value[field]`` as a string; ValueError naming the field when missing, not a string or empty."""
    if field not in value:
        raise ValueError(f"{field}: field required")
    text = value[field]
    if not isinstance(text, str):
        raise ValueError(f"{field}: expected a string, got {type(text).__name__}")
    if not text.strip() and not allow_empty:
        raise ValueError(f"{field}: empty")
    return text


def alpaca_prompt(instruction: str, input_text: str) -> str:
    """What an Alpaca row asks: the instruction, then a blank line and the input if any."""
    return f"{instruction}\n\n{input_text}" if input_text else instruction


def user_turn(text: str) -> Message:
    return {"role": "user", "content": text}
