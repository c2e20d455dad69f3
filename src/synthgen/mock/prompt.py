"""Reading a prompt for the mock teacher: how many tasks it asks for, and its example tasks.

:func:`requested_task_count` finds the requested count (or ``None`` for a prompt that asks for
no tasks); :func:`example_instructions` lists the instructions of the ``N. Instruction: ...``
example blocks, which the ``copy_example`` flaw copies.
"""

from __future__ import annotations

import re

DEFAULT_TASKS = 20
MAX_TASKS = 100

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50,
}  # fmt: skip
_ASK_VERBS = frozenset(
    {"write", "generate", "create", "produce", "give", "list", "make", "propose", "provide", "brainstorm"}
)
# Words allowed between the verb and the number: "give me exactly 5", "write a list of 5".
_FILLERS = frozenset({"me", "another", "exactly", "least", "at", "a", "list", "of", "up", "to", "with"})
_FRESH = frozenset({"new", "more", "additional", "further", "different", "diverse", "novel", "other"})
_TASK_WORDS = ("task", "instruction")
_NUMBERED = re.compile(r"numbered\s+(?:from\s+)?1\s*(?:to|-|\u2013|through|until)\s*(\d{1,4})\b")
_EXAMPLE_LINE = re.compile(
    r"[ \t]*\d{1,4}[.)][ \t]*\**[ \t]*instruction[ \t]*\**[ \t]*:[ \t*]*(\S.*?)[ \t]*$", re.I
)

# Ranks of the ways a prompt can state the count, most trusted first. Within a rank the
# last mention wins: templates end with the request ("Now write 20 new tasks") after any
# other numbers ("3 example tasks"), so the scan runs backwards and can stop early.
_RANK_VERB, _RANK_FRESH, _RANK_NUMBERED, _RANK_BARE = range(4)


def requested_task_count(prompt: str) -> int | None:
    """How many tasks ``prompt`` asks for (1-100), 20 if it asks for tasks without a
    number, ``None`` if it does not ask for tasks at all.

    Cheap on purpose (the HTTP mock calls it per request): ``str.find`` locates each
    "task"/"instruction", and only the few words before it are looked at.
    """
    text = prompt.lower()
    best: tuple[int, int] | None = None  # (rank, count)
    asks_for_tasks = False
    for position in reversed(_mentions(text)):  # from the end: the first verb-ranked hit wins
        found = _count_before(text, position)
        if found is None:
            continue
        rank, count = found
        asks_for_tasks = asks_for_tasks or rank <= _RANK_FRESH
        if count is not None and (best is None or rank < best[0]):
            best = (rank, count)
            if rank == _RANK_VERB:
                break
    if best is None or best[0] > _RANK_NUMBERED:
        numbered = text.rfind("numbered")
        match = _NUMBERED.match(text, numbered) if numbered >= 0 else None
        if match:
            best = (_RANK_NUMBERED, int(match[1]))
    if best is not None:
        return min(max(best[1], 1), MAX_TASKS)
    if asks_for_tasks or any(_EXAMPLE_LINE.match(line) for line in text.splitlines()):
        return DEFAULT_TASKS
    return None


def _mentions(text: str) -> list[int]:
    """Start offsets of the words task(s) / instruction(s), in text order."""
    found = []
    for word in _TASK_WORDS:
        position = text.find(word)
        while position >= 0:
            end = position + len(word)
            before_ok = position == 0 or not text[position - 1].isalnum()
            after = text[end : end + 2]
            after_ok = not after[:1].isalnum() or (after[:1] == "s" and not after[1:2].isalnum())
            if before_ok and after_ok:
                found.append(position)
            position = text.find(word, end)
    found.sort()
    return found


def _count_before(text: str, position: int) -> tuple[int, int | None] | None:
    """(rank, count) from the words just before a task mention; count None for "new tasks"."""
    words = text[max(0, position - 60) : position].split()
    for gap in range(min(3, len(words))):  # "20 tasks", "20 new tasks", "20 new diverse tasks"
        word = words[-1 - gap]
        if not (word.isalnum() or "-" in word):  # punctuation: the phrase ends here
            break
        count = int(word) if word.isdigit() and len(word) <= 4 else _NUMBER_WORDS.get(word)
        if count is None:
            continue
        preceding = [
            w for w in words[max(0, len(words) - gap - 5) : len(words) - gap - 1] if w not in _FILLERS
        ]
        if preceding and preceding[-1] in _ASK_VERBS:
            return _RANK_VERB, count
        if gap and words[-gap] in _FRESH:
            return _RANK_FRESH, count
        return (_RANK_BARE, count) if word.isdigit() else None
    if words and words[-1] in _FRESH:
        return _RANK_FRESH, None
    return None


def example_instructions(prompt: str) -> list[str]:
    """The instructions of the ``N. Instruction: ...`` example blocks shown in ``prompt``."""
    return [m[1] for m in map(_EXAMPLE_LINE.match, prompt.splitlines()) if m]


_INSTRUCTIONS_ONLY = re.compile(r"\bonly the (?:new )?instructions\b", re.I)


def wants_instructions_only(prompt: str) -> bool:
    """True for a prompt that asks for new instructions alone, as a bare numbered list
    (``generate --mode instructions``: "Write only the instructions ...")."""
    return _INSTRUCTIONS_ONLY.search(prompt) is not None
