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

# A refusal is the teacher declining the task, said at once: the opening sentence declines
# the request (a "can't" with a verb and object about the task: "I can't help with that",
# "I cannot fulfill this request", "I'm unable to access external links"), and the output
# is short, or apologises, or speaks as an AI. "I can't help but smile", "I cannot see why
# anyone would disagree", "I won't write to him again", "I'm sorry, but I can't make it on
# Friday" are ordinary outputs: the verb or its object is not about the task. After an
# apology or an AI self-reference the object may be anything but a place or a person
# ("I'm sorry, but I cannot generate more tasks"). Curly apostrophes count as straight.
_SHORT_WORDS = 60  # a refusal without apology or "as an AI" is short
_OPENING_CHARS = 300  # the rules read the opening only: a refusal says so at once
_APOLOGY = (
    r"(?:(?:i'?m|i am) (?:very |so |truly |really )?sorry|i apologi[sz]e|my apologies|sorry"
    r"|unfortunately|regrettably|(?:i'?m|i am) afraid)"
)
_AI_SELF = (
    r"as an? (?:text-based )?(?:ai|artificial intelligence)(?: (?:language )?model| assistant| chatbot)?\s*[,.]"
    r"|as an? (?:ai )?language model\b"
    r"|(?:i'?m|i am) (?:just |only )?an? (?:ai|artificial intelligence)(?: (?:language )?model| assistant)?"
    r"(?=\s*[,.;!]| and | so | without | with no )"
)
_CANNOT = (
    r"i (?:cannot|can ?not|can't|won't|will not|am unable to|am not able to|must decline to|am not allowed to"
    r"|am not permitted to)(?: and (?:will not|won't|cannot|can't))?|i'm (?:unable|not able|not allowed) to"
)
_REQUEST = (
    r"(?:that|this|such|these|those|it|any|anything like that|your (?:request|question|query|prompt)"
    r"|the (?:request|task|question|prompt|information|content|answer|details)|an? (?:answer|response|opinion)"
    r"|personal|real-time|specific|medical|legal|financial|professional|opinions?|information|content"
    r"|instructions|assistance|advice|images?|pictures?)\b"
)
_MEDIA = (
    r"(?:the |any |your )?(?:images?|pictures?|photos?|videos?|audio|sounds?|music|files?|attachments?"
    r"|links?|urls?|graphics|visual|diagrams?|drawings?)\b"
)
_DECLINES = (  # a "can't" and what it declines, whatever comes around it
    rf"(?:{_CANNOT}) (?:"
    rf"(?:help|assist)(?: you)?(?: (?:with|on) {_REQUEST}|\s*[.!]|$)"
    rf"|(?:fulfill|fulfil|comply with|assist with|help with|engage in) "
    rf"|(?:provide|generate|create|write|produce|give|offer|share|complete|perform|answer|respond to) {_REQUEST}"
    rf"|do (?:that|this)(?: for you)?\s*(?:[.!]|$)"
    r"|(?:access|browse|search) (?:the internet|the web|external|real-time|websites?|links?|urls?|the link"
    r"|current|live|databases?|documents?)"
    rf"|(?:see|view|display|show|draw|play|listen to|hear|watch|open|read|process|analy[sz]e|interpret"
    rf"|generate|create|produce) {_MEDIA}"
    r"|physically)"
    r"|i (?:do not|don't) have (?:the ability|the capability|the capacity|access to (?:the internet|real-time"
    r"|external|current|live)|personal (?:opinions|feelings|experiences|preferences|beliefs)|feelings|emotions)"
)
_DECLINES_AFTER_APOLOGY = (  # once the teacher apologises, any object of a task verb will do
    rf"(?:{_CANNOT}) (?:(?:provide|generate|create|write|produce|complete|answer|help(?: you)? with|assist"
    r"|see|view|hear)(?! (?:to|back|down|up|again|home|out)\b)\b)"
)
_REFUSAL_BODY = (
    rf"(?:(?P<ai>{_AI_SELF})|(?P<apology>{_APOLOGY})[,.!]?\s+(?:but\s+)?(?:as an? ai\b"
    rf"|{_DECLINES}|{_DECLINES_AFTER_APOLOGY})|{_DECLINES})"
)
_REFUSAL_OPENING = re.compile(  # the pieces spell apostrophes straight; curly ones match too
    "[\\s*_\"'\u2019>#-]*" + _REFUSAL_BODY.replace("'", "['\u2019]"), re.IGNORECASE
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


def is_refusal(text: str) -> bool:
    """True if ``text`` is a teacher declining the task (see the rules above ``_REFUSAL_OPENING``)."""
    match = _REFUSAL_OPENING.match(text, 0, _OPENING_CHARS)
    if match is not None:
        return bool(match["ai"] or match["apology"]) or len(text.split(None, _SHORT_WORDS)) <= _SHORT_WORDS
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
