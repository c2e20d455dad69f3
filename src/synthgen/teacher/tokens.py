"""A rough token count, for pacing (``--tpm``), budget reservations and the mock's usage.

Real tokenizers differ by model; ~4 characters a token is OpenAI's rule of thumb for
English text. Where an exact count matters (usage, cost), the server's reported usage is
used instead.
"""

from __future__ import annotations

CHARS_PER_TOKEN = 4


def count_tokens(text: str) -> int:
    """Rough token count of ``text`` (about 4 characters a token, at least 1)."""
    return max(1, (len(text) + CHARS_PER_TOKEN - 1) // CHARS_PER_TOKEN)
