"""Convert rows between the shapes of :mod:`synthgen.io.shapes`, through one :class:`Example`.

What each conversion keeps (round trips are exact where both shapes can hold the data):

* messages <-> sharegpt: everything (roles user/assistant/system <-> human/gpt/system).
* alpaca -> messages/sharegpt: the user turn is the instruction, then a blank line and the
  input when there is one (chat formats have no separate input, so coming back the input
  stays inside the instruction); a ``system`` key becomes the system turn and back.
* messages/sharegpt -> alpaca: only single-exchange conversations ([system,] user, assistant).
* dpo -> the others: the chosen answer is the answer, the rejected one is kept under a
  ``rejected`` key, so converting back to dpo restores the row. Anything -> dpo needs it.
* dpo string form <-> conversational form: exact for a single user prompt (no system turn
  in the string form).

Other top-level keys (ids, scores, ...) are kept as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from synthgen.io.shapes import Shape, turns_of

_SHAREGPT_NAMES = {"user": "human", "assistant": "gpt", "system": "system"}
_OWN_KEYS: dict[Shape, tuple[str, ...]] = {
    "alpaca": ("instruction", "input", "output", "system", "rejected"),
    "messages": ("messages", "rejected"),
    "sharegpt": ("conversations", "rejected"),
    "dpo": ("prompt", "chosen", "rejected"),
}


class ConversionError(ValueError):
    """A row the target shape cannot hold; ``str`` is ``field: message``."""


@dataclass
class Example:
    """One row in any shape: its conversation (ending with the chosen answer), a rejected
    answer (preference data) and the row's other keys."""

    turns: list[dict[str, str]]
    rejected: list[dict[str, str]] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def to_example(shape: Shape, row: dict[str, Any]) -> Example:
    """A valid ``shape`` row as an :class:`Example`."""
    extra = {k: v for k, v in row.items() if k not in _OWN_KEYS[shape]}
    if shape == "dpo":
        prompt, chosen, rejected = row["prompt"], row["chosen"], row["rejected"]
        if isinstance(prompt, str):
            return Example([_user(prompt), _assistant(chosen)], [_assistant(rejected)], extra)
        return Example([*map(dict, prompt), *map(dict, chosen)], list(map(dict, rejected)), extra)
    rejected = _rejected_key(row.get("rejected"))
    if rejected is None and "rejected" in row:  # not an answer: an ordinary extra key
        extra["rejected"] = row["rejected"]
    if shape == "alpaca" and "system" in row and not isinstance(row["system"], str):
        extra["system"] = row["system"]
    if shape == "alpaca":
        user = row["instruction"] + (f"\n\n{row['input']}" if row.get("input") else "")
        system = [{"role": "system", "content": row["system"]}] if isinstance(row.get("system"), str) else []
        return Example([*system, _user(user), _assistant(row.get("output", ""))], rejected, extra)
    return Example(turns_of(shape, row), rejected, extra)


def from_example(example: Example, shape: Shape, *, conversational: bool = False) -> dict[str, Any]:
    """``example`` as a ``shape`` row; ``conversational`` picks TRL's list form for dpo.

    Raises ConversionError when the shape cannot hold it.
    """
    if shape == "dpo":
        return {**_dpo_row(example, conversational), **example.extra}
    if shape == "alpaca":
        row = _alpaca_row(example.turns)
    elif shape == "messages":
        row = {"messages": [dict(t) for t in example.turns]}
    else:
        row = {
            "conversations": [
                {"from": _SHAREGPT_NAMES[t["role"]], "value": t["content"]} for t in example.turns
            ]
        }
    if example.rejected is not None:
        row["rejected"] = _single_answer(example.rejected)
    return {**row, **example.extra}


def _alpaca_row(turns: list[dict[str, str]]) -> dict[str, Any]:
    roles = [t["role"] for t in turns]
    if roles not in (["user", "assistant"], ["system", "user", "assistant"]):
        raise ConversionError(
            f"messages: {len(turns)} turns ({', '.join(roles)}): an alpaca row holds one "
            "instruction and one answer; keep it in messages or sharegpt"
        )
    row = {"instruction": turns[-2]["content"], "input": "", "output": turns[-1]["content"]}
    if roles[0] == "system":
        row["system"] = turns[0]["content"]
    return row


def _dpo_row(example: Example, conversational: bool) -> dict[str, Any]:
    if example.rejected is None:
        raise ConversionError("rejected: no rejected answer: dpo rows need prompt, chosen and rejected")
    split = len(example.turns)
    while split > 0 and example.turns[split - 1]["role"] == "assistant":
        split -= 1
    prompt, chosen = example.turns[:split], example.turns[split:]
    if not prompt or not chosen:
        raise ConversionError("messages: a preference row needs a prompt and an answer after it")
    if conversational:
        return {"prompt": prompt, "chosen": chosen, "rejected": example.rejected}
    if [t["role"] for t in prompt] != ["user"]:
        raise ConversionError(
            "prompt: more than one user turn or a system turn cannot be a string prompt; use --conversational"
        )
    answers = {"chosen": _single_answer(chosen), "rejected": _single_answer(example.rejected)}
    for name, answer in answers.items():
        if not isinstance(answer, str):
            raise ConversionError(f"{name}: not one assistant turn: cannot be a string; use --conversational")
    return {"prompt": prompt[0]["content"], **answers}


def _single_answer(turns: list[dict[str, str]]) -> Any:
    """One assistant turn as its text; anything else stays a list of messages."""
    if len(turns) == 1 and turns[0]["role"] == "assistant":
        return turns[0]["content"]
    return [dict(t) for t in turns]


def _rejected_key(value: Any) -> list[dict[str, str]] | None:
    if isinstance(value, str):
        return [_assistant(value)]
    if isinstance(value, list) and all(
        isinstance(t, dict) and {"role", "content"} <= t.keys() for t in value
    ):
        return [{"role": t["role"], "content": t["content"]} for t in value]
    return None


def _user(text: str) -> dict[str, str]:
    return {"role": "user", "content": text}


def _assistant(text: str) -> dict[str, str]:
    return {"role": "assistant", "content": text}
