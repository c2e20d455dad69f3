"""The row shapes synthgen reads and writes, told apart by their keys, and checked field by field.

    alpaca    {"instruction": str, "input": str, "output": str}          (Stanford Alpaca)
    messages  {"messages": [{"role": str, "content": str}, ...]}         (TRL conversational)
    sharegpt  {"conversations": [{"from": str, "value": str}, ...]}      (ShareGPT / FastChat)
    dpo       {"prompt": str, "chosen": str, "rejected": str}            (TRL preference, string form)
              or prompt/chosen/rejected as lists of {"role", "content"}  (its conversational form)

Field names follow TRL's "Dataset formats and types" guide (language-modeling conversational:
``messages``; preference: ``prompt``/``chosen``/``rejected``, each a string or a list of
role/content messages). Other top-level keys (an id, a score) are allowed and kept.
"""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

Shape = Literal["alpaca", "messages", "sharegpt", "dpo"]
SHAPES: tuple[Shape, ...] = ("alpaca", "messages", "sharegpt", "dpo")
ROLES = ("system", "user", "assistant")
# ShareGPT speaker names and the chat role each stands for (FastChat uses human/gpt).
SHAREGPT_ROLES = {
    "system": "system",
    "human": "user",
    "user": "user",
    "gpt": "assistant",
    "assistant": "assistant",
}
_MESSAGE_KEYS = {"messages": ("role", "content"), "sharegpt": ("from", "value")}


class Triple(NamedTuple):
    """What ``stats`` measures in any row: the task, its input, the answer (and a rejected one)."""

    instruction: str
    input: str
    output: str
    rejected: str | None = None


def detect_shape(row: Any) -> Shape | None:
    """The shape a row's keys announce, or None."""
    if not isinstance(row, dict):
        return None
    if isinstance(row.get("messages"), list):
        return "messages"
    if isinstance(row.get("conversations"), list):
        return "sharegpt"
    if {"prompt", "chosen", "rejected"} <= row.keys():
        return "dpo"
    if "instruction" in row:
        return "alpaca"
    return None


def row_problem(shape: Shape, row: Any) -> str | None:
    """The first thing wrong with ``row`` as a ``shape`` row, as ``field: message``; None if fine."""
    if not isinstance(row, dict):
        return "(record): expected a JSON object"
    if shape == "alpaca":
        return _string_fields(row, ("instruction",), ("input", "output"))
    if shape == "messages":
        return _turns_problem(row.get("messages"), "messages", "role", "content", ROLES)
    if shape == "sharegpt":
        turns = row.get("conversations")
        return _turns_problem(turns, "conversations", "from", "value", tuple(SHAREGPT_ROLES))
    return _dpo_problem(row)


def _string_fields(row: dict[str, Any], required: tuple[str, ...], optional: tuple[str, ...]) -> str | None:
    for name in required:
        if name not in row:
            return f"{name}: field required"
    for name in (*required, *optional):
        if name in row and not isinstance(row[name], str):
            return f"{name}: expected a string, got {type(row[name]).__name__}"
    return None


def _turns_problem(
    turns: Any, field: str, role_key: str, text_key: str, roles: tuple[str, ...]
) -> str | None:
    if not isinstance(turns, list):
        return f"{field}: expected a list of messages"
    if not turns:
        return f"{field}: empty conversation"
    for i, turn in enumerate(turns):
        if not isinstance(turn, dict):
            return f"{field}[{i}]: expected an object with {role_key!r} and {text_key!r}"
        if turn.get(role_key) not in roles:
            allowed = ", ".join(repr(r) for r in roles)
            return f"{field}[{i}].{role_key}: expected one of {allowed}, got {turn.get(role_key)!r}"
        if not isinstance(turn.get(text_key), str):
            return f"{field}[{i}].{text_key}: expected a string"
    return None


def _dpo_problem(row: dict[str, Any]) -> str | None:
    kinds = set()
    for name in ("prompt", "chosen", "rejected"):
        value = row.get(name)
        if name not in row:
            return f"{name}: field required"
        if isinstance(value, str):
            kinds.add(str)
        elif (problem := _turns_problem(value, name, "role", "content", ROLES)) is None:
            kinds.add(list)
        else:
            return (
                f"{name}: expected a string or a list of messages" if not isinstance(value, list) else problem
            )
    if len(kinds) > 1:
        return "prompt: mixes the string and the conversational form (TRL needs one form per row)"
    return None


def turns_of(shape: Shape, row: dict[str, Any]) -> list[dict[str, str]]:
    """A messages/sharegpt row's turns as role/content messages."""
    if shape == "sharegpt":
        return [{"role": SHAREGPT_ROLES[t["from"]], "content": t["value"]} for t in row["conversations"]]
    return [{"role": t["role"], "content": t["content"]} for t in row["messages"]]


def first_exchange(turns: list[dict[str, str]]) -> tuple[str, str]:
    """The first user turn and the assistant turn after it ("" when missing)."""
    for i, turn in enumerate(turns):
        if turn["role"] == "user":
            after = next((t["content"] for t in turns[i + 1 :] if t["role"] == "assistant"), "")
            return turn["content"], after
    return "", ""


def as_text(value: str | list[dict[str, str]], role: str) -> str:
    """A DPO field as text: the string itself, or its turns of ``role`` joined."""
    if isinstance(value, str):
        return value
    return "\n\n".join(t["content"] for t in value if t["role"] == role)


def triple_of(shape: Shape, row: dict[str, Any]) -> Triple:
    """The instruction, input and answer of a valid row (the first exchange of a conversation)."""
    if shape == "alpaca":
        return Triple(row["instruction"], row.get("input", ""), row.get("output", ""))
    if shape == "dpo":
        prompt = row["prompt"]
        instruction = prompt if isinstance(prompt, str) else first_exchange(prompt)[0]
        return Triple(
            instruction, "", as_text(row["chosen"], "assistant"), as_text(row["rejected"], "assistant")
        )
    user, assistant = first_exchange(turns_of(shape, row))
    return Triple(user, "", assistant)
