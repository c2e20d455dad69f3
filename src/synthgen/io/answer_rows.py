"""Rows that hold an answer to judge (``synthgen judge``, ``synthgen pairs``).

Accepted shapes, per row (JSON Lines or a JSON array):

* Alpaca: ``instruction``, optional ``input``, and ``output`` (the answer);
* chat ``messages``: a list of ``{"role", "content"}`` whose last turn is the assistant's
  answer; the turns before it (a user turn among them) are the prompt. Their trace fields
  (``reasoning_content``, or the older ``reasoning``) are kept in
  :attr:`AnswerRow.prompt_traces`, to be written back; an inline ``<think>`` stays in its content.

Either way the answer's reasoning trace is read (from the turn's ``reasoning_content``, or a
leading ``<think>`` block), so both shapes give the same :class:`AnswerRow`.

A bad row stops the command before any request, with ``file:line: field: problem`` for every
bad row. Beside the dataset, its meta file (``IN.meta.jsonl``, as ``respond`` writes it) may say
which answers were verified correct; :func:`load_answer_meta` reads it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synthgen.errors import InputError
from synthgen.io.beside import meta_path
from synthgen.io.prompt_rows import alpaca_prompt, parse_turns, string_field, user_turn
from synthgen.io.readers import Located, read_json_values
from synthgen.io.traces import join_inline, split_inline, turn_trace
from synthgen.records import Message


@dataclass(frozen=True)
class AnswerRow:
    """One answer and what it answers."""

    line: int
    prompt: list[Message]  # the conversation before the answer
    answer: str  # written back as read (an inline reasoning trace included)
    source: dict[str, Any]  # the row as read
    chat: bool  # read from a ``messages`` row
    trace: str | None = None  # the answer's reasoning trace: its turn's field, or inline
    reply: str = ""  # the answer without its trace
    prompt_traces: tuple[str | None, ...] = ()  # the prompt turns' trace fields (None: none)

    @property
    def with_trace(self) -> str:
        """The answer as one text, its trace inline (the same for both input shapes)."""
        return join_inline(self.trace, self.reply)

    @property
    def alpaca(self) -> tuple[str, str] | None:
        """``(instruction, input)`` when the row can be written as an Alpaca record."""
        if not self.chat:
            return self.source["instruction"], self.source.get("input", "")
        if len(self.prompt) == 1 and self.prompt[0]["role"] == "user":
            return self.prompt[0]["content"], ""
        return None


def load_answer_rows(path: Path) -> list[AnswerRow]:
    """Every row of ``path``; InputError lists every bad row."""
    rows: list[AnswerRow] = []
    problems: list[str] = []
    for item in read_json_values(path):
        try:
            rows.append(_row(item))
        except ValueError as exc:
            problems.append(f"{path}:{item.line}: {exc}")
    if problems:
        raise InputError(problems)
    return rows


def _row(item: Located) -> AnswerRow:
    value = item.value
    if not isinstance(value, dict):
        raise ValueError("(record): expected a JSON object")
    if "messages" in value:
        turns = parse_turns(value["messages"])
        if turns[-1]["role"] != "assistant":
            raise ValueError("messages: the last turn must be the assistant's answer to judge")
        if not any(turn["role"] == "user" for turn in turns[:-1]):
            raise ValueError("messages: no user turn before the answer")
        content = turns[-1]["content"]
        field_trace = turn_trace(value["messages"][-1])
        trace, reply = (field_trace, content) if field_trace else split_inline(content)
        prompt_traces = tuple(turn_trace(turn) for turn in value["messages"][:-1])
        return AnswerRow(item.line, turns[:-1], content, value, True, trace, reply, prompt_traces)
    if "instruction" in value:
        instruction = string_field(value, "instruction")
        input_text = string_field(value, "input", allow_empty=True) if "input" in value else ""
        answer = string_field(value, "output", allow_empty=True)
        prompt = [user_turn(alpaca_prompt(instruction, input_text))]
        return AnswerRow(item.line, prompt, answer, value, False, *split_inline(answer))
    raise ValueError("(record): no answer: expected 'instruction' and 'output', or 'messages'")


def load_answer_meta(path: Path, rows: int) -> list[dict[str, Any]] | None:
    """The meta lines of dataset ``path`` (one per row), or ``None`` when it has no meta file.

    InputError when the meta file does not match the dataset line for line.
    """
    meta = meta_path(path)
    if not meta.exists():
        return None
    lines: list[dict[str, Any]] = []
    for number, text in enumerate(meta.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"{meta}:{number}: invalid JSON: {exc.msg}") from exc
        lines.append(value if isinstance(value, dict) else {})
    if len(lines) != rows:
        raise InputError(
            f"{meta}: {len(lines)} lines for {rows} rows in {path}; "
            "it must be the meta file written with that dataset (or remove it)"
        )
    return lines
