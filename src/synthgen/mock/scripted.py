"""Scripted replies: a prompt can say what the mock answers, so that tests (and dry runs) can see
what synthgen does with a given answer over the real HTTP path.

- A prompt holding a line ``[mock: answer]`` is answered with the text after that line (up to a
  line ``[mock: end]``, when the prompt goes on after the script); with several answers separated
  by lines ``[mock: or]``, sample ``k`` gets the k-th (cycling).
- A judge request whose judged answer holds a line ``[mock: verdict]`` gets the text after that
  line as the judge's whole reply (see :mod:`synthgen.mock.judge`).
"""

from __future__ import annotations

ANSWER_MARKER = "[mock: answer]\n"
VERDICT_MARKER = "[mock: verdict]\n"
OR_MARKER = "\n[mock: or]\n"
END_MARKER = "\n[mock: end]"


def scripted_answer(prompt: str, sample_index: int) -> str | None:
    """The answer ``prompt`` scripts for sample ``sample_index``, or ``None``."""
    return _after(prompt, ANSWER_MARKER, sample_index)


def scripted_verdict(answer: str) -> str | None:
    """The judge reply a judged ``answer`` scripts, or ``None``."""
    return _after(answer, VERDICT_MARKER, 0)


def _after(text: str, marker: str, sample_index: int) -> str | None:
    start = text.find(marker)
    if start < 0:
        return None
    script = text[start + len(marker) :].split(END_MARKER, 1)[0]
    choices = script.split(OR_MARKER)
    return choices[sample_index % len(choices)]
