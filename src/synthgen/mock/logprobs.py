"""Deterministic, plausible top-k token log-probabilities for the mock teacher's answers.

Real servers return, per generated token, its logprob and the ``top_logprobs`` most likely
alternatives (OpenAI's chat ``logprobs`` shape). The mock makes them up reproducibly from the
answer text: tokens are 4-character pieces of each line (the mock's tokens, see
:func:`~synthgen.tokens.count_tokens`); one candidate gets a probability from 0.35 to
0.995 and each other one a share of what is left, so the k probabilities (sorted, most likely
first) sum to less than 1 (the rest lies outside the top k). The
sampled token is the most likely one, or (about one token in eight, as sampling at temperature
1 does) the second.
"""

from __future__ import annotations

import hashlib
import math
import random
from typing import Any

MAX_TOP_LOGPROBS = 20  # OpenAI's limit
CHARS_PER_MOCK_TOKEN = 4
_SECOND_CHOICE_RATE = 0.125
# Common pieces the alternatives are drawn from (besides variants of the token itself).
_POOL = (
    " the", " a", " and", " to", " of", " is", " in", " that", " it", " for", " on", " with",
    " as", " so", " be", " this", " are", " or", " we", " by", ",", ".", ":", "\n", " =", " x",
    " 1", " 2", " 3", " 5", " 10", "ing", "ed", "s", "ly", "er", " The", " So", " First", " Then",
)  # fmt: skip


def tokenize(text: str) -> list[str]:
    """The mock's tokens: 4-character pieces of each line (a token never spans two lines, so a
    stream that sends a line a chunk splits the same way)."""
    tokens = []
    for line in text.splitlines(keepends=True):
        tokens.extend(line[i : i + CHARS_PER_MOCK_TOKEN] for i in range(0, len(line), CHARS_PER_MOCK_TOKEN))
    return tokens


def token_logprobs(text: str, top_k: int, salt: str = "") -> list[dict[str, Any]]:
    """OpenAI's ``logprobs.content`` list for ``text``: one entry per token with ``token``,
    ``logprob``, ``bytes`` and ``top_logprobs`` (``top_k`` entries, 0 to 20, most likely first)."""
    seed = hashlib.blake2b(f"{salt}\x00{top_k}\x00{text}".encode("utf-8", "surrogatepass"), digest_size=8)
    rng = random.Random(seed.digest())
    return [_entry(token, top_k, rng) for token in tokenize(text)]


def _entry(token: str, top_k: int, rng: random.Random) -> dict[str, Any]:
    count = max(top_k, 2)
    probabilities = [0.35 + 0.645 * rng.random()]
    left = 1.0 - probabilities[0]
    for _ in range(count - 1):
        share = left * (0.3 + 0.6 * rng.random())
        probabilities.append(share)
        left -= share
    probabilities.sort(reverse=True)
    candidates = _alternatives(token, count - 1, rng)
    rank = 1 if rng.random() < _SECOND_CHOICE_RATE else 0
    candidates.insert(rank, token)
    top = [_logprob(candidate, p) for candidate, p in zip(candidates, probabilities, strict=True)]
    return {**top[rank], "top_logprobs": top[:top_k]}


def _alternatives(token: str, count: int, rng: random.Random) -> list[str]:
    """``count`` distinct tokens other than ``token``: variants of it first, then common pieces."""
    stripped = token.strip()
    variants = (stripped, " " + stripped, token.swapcase()) if stripped else ()
    chosen: list[str] = []
    for candidate in variants:
        if candidate != token and candidate not in chosen:
            chosen.append(candidate)
    start = int(rng.random() * len(_POOL))  # a rotation of the pool: cheaper than rng.sample
    index = 0
    while len(chosen) < count:
        # past the pool only when k is near 20 and the pool collides with the variants
        candidate = _POOL[(start + index) % len(_POOL)] if index < len(_POOL) else f"<{index}>"
        index += 1
        if candidate != token and candidate not in chosen:
            chosen.append(candidate)
    return chosen[:count]


def _logprob(token: str, probability: float) -> dict[str, Any]:
    return {"token": token, "logprob": math.log(probability), "bytes": list(token.encode("utf-8"))}
