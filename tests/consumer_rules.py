"""What the trainers check in a dataset row, written down from their documentation and source
(facts, not their code): the test of every ``convert --to`` shape holds our rows against these.

TRL (``trl/data_utils.py``, "Dataset formats and types" guide; TRL itself needs torch, which is
not installed here):

* a row's type is the set of its keys among prompt/chosen/rejected/completion/messages/label:
  {messages} language modelling, {prompt} prompt-only, {prompt, completion} prompt-completion,
  {prompt, chosen, rejected} or {chosen, rejected} preference, {prompt, completion, label}
  unpaired preference; ``apply_chat_template`` raises KeyError for any other set;
* ``is_conversational`` takes *one* of those keys, whichever the set yields first (it depends on
  the hash seed), and calls the row conversational when its value is a list whose first item is
  a dict with a ``role``: every such key must give the same answer.

LLaMA-Factory (``data/README.md`` and ``data/converter.py``): alpaca rows have ``instruction``,
optional ``input``/``system``, and ``output`` (SFT), ``chosen``/``rejected`` strings (ranking) or
``kto_tag`` (KTO); sharegpt rows have ``conversations`` of ``from``/``value`` turns, an optional
leading system turn, then human (or observation) turns at even and gpt (or function_call) turns
at odd positions, an even count for SFT and an odd one for ranking rows, whose ``chosen`` and
``rejected`` are single gpt turns; anything else is dropped ("Invalid message count"/"role tag").

axolotl (``docs/dataset-formats``, ``docs/rlhf.qmd``): ``chat_template`` reads ``messages`` of
``role``/``content`` (and the trace from ``reasoning_content``); DPO ``chatml.prompt_pairs`` reads
``prompt``/``chosen``/``rejected`` strings; KTO ``user_defined`` reads ``prompt``/``completion``/
``label``.
"""

from __future__ import annotations

from typing import Any

TRL_KEYS = ("prompt", "chosen", "rejected", "completion", "messages", "label")
TRL_TYPES = {
    frozenset({"messages"}): "language modeling",
    frozenset({"prompt"}): "prompt-only",
    frozenset({"prompt", "completion"}): "prompt-completion",
    frozenset({"prompt", "chosen", "rejected"}): "preference",
    frozenset({"chosen", "rejected"}): "preference",
    frozenset({"prompt", "completion", "label"}): "unpaired preference",
}
LF_ODD, LF_EVEN = ("human", "observation"), ("gpt", "function_call")


def trl_type(row: dict[str, Any]) -> tuple[str, bool]:
    """``(type, conversational)`` as TRL reads ``row``; AssertionError when TRL would refuse it or
    read it one way or the other depending on which key it looks at."""
    keys = frozenset(k for k in row if k in TRL_KEYS)
    assert keys in TRL_TYPES, f"TRL raises KeyError for the keys {sorted(keys)}"
    verdicts = {_looks_conversational(row[k]) for k in keys if k != "label"}
    assert len(verdicts) == 1, f"is_conversational depends on which key it picks: {row}"
    conversational = verdicts.pop()
    for key in keys - {"label"}:
        value = row[key]
        if conversational:
            assert all(isinstance(m, dict) and isinstance(m.get("content"), str) for m in value), key
        else:
            assert isinstance(value, str), f"{key}: not a string"
    if "label" in keys:
        assert isinstance(row["label"], bool), "label: not a bool"
    return TRL_TYPES[keys], conversational


def _looks_conversational(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and isinstance(value[0], dict) and "role" in value[0]


def llama_factory_alpaca(row: dict[str, Any]) -> str:
    """The kind of example LLaMA-Factory's alpaca converter makes of ``row``."""
    assert isinstance(row["instruction"], str) and isinstance(row.get("input", ""), str)
    assert isinstance(row.get("system", ""), str)
    if "kto_tag" in row:
        assert isinstance(row["kto_tag"], bool) and isinstance(row["output"], str)
        return "kto"
    if "chosen" in row:
        assert isinstance(row["chosen"], str) and isinstance(row["rejected"], str)
        return "ranking"
    assert isinstance(row["output"], str) and row["output"].strip(), "no response: an unsupervised row"
    return "sft"


def llama_factory_sharegpt(row: dict[str, Any], ranking: bool) -> list[str]:
    """The roles LLaMA-Factory's sharegpt converter reads from ``row`` (``ranking``: the dataset
    is registered with ``"ranking": true``); AssertionError where it would drop the row."""
    turns = row["conversations"]
    if turns and turns[0]["from"] == "system":
        turns = turns[1:]
    for i, turn in enumerate(turns):
        assert turn["from"] in (LF_ODD, LF_EVEN)[i % 2], f"Invalid role tag at turn {i}: {row}"
        assert isinstance(turn["value"], str)
    assert len(turns) % 2 == (1 if ranking else 0), f"Invalid message count: {row}"
    if ranking:
        for name in ("chosen", "rejected"):
            assert row[name]["from"] in LF_EVEN and isinstance(row[name]["value"], str), name
    return [t["from"] for t in turns]


def axolotl_chat_template(row: dict[str, Any]) -> None:
    """axolotl's ``chat_template`` SFT type with its default mappings."""
    for message in row["messages"]:
        assert message["role"] in ("system", "user", "assistant", "tool")
        assert isinstance(message["content"], str)
        trace = message.get("reasoning_content")
        assert trace is None or isinstance(trace, str)
