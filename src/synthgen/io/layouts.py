"""Write an :class:`~synthgen.io.formats.Example` as a row of each shape, the way its consumer
reads it, or say why it cannot be one (:class:`~synthgen.io.formats.ConversionError`).

The rules each writer keeps (and what it refuses rather than silently drop):

* every shape but prompt-only needs an answer: an instruction-only row (evolve, generate
  ``--mode instructions``) would become a reply of nothing that a trainer learns from;
* a rejected answer fits dpo, kto (two rows), and LLaMA-Factory's alpaca/sharegpt preference
  layouts; a label fits kto and LLaMA-Factory's ``kto_tag``; ``messages`` and
  ``prompt-completion`` hold neither (TRL refuses any key set but its own);
* a trace goes inline (``<think>``) wherever a turn has no ``reasoning_content`` field, and
  only on assistant turns: one on another turn needs ``--drop-reasoning``;
* sharegpt rows follow LLaMA-Factory's converter: after an optional system turn, human and gpt
  turns take turns, an even count for SFT and an odd one (ending with the human turn) for
  preference rows, which it otherwise drops as "Invalid message count".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from synthgen.io.formats import ConversionError, Example, Turn
from synthgen.io.prompt_rows import alpaca_prompt
from synthgen.io.shapes import Shape
from synthgen.io.traces import TRACE_KEY, join_inline

Row = dict[str, Any]
_SHAREGPT_NAMES = {"user": "human", "assistant": "gpt", "system": "system"}
_PREFERENCE_HINT = "use --to dpo, kto, alpaca or sharegpt (LLaMA-Factory's preference layouts)"


def from_example(
    example: Example, shape: Shape, *, conversational: bool = False, drop_reasoning: bool = False
) -> list[Row]:
    """``example`` as rows of ``shape`` (kto gives two rows per preference pair).

    ``conversational`` picks TRL's list-of-messages form for the TRL shapes. Raises
    ConversionError when the shape cannot hold the example.
    """
    if drop_reasoning:
        example = example.without_traces()
    _check_fit(example, shape)
    rows = _WRITERS[shape](example, conversational)
    return [{**row, **example.extra} for row in rows]


def _check_fit(example: Example, shape: Shape) -> None:
    if shape != "prompt-only" and not example.answered:
        raise ConversionError(
            "(record): no answer (an instruction-only row): a trainer would learn an empty reply; "
            "write its prompts with --to prompt-only, or answer it first with synthgen respond"
        )
    if example.rejected is not None and shape in ("messages", "prompt-completion"):
        raise ConversionError(
            f"rejected: {shape} rows have no place for a rejected answer: {_PREFERENCE_HINT}"
        )
    if example.label is not None and shape in ("messages", "prompt-completion", "dpo"):
        raise ConversionError(f"label: {shape} rows have no place for a preference label: use --to kto")
    if shape == "dpo" and example.rejected is None:
        raise ConversionError("rejected: no rejected answer: dpo rows need prompt, chosen and rejected")
    if shape == "kto" and example.rejected is None and example.label is None:
        raise ConversionError(
            "label: kto rows need a label: give preference rows (each pair makes two), or respond "
            "--verify ... --keep all output, whose meta file says which answers were right"
        )


def _messages(example: Example, conversational: bool) -> list[Row]:
    return [{"messages": [dict(t) for t in example.turns]}]


def _alpaca(example: Example, conversational: bool) -> list[Row]:
    prompt, answer = example.split()
    roles = [t["role"] for t in example.turns]
    if [t["role"] for t in prompt] not in (["user"], ["system", "user"]) or len(answer) != 1:
        raise ConversionError(
            f"messages: {len(roles)} turns ({', '.join(roles)}): an alpaca row holds one "
            "instruction and one answer; keep it in messages or sharegpt"
        )
    user = _plain(_inline(prompt, "alpaca"), "alpaca")[-1]["content"]
    instruction, input_text = user, ""
    if example.alpaca_fields and alpaca_prompt(*example.alpaca_fields) == user:
        instruction, input_text = example.alpaca_fields
    row: Row = {"instruction": instruction, "input": input_text}
    text = _text(answer, "output", "alpaca")
    if example.rejected is not None:
        row.update(chosen=text, rejected=_text(example.rejected, "rejected", "alpaca"))
    else:
        row["output"] = text
    if prompt[0]["role"] == "system":
        row["system"] = prompt[0]["content"]
    if example.label is not None:
        row["kto_tag"] = example.label
    return [row]


def _sharegpt(example: Example, conversational: bool) -> list[Row]:
    preference = example.rejected is not None
    turns = example.split()[0] if preference else example.turns
    _check_alternation([t["role"] for t in turns], preference)
    row: Row = {"conversations": [_sharegpt_turn(t, i) for i, t in enumerate(turns)]}
    if preference:
        for name, answer in (("chosen", example.split()[1]), ("rejected", example.rejected or [])):
            row[name] = {"from": "gpt", "value": _text(answer, name, "sharegpt")}
    if example.label is not None:
        row["kto_tag"] = example.label
    return [row]


def _sharegpt_turn(turn: Turn, index: int) -> Row:
    (inline,) = _inline([turn], "sharegpt", start=index)
    others = {k: v for k, v in inline.items() if k not in ("role", "content")}
    return {"from": _SHAREGPT_NAMES[turn["role"]], "value": inline["content"], **others}


def _check_alternation(roles: list[str], preference: bool) -> None:
    body = roles[1:] if roles and roles[0] == "system" else roles
    alternates = all(role == ("user" if i % 2 == 0 else "assistant") for i, role in enumerate(body))
    if not alternates or len(body) % 2 != (1 if preference else 0):
        ending = "the human turn (preference rows)" if preference else "a gpt turn"
        raise ConversionError(
            f"conversations: {', '.join(roles)}: LLaMA-Factory reads human and gpt turns taking "
            f"turns after an optional system turn, ending with {ending}; keep this row in messages"
        )


def _dpo(example: Example, conversational: bool) -> list[Row]:
    prompt, chosen = _prompt_answer(example)
    rejected = example.rejected or []
    if conversational:
        return [{"prompt": prompt, "chosen": chosen, "rejected": [dict(t) for t in rejected]}]
    return [
        {
            "prompt": _string_prompt(prompt),
            "chosen": _text(chosen, "chosen", "dpo"),
            "rejected": _text(rejected, "rejected", "dpo"),
        }
    ]


def _prompt_completion(example: Example, conversational: bool) -> list[Row]:
    prompt, completion = _prompt_answer(example)
    if conversational:
        return [{"prompt": prompt, "completion": completion}]
    return [
        {"prompt": _string_prompt(prompt), "completion": _text(completion, "completion", "prompt-completion")}
    ]


def _kto(example: Example, conversational: bool) -> list[Row]:
    prompt, answer = _prompt_answer(example)
    labelled = [(answer, True), (example.rejected, False)] if example.rejected else [(answer, example.label)]
    if conversational:
        return [
            {"prompt": prompt, "completion": [dict(t) for t in a or []], "label": ok} for a, ok in labelled
        ]
    text = _string_prompt(prompt)
    return [
        {"prompt": text, "completion": _text(a or [], "completion", "kto"), "label": ok} for a, ok in labelled
    ]


def _prompt_only(example: Example, conversational: bool) -> list[Row]:
    prompt = [dict(t) for t in example.split()[0]]
    if not prompt:
        raise ConversionError("prompt: no prompt before the answer")
    return [{"prompt": prompt if conversational else _string_prompt(prompt)}]


def _prompt_answer(example: Example) -> tuple[list[Turn], list[Turn]]:
    prompt, answer = example.split()
    if not prompt or not answer:
        raise ConversionError("messages: a row needs a prompt and an answer after it")
    return [dict(t) for t in prompt], [dict(t) for t in answer]


def _string_prompt(prompt: list[Turn]) -> str:
    if [t["role"] for t in prompt] != ["user"]:
        raise ConversionError(
            "prompt: more than one user turn or a system turn cannot be a string prompt; use --conversational"
        )
    return _plain(_inline(prompt, "a string prompt"), "a string prompt")[0]["content"]


def _text(turns: list[Turn], name: str, shape: str) -> str:
    """A single assistant turn as one string, its trace inline."""
    if len(turns) != 1 or turns[0]["role"] != "assistant":
        raise ConversionError(f"{name}: not one assistant turn: cannot be a string; use --conversational")
    return _plain(_inline(turns, shape), shape)[0]["content"]


def _inline(turns: list[Turn], shape: str, start: int = 0) -> list[Turn]:
    """Turns with each assistant trace moved into the content as ``<think>``."""
    out = []
    for i, turn in enumerate(turns, start=start):
        trace = turn.get(TRACE_KEY)
        if trace and turn["role"] != "assistant":
            raise ConversionError(
                f"messages[{i}].{TRACE_KEY}: a trace on a {turn['role']} turn has no place in {shape} "
                "rows; pass --drop-reasoning to leave the traces out"
            )
        rest = {k: v for k, v in turn.items() if k != TRACE_KEY}
        out.append({**rest, "content": join_inline(trace, turn["content"])} if trace else rest)
    return out


def _plain(turns: list[Turn], shape: str) -> list[Turn]:
    """``turns``, refusing any key a plain-text shape would lose (a trace goes inline first)."""
    for i, turn in enumerate(turns):
        for key in turn.keys() - {"role", "content", TRACE_KEY}:
            raise ConversionError(f"messages[{i}].{key}: {shape} rows have no place for it; keep messages")
    return turns


def uniform_turns(rows: list[Row]) -> list[Row]:
    """``rows`` with every message of a column given the same keys (a missing one as null).

    ``datasets`` reads a list of messages whose keys differ (a ``reasoning_content`` on some
    turns only) as ``List(Json)`` instead of a list of structs; with the same keys everywhere it
    is a struct, and the nulls are what it would give those turns anyway.
    """
    columns: dict[str, dict[str, None]] = {}
    shapes: dict[str, set[frozenset[str]]] = {}
    for row in rows:
        for name, value in row.items():
            if _is_turns(value):
                for turn in value:
                    columns.setdefault(name, {}).update(dict.fromkeys(turn))
                    shapes.setdefault(name, set()).add(frozenset(turn))
    ragged = {name: list(keys) for name, keys in columns.items() if len(shapes[name]) > 1}
    if not ragged:
        return rows
    return [{name: _filled(value, ragged.get(name)) for name, value in row.items()} for row in rows]


def _is_turns(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(t, dict) for t in value)


def _filled(value: Any, keys: list[str] | None) -> Any:
    if keys is None or not _is_turns(value):
        return value
    return [{key: turn.get(key) for key in keys} for turn in value]


_WRITERS: dict[Shape, Callable[[Example, bool], list[Row]]] = {
    "alpaca": _alpaca,
    "messages": _messages,
    "sharegpt": _sharegpt,
    "dpo": _dpo,
    "prompt-completion": _prompt_completion,
    "kto": _kto,
    "prompt-only": _prompt_only,
}
