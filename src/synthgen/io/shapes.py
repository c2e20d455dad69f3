"""The row shapes synthgen reads and writes, told apart by their keys, and checked field by field.

    alpaca             LLaMA-Factory's alpaca layouts: {"instruction", "input", "output"} (SFT),
                       {"instruction", "input", "chosen", "rejected"} (preference), plus
                       "kto_tag": bool (KTO); optional "system"
    messages           {"messages": [{"role", "content", "reasoning_content"?}, ...]}  (TRL LM, conversational)
    sharegpt           {"conversations": [{"from", "value"}, ...]}; preference rows end with the
                       human turn and add "chosen"/"rejected": {"from": "gpt", "value"} (LLaMA-Factory)
    dpo                {"prompt", "chosen", "rejected"}                  (TRL preference)
    prompt-completion  {"prompt", "completion"}                          (TRL prompt-completion)
    kto                {"prompt", "completion", "label": bool}           (TRL unpaired preference)
    prompt-only        {"prompt"}                                        (TRL prompt-only)

The TRL shapes are standard (strings) or conversational (lists of role/content messages), never
both in one row: TRL's ``is_conversational`` looks at one of the row's keys, whichever the set
yields first, so a row mixing the forms is read differently from one run to the next. Other
top-level keys (an id, a score) are allowed and kept.
"""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

Shape = Literal["alpaca", "messages", "sharegpt", "dpo", "prompt-completion", "kto", "prompt-only"]
SHAPES: tuple[Shape, ...] = (
    "alpaca",
    "messages",
    "sharegpt",
    "dpo",
    "prompt-completion",
    "kto",
    "prompt-only",
)
ROLES = ("system", "user", "assistant")
# ShareGPT speaker names and the chat role each stands for (FastChat uses human/gpt).
SHAREGPT_ROLES = {
    "system": "system",
    "human": "user",
    "user": "user",
    "gpt": "assistant",
    "assistant": "assistant",
}
# The keys of each TRL shape, each a string or a list of messages.
TRL_KEYS: dict[Shape, tuple[str, ...]] = {
    "dpo": ("prompt", "chosen", "rejected"),
    "prompt-completion": ("prompt", "completion"),
    "kto": ("prompt", "completion"),
    "prompt-only": ("prompt",),
}


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
    if "instruction" in row:
        return "alpaca"
    if {"prompt", "chosen", "rejected"} <= row.keys():
        return "dpo"
    if {"prompt", "completion"} <= row.keys():
        return "kto" if "label" in row else "prompt-completion"
    if "prompt" in row:
        return "prompt-only"
    return None


def row_problem(shape: Shape, row: Any) -> str | None:
    """The first thing wrong with ``row`` as a ``shape`` row, as ``field: message``; None if fine."""
    if not isinstance(row, dict):
        return "(record): expected a JSON object"
    if shape == "alpaca":
        return _alpaca_problem(row)
    if shape == "messages":
        return _turns_problem(row.get("messages"), "messages", "role", "content", ROLES)
    if shape == "sharegpt":
        return _sharegpt_problem(row)
    problem = _forms_problem(row, TRL_KEYS[shape])
    if problem is None and shape == "kto" and not isinstance(row.get("label"), bool):
        return "label: expected true or false (TRL's unpaired preference label)"
    return problem


def _alpaca_problem(row: dict[str, Any]) -> str | None:
    preference = ("chosen", "rejected") if "chosen" in row else ()
    problem = _string_fields(row, ("instruction", *preference), ("input", "output", "system", "rejected"))
    if problem is None and "kto_tag" in row and not isinstance(row["kto_tag"], bool):
        return "kto_tag: expected true or false"
    return problem


def _sharegpt_problem(row: dict[str, Any]) -> str | None:
    problem = _turns_problem(
        row.get("conversations"), "conversations", "from", "value", tuple(SHAREGPT_ROLES)
    )
    if problem is not None or not ({"chosen", "rejected"} & row.keys()):
        return problem
    for name in ("chosen", "rejected"):
        answer = row.get(name)
        if not (isinstance(answer, dict) and isinstance(answer.get("value"), str)):
            return f"{name}: expected an object with 'from' and 'value' (LLaMA-Factory's preference layout)"
        if SHAREGPT_ROLES.get(answer.get("from")) != "assistant":
            return f"{name}.from: expected 'gpt', got {answer.get('from')!r}"
    return None


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


def _forms_problem(row: dict[str, Any], names: tuple[str, ...]) -> str | None:
    kinds = set()
    for name in names:
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
        return f"{names[0]}: mixes the string and the conversational form (TRL needs one form per row)"
    return None


def turns_of(shape: Shape, row: dict[str, Any]) -> list[dict[str, Any]]:
    """A messages/sharegpt row's turns as role/content messages (other keys of a turn kept;
    nulls, which columnar files give a turn for a key another turn has, left out)."""
    if shape == "sharegpt":
        return [
            {"role": SHAREGPT_ROLES[t["from"]], "content": t["value"], **_others(t, ("from", "value"))}
            for t in row["conversations"]
        ]
    return [
        {"role": t["role"], "content": t["content"], **_others(t, ("role", "content"))}
        for t in row["messages"]
    ]


def _others(turn: dict[str, Any], own: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in turn.items() if k not in own and v is not None}


def first_exchange(turns: list[dict[str, Any]]) -> tuple[str, str]:
    """The first user turn and the assistant turn after it ("" when missing)."""
    for i, turn in enumerate(turns):
        if turn["role"] == "user":
            after = next((t["content"] for t in turns[i + 1 :] if t["role"] == "assistant"), "")
            return turn["content"], after
    return "", ""


def as_text(value: str | list[dict[str, Any]], role: str) -> str:
    """A TRL field as text: the string itself, or its turns of ``role`` joined."""
    if isinstance(value, str):
        return value
    return "\n\n".join(t["content"] for t in value if t["role"] == role)


def triple_of(shape: Shape, row: dict[str, Any]) -> Triple:
    """The instruction, input and answer of a valid row (the first exchange of a conversation)."""
    if shape == "alpaca":
        output = row.get("chosen", row.get("output", ""))
        return Triple(row["instruction"], row.get("input", ""), output, row.get("rejected"))
    if shape in TRL_KEYS:
        prompt = row["prompt"]
        instruction = prompt if isinstance(prompt, str) else first_exchange(prompt)[0]
        answer = row.get("chosen", row.get("completion", ""))
        rejected = row.get("rejected")
        return Triple(
            instruction,
            "",
            as_text(answer, "assistant"),
            None if rejected is None else as_text(rejected, "assistant"),
        )
    user, assistant = first_exchange(turns_of(shape, row))
    if shape == "sharegpt" and isinstance(row.get("chosen"), dict):
        return Triple(user, "", row["chosen"]["value"], row["rejected"]["value"])
    return Triple(user, "", assistant)
