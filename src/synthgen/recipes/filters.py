"""Heuristic filters: ``(candidate) -> reason | None``, and the default list.

A filter is a plain function that returns the name of the reason it rejects a candidate
for, or ``None`` to let it through. Reason names are stable snake_case strings: they are
the keys of the ``rejected`` counts in reports and of the ``_rejected`` field of reject
files.

The rules follow self-instruct's post-processing (Wang et al. 2022, yizhongw/self-instruct,
``self_instruct/bootstrap_instructions.py``, ``post_process_gpt3_response``) as reused by
Stanford Alpaca (``generate_instruction.py``, same function name): drop an instruction of
<= 3 or > 150 words, one containing a blacklisted keyword as a whole word (image(s),
graph(s), picture(s), file(s), map(s), draw, plot, go to; Alpaca adds video, audio, music,
flowchart, diagram), one starting with "Write a program", and one starting with
punctuation or a non-ASCII character. Differences, on purpose: "Write a program" is
matched in any case and as a whole word ("Write a programming joke" passes); the
blocklist is configurable and accepts any plural ending in -s/-es. We add two checks of
our own for chat models: an empty output and a teacher refusal.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from synthgen.candidate import Candidate
from synthgen.recipes.refusal import is_refusal

__all__ = [
    "REASONS",
    "Filter",
    "FilterRules",
    "FilterSettings",
    "bad_start",
    "blocklist_filter",
    "default_filters",
    "empty_output",
    "first_rejection",
    "is_refusal",
    "length_filters",
    "refusal",
    "write_a_program",
]

Filter = Callable[[Candidate], str | None]

# The order of default_filters(); a candidate is counted under the first reason that
# applies, so the order decides what the report's counts mean:
# - refusal and empty_output first: they say the *teacher* failed, whatever the text looks
#   like (a refusal is often also too short; counting it as too_short would hide it);
# - then the structural checks on the instruction (length, first character);
# - the two content rules last, so their counts are the otherwise-good tasks they cost,
#   which is what one needs to know when tuning --blocklist.
REASONS: tuple[str, ...] = (
    "refusal",
    "empty_output",
    "too_short",
    "too_long",
    "bad_start",
    "write_a_program",
    "blocklisted",
)

_WRITE_A_PROGRAM = re.compile(r"\s*write\s+a\s+program\b", re.IGNORECASE)


def first_rejection(candidate: Candidate, filters: Sequence[Filter]) -> str | None:
    """The reason of the first filter that rejects ``candidate``, or ``None`` to keep it."""
    for check in filters:
        reason = check(candidate)
        if reason is not None:
            return reason
    return None


class FilterSettings(Protocol):
    """What the filters read of their options: config's FilterOptions, or FilterRules."""

    @property
    def min_instruction_words(self) -> int: ...
    @property
    def max_instruction_words(self) -> int: ...
    @property
    def blocklist(self) -> Sequence[str]: ...


@dataclass(frozen=True)
class FilterRules:
    """The filter options as plain data: what a screen factory carries to the screening
    worker, which then needs no pydantic (FilterOptions is a settings model)."""

    min_instruction_words: int
    max_instruction_words: int
    blocklist: tuple[str, ...]

    @classmethod
    def of(cls, options: FilterSettings) -> FilterRules:
        return cls(options.min_instruction_words, options.max_instruction_words, tuple(options.blocklist))


def default_filters(options: FilterSettings) -> list[Filter]:
    """The filters of ``generate`` and ``filter``, in the order of :data:`REASONS`."""
    filters: list[Filter] = [refusal, empty_output]
    filters += length_filters(options.min_instruction_words, options.max_instruction_words)
    filters += [bad_start, write_a_program]
    blocked = blocklist_filter(options.blocklist)
    if blocked is not None:
        filters.append(blocked)
    return filters


def refusal(candidate: Candidate) -> str | None:
    """``refusal`` when the output (or the instruction) is the teacher declining
    (:mod:`synthgen.recipes.refusal`: a decline in substance, not a disclaimer before an answer)."""
    if is_refusal(candidate.output) or is_refusal(candidate.instruction):
        return "refusal"
    return None


def empty_output(candidate: Candidate) -> str | None:
    """``empty_output`` when the output is blank."""
    return None if candidate.output.strip() else "empty_output"


def length_filters(min_words: int, max_words: int) -> list[Filter]:
    """``too_short`` below ``min_words`` and ``too_long`` above ``max_words`` instruction words."""

    def too_short(candidate: Candidate) -> str | None:
        return "too_short" if len(candidate.instruction.split()) < min_words else None

    def too_long(candidate: Candidate) -> str | None:
        return "too_long" if len(candidate.instruction.split()) > max_words else None

    return [too_short, too_long]


def bad_start(candidate: Candidate) -> str | None:
    """``bad_start`` when the instruction starts with ASCII punctuation or a non-ASCII character."""
    first = candidate.instruction.lstrip()[:1]
    if first and (first in string.punctuation or not first.isascii()):
        return "bad_start"
    return None


def write_a_program(candidate: Candidate) -> str | None:
    """``write_a_program`` when the instruction starts with "Write a program" (any case)."""
    return "write_a_program" if _WRITE_A_PROGRAM.match(candidate.instruction) else None


def blocklist_filter(words: Sequence[str]) -> Filter | None:
    """``blocklisted`` when the instruction holds one of ``words`` as a whole word or phrase.

    Case-insensitive; a plural ("images", "boxes") matches too; spaces in a phrase match
    any run of whitespace. ``None`` when the list has no words (nothing to block).
    """
    pattern = _blocklist_pattern(words)
    if pattern is None:
        return None
    # A match starts with the first word of an entry: a search for those alone, without the
    # word-boundary checks, is ~2x faster and rules out most instructions (this runs per candidate).
    firsts = sorted({w.split()[0].lower() for w in words if w.strip()}, key=len, reverse=True)
    may_match = re.compile("|".join(map(re.escape, firsts))).search

    def blocklisted(candidate: Candidate) -> str | None:
        text = candidate.instruction.lower()
        return "blocklisted" if may_match(text) and pattern.search(text) else None

    return blocklisted


def _blocklist_pattern(words: Sequence[str]) -> re.Pattern[str] | None:
    """One precompiled alternation: a single scan of the text whatever the list's length."""
    phrases = sorted({" ".join(w.split()).lower() for w in words if w.strip()}, key=len, reverse=True)
    if not phrases:
        return None
    alternatives = "|".join(r"\s+".join(map(re.escape, phrase.split())) for phrase in phrases)
    # (?<!\w)...(?!\w) rather than \b so entries that start or end with a symbol ("c++") work.
    # Case-sensitive on lower-cased text: twice as fast as re.IGNORECASE (this runs per candidate).
    return re.compile(rf"(?<!\w)(?:{alternatives})(?:e?s)?(?!\w)")
