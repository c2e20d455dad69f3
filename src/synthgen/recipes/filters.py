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

from synthgen.config import FilterOptions
from synthgen.records import Candidate

__all__ = [
    "REASONS",
    "Filter",
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

# A refusal *opens* the answer. "I cannot" / "I'm unable to" / "I'm sorry, but" alone are
# not enough: "I cannot wait to see you!" or "I'm sorry, but I can't attend on Friday" are
# fine outputs (an excited text, a polite decline). So "cannot"-style openers must go on
# with a verb that refusals use, and "sorry, but" must go on with such an opener or with
# "as an AI". "As an AI" must be followed by punctuation or by words that make it about
# the model ("As an AI researcher, I ..." is fine). Curly apostrophes count as straight.
_APOS = "['\u2019]"
_REFUSAL_VERB = (
    r"(?:provide|help|assist|fulfill|fulfil|comply|create|generate|write|answer|complete|perform"
    r"|access|browse|view|see|display|draw|show|process|execute|run|open|play|listen|produce"
    r"|physically|engage|support|give|offer|share|do that|do this)\b"
)
_CANNOT = (
    rf"(?:unfortunately,? )?(?:i (?:cannot|can ?not|can{_APOS}t|won{_APOS}t|will not|am unable to"
    rf"|am not able to)|i{_APOS}?m (?:unable|not able) to) {_REFUSAL_VERB}"
    rf"|i (?:do not|don{_APOS}t) have (?:the ability|the capability|access to (?:the internet|real-time)"
    r"|personal (?:opinions|feelings|experiences|preferences|beliefs))"
)
_AS_AN_AI = (
    r"as an? (?:ai|artificial intelligence)(?: (?:language )?model| assistant| chatbot)?\s*[,.]"
    r"|as an? (?:ai )?language model\b"
)
_REFUSAL_START = re.compile(
    rf"[\s*_\"']*(?:{_AS_AN_AI}|{_CANNOT}"
    rf"|(?:(?:i{_APOS}?m|i am) (?:very |so |truly )?sorry|i apologi[sz]e|sorry),? (?:but )?"
    rf"(?:as an ai\b|{_CANNOT}))",
    re.IGNORECASE,
)
# Anywhere in the text: no legitimate task output talks about "an AI language model" this way.
_REFUSAL_ANYWHERE = re.compile(r"\bas an ai language model\b", re.IGNORECASE)


def first_rejection(candidate: Candidate, filters: Sequence[Filter]) -> str | None:
    """The reason of the first filter that rejects ``candidate``, or ``None`` to keep it."""
    for check in filters:
        reason = check(candidate)
        if reason is not None:
            return reason
    return None


def default_filters(options: FilterOptions) -> list[Filter]:
    """The filters of ``generate`` and ``filter``, in the order of :data:`REASONS`."""
    filters: list[Filter] = [refusal, empty_output]
    filters += length_filters(options.min_instruction_words, options.max_instruction_words)
    filters += [bad_start, write_a_program]
    blocked = blocklist_filter(options.blocklist)
    if blocked is not None:
        filters.append(blocked)
    return filters


def is_refusal(text: str) -> bool:
    """True if ``text`` opens like a teacher refusal or calls itself an AI language model."""
    if _REFUSAL_START.match(text) is not None:
        return True
    # the substring test is ~15x cheaper than the regex; the regex then checks word boundaries
    return "ai language model" in text.lower() and _REFUSAL_ANYWHERE.search(text) is not None


def refusal(candidate: Candidate) -> str | None:
    """``refusal`` when the output (or the instruction) is the teacher declining."""
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

    def blocklisted(candidate: Candidate) -> str | None:
        return "blocklisted" if pattern.search(candidate.instruction.lower()) else None

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
