"""The regression sets of ``benchmarks/verify_accuracy.py`` (issue 22), written here from the
answer conventions models follow (each module cites its sources); no other project's data."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    """One answer to check: the answer text, the reference, the right verdict, and where it
    comes from (the format and the family, for the breakdown of errors)."""

    text: str
    reference: str
    expected: bool
    form: str
    family: str
    prompt: str = ""  # what the answer answers, when the checker reads it (choice's options)
