"""Token counts without a tokenizer: a rough one for pacing, a safe bound for budgets.

Real tokenizers differ by model; ~4 characters a token is OpenAI's rule of thumb for
English text (:func:`count_tokens`: ``--tpm`` pacing, the mock's usage, warnings). It can be
well under the truth (code, digits, non-Latin scripts), so budget reservations use
:func:`prompt_tokens_bound` instead. Where an exact count matters (usage, cost), the
server's reported usage replaces both.
"""

from __future__ import annotations

from collections.abc import Iterable

CHARS_PER_TOKEN = 4
# A generous context window for a warning about prompts no model could take (128K tokens,
# the window of gpt-4o, Llama 3.1 and Qwen2.5 with YaRN).
CONTEXT_TOKENS = 128 * 1024
# Byte-level BPE (GPT, Llama 3, Qwen) and SentencePiece with byte fallback never make a token
# of less than one byte (SentencePiece may add one prefix token per message). Chat templates
# add a few tokens per message (OpenAI's cookbook counts 3, and 3 to prime the reply) and
# some insert a default system prompt (Qwen2.5's is ~20 tokens): these allowances cover both.
MESSAGE_OVERHEAD_TOKENS = 8
REQUEST_OVERHEAD_TOKENS = 64


def count_tokens(text: str) -> int:
    """Rough token count of ``text`` (about 4 characters a token, at least 1)."""
    return max(1, (len(text) + CHARS_PER_TOKEN - 1) // CHARS_PER_TOKEN)


def prompt_tokens_bound(texts: Iterable[str]) -> int:
    """At most how many prompt tokens a server can count for chat messages with ``texts``."""
    return REQUEST_OVERHEAD_TOKENS + sum(
        len(text.encode("utf-8")) + MESSAGE_OVERHEAD_TOKENS for text in texts
    )
