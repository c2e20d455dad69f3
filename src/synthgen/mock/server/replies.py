"""The mock's answer to a completion request, apart from HTTP.

The sampling parameters it honours (:func:`parse_params`), the prompt it reads from ``messages``
or ``prompt``, and the text of each choice (:func:`generate`) with its token ``usage``. The text
comes from :mod:`synthgen.mock.teacher`, the same functions ``--teacher mock`` calls in-process.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, NamedTuple

from synthgen.config import MockServerSettings
from synthgen.mock.code import CodeFaults
from synthgen.mock.judge import wants_json
from synthgen.mock.logprobs import MAX_TOP_LOGPROBS
from synthgen.mock.server.faults import APIError
from synthgen.mock.teacher import MockAnswer, count_tokens, fit_answer, mock_answer

MODEL_ID = "mock"
MAX_CHOICES = 128  # OpenAI's limit for n
# What a confused model says instead of a numbered list (--malformed-rate).
MALFORMED_REPLY = (
    "Sure! Here are some ideas you might enjoy: writing a short poem about autumn, summarising "
    "a news story for a friend, or planning a weekend trip on a budget. Let me know if you want more."
)


def content_seed(server_seed: int, request_seed: int | None, temperature: float | None) -> int:
    """The seed handed to :func:`mock_reply` for one request.

    A request without ``seed`` at the default temperature gets the server's ``--seed`` as is, so
    it reads exactly what ``--teacher mock --seed`` produces in-process; otherwise the request's
    seed and temperature are folded in, so changing either changes the text.
    """
    if request_seed is None and (temperature is None or float(temperature) == 1.0):
        return server_seed
    blob = f"{server_seed}|{request_seed}|{None if temperature is None else float(temperature)!r}"
    return int.from_bytes(hashlib.blake2b(blob.encode(), digest_size=8).digest(), "big")


@dataclass(frozen=True)
class Params:
    """The sampling parameters of a completion request that the mock honours."""

    model: str
    n: int
    max_tokens: int | None
    seed: int | None
    temperature: float | None
    stream: bool
    include_usage: bool
    json_mode: bool = False  # response_format asks for JSON (the mock judge answers in JSON)


def _int_param(body: dict[str, Any], name: str, low: int, high: int | None = None) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < low or (high and value > high):
        bounds = f">= {low}" if high is None else f"from {low} to {high}"
        raise APIError(400, f"Invalid '{name}': expected an integer {bounds}, got {value!r}.", param=name)
    return value


def parse_params(body: dict[str, Any]) -> Params:
    """Validate the parameters common to chat and text completions (400 on bad values)."""
    temperature = body.get("temperature")
    if temperature is not None and (
        isinstance(temperature, bool)
        or not isinstance(temperature, (int, float))
        or not 0 <= temperature <= 2
    ):
        raise APIError(400, f"Invalid 'temperature': expected a number from 0 to 2, got {temperature!r}.")
    options = body.get("stream_options") or {}
    max_tokens = _int_param(body, "max_completion_tokens", 1)
    return Params(
        model=str(body.get("model") or MODEL_ID),
        n=_int_param(body, "n", 1, MAX_CHOICES) or 1,
        max_tokens=max_tokens if max_tokens is not None else _int_param(body, "max_tokens", 1),
        seed=_int_param(body, "seed", -(2**63)),
        temperature=temperature,
        stream=bool(body.get("stream")),
        include_usage=isinstance(options, dict) and bool(options.get("include_usage")),
        json_mode=wants_json(body.get("response_format")),
    )


def parse_logprobs(body: dict[str, Any]) -> int | None:
    """How many ``top_logprobs`` a chat request asks for, or ``None`` without ``logprobs: true``
    (400 on bad values, and for ``top_logprobs`` without ``logprobs``, as OpenAI answers)."""
    wanted = body.get("logprobs")
    if wanted is not None and not isinstance(wanted, bool):
        raise APIError(400, f"Invalid 'logprobs': expected a boolean, got {wanted!r}.", param="logprobs")
    top = _int_param(body, "top_logprobs", 0, MAX_TOP_LOGPROBS)
    if top is not None and not wanted:
        raise APIError(400, "Invalid 'top_logprobs': 'logprobs' must be set to true.", param="top_logprobs")
    return (top or 0) if wanted else None


class Choice(NamedTuple):
    """One choice of a completion: its text, finish reason and (``--reasoning field``) trace."""

    text: str
    finish_reason: str
    reasoning: str | None = None


def generate(
    prompt: str,
    params: Params,
    settings: MockServerSettings,
    fault: str | None,
    *,
    chat: bool = True,
    port: int = 9,
) -> list[Choice]:
    """The ``n`` choices; choice i is ``sample_index`` i. A legacy text completion
    (``chat=False``) has no field for a trace, so ``--reasoning field`` sends none there.
    ``port``: the server's own, where a coding answer's network escape tries to connect."""
    seed = content_seed(settings.seed, params.seed, params.temperature)
    reasoning = settings.reasoning if chat or settings.reasoning != "field" else "none"
    choices = []
    for index in range(params.n):
        answer = mock_answer(
            prompt, seed=seed, sample_index=index,
            wrong_answer_rate=settings.wrong_answer_rate, reasoning=reasoning,
            json_mode=params.json_mode, code_faults=code_faults(settings, port),
        )  # fmt: skip
        cut = False
        if fault == "malformed":
            answer = MockAnswer(MALFORMED_REPLY)
        elif fault == "truncate":
            # Half the tokens stops a task list part-way, like a model hitting its limit; the
            # finish is "length" even for a reply too short to lose anything.
            answer, cut = fit_answer(answer, max(1, _tokens(answer) // 2))[0], True
        if params.max_tokens is not None:
            answer, over = fit_answer(answer, params.max_tokens)
            cut = cut or over
        choices.append(Choice(answer.content, "length" if cut else "stop", answer.reasoning))
    return choices


def code_faults(settings: MockServerSettings, port: int) -> CodeFaults:
    return CodeFaults(
        hang=settings.code_hang_rate,
        crash=settings.code_crash_rate,
        flood=settings.code_flood_rate,
        escape=settings.code_escape_rate,
        escapes=tuple(settings.code_escapes),
        port=port,
    )


def _tokens(answer: MockAnswer) -> int:
    return count_tokens(answer.content) + (count_tokens(answer.reasoning) if answer.reasoning else 0)


def usage_of(prompt_tokens: int, choices: list[Choice]) -> dict[str, Any]:
    """OpenAI's usage object; reasoning tokens are part of the completion tokens, and are also
    counted in ``completion_tokens_details`` when there are any (as OpenAI and DeepSeek do)."""
    reasoning = sum(count_tokens(c.reasoning) for c in choices if c.reasoning)
    completion = sum(count_tokens(c.text) for c in choices) + reasoning
    usage: dict[str, Any] = {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion,
        "total_tokens": prompt_tokens + completion,
    }
    if reasoning:
        usage["completion_tokens_details"] = {"reasoning_tokens": reasoning}
    return usage


def _message_text(content: Any) -> str:
    """A message's text, from a string or a list of ``{"type": "text", "text": ...}`` parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


def chat_prompt(messages: Any) -> str:
    if not isinstance(messages, list) or not messages or not all(isinstance(m, dict) for m in messages):
        raise APIError(400, "'messages' must be a non-empty array of message objects.", param="messages")
    # Joined as the in-process MockTeacher joins them, so both ways in see the same prompt.
    return "\n".join(_message_text(m.get("content")) for m in messages)


def text_prompts(prompt: Any) -> list[str]:
    if isinstance(prompt, str):
        return [prompt]
    if isinstance(prompt, list) and prompt and all(isinstance(p, str) for p in prompt):
        return prompt
    raise APIError(400, "'prompt' must be a string or a non-empty array of strings.", param="prompt")
