"""The built-in deterministic mock teacher.

:func:`mock_reply` answers a prompt the way a chat model would, without a model:

- A prompt that asks for new tasks ("write 20 new tasks", "numbered 1 to 20", or example
  blocks ``N. Instruction: ...``; 20 when no count is given, at most 100) gets that many
  tasks in the block format of :func:`synthgen.prompts.format_example`. Like a real
  teacher it sometimes adds a sentence before or after the list, and about one reply in
  five uses another label style (``N. **Instruction:**`` or ``Instruction N:``).
- Any other prompt gets a short paragraph built from the prompt's own words.

Tasks are assembled from the templates and pools of :mod:`mock_vocab` (plus computed
arithmetic problems), varied enough that a mock run can keep tens of thousands of tasks
after the ROUGE-L near-duplicate filter. About :data:`FLAW_RATE` of the items are
deliberately bad, one flaw each from :data:`FLAW_KINDS`, so that the pipeline's filters
and dedup have something to catch.

The reply is a pure function of ``(prompt, seed, sample_index)``: the random generator is
seeded from a BLAKE2 hash of the three (not Python's salted ``hash()``). All vocabulary is
prepared at import, so a 20-task reply costs a fraction of a millisecond; the HTTP mock
server (``synthgen.server``) calls these functions on its event loop.
"""

from __future__ import annotations

import hashlib
import random
import re
import string
from collections.abc import Callable, Sequence
from typing import TypeVar

from synthgen.records import Completion, Usage
from synthgen.teacher import mock_vocab as vocab
from synthgen.teacher.base import Message

__all__ = [
    "FLAW_KINDS",
    "FLAW_RATE",
    "MockTeacher",
    "count_tokens",
    "mock_reply",
    "requested_task_count",
    "truncate_to_tokens",
]

T = TypeVar("T")

CHARS_PER_TOKEN = 4
DEFAULT_TASKS = 20
MAX_TASKS = 100
NO_INPUT = "<noinput>"

FLAW_RATE = 0.10
FLAW_KINDS: tuple[str, ...] = (
    "too_short",  # <= 3 words
    "blocklisted",  # mentions a picture, video, file, map...
    "write_a_program",
    "bad_start",  # ASCII punctuation or a non-ASCII first character
    "empty_output",
    "refusal",
    "copy_example",  # verbatim copy of an instruction shown in the prompt
    "near_duplicate",  # of an earlier item in the same reply
)
_MATH_SHARE = 0.08
_CONTEXT_RATE = 0.3
_TAIL_RATE = 0.5
_PREAMBLE_RATE = 0.3
_POSTSCRIPT_RATE = 0.15

# Label styles: the standard one most of the time, like a model that mostly follows the
# examples; the parser must cope with the others.
_STYLES = (
    "{i}. Instruction: {ins}\n{i}. Input: {inp}\n{i}. Output: {out}",
    "{i}. **Instruction:** {ins}\n{i}. **Input:** {inp}\n{i}. **Output:** {out}",
    "Instruction {i}: {ins}\nInput {i}: {inp}\nOutput {i}: {out}",
)
_STYLE_CUM_WEIGHTS = (0.8, 0.9, 1.0)


def count_tokens(text: str) -> int:
    """Rough token count used for ``usage`` (about 4 characters a token, at least 1)."""
    return max(1, (len(text) + CHARS_PER_TOKEN - 1) // CHARS_PER_TOKEN)


def truncate_to_tokens(text: str, max_tokens: int) -> tuple[str, bool]:
    """``text`` cut to about ``max_tokens`` tokens, and whether it was cut.

    Cuts mid-word at ``max_tokens * 4`` characters, as a real length limit does, so the
    cut text counts exactly ``max_tokens`` by :func:`count_tokens`.
    """
    if count_tokens(text) <= max_tokens:
        return text, False
    return text[: max(0, max_tokens) * CHARS_PER_TOKEN], True


def mock_reply(prompt: str, *, seed: int, sample_index: int = 0) -> str:
    """Deterministic answer to ``prompt``: a numbered task list when tasks are asked for.

    Same ``(prompt, seed, sample_index)`` -> the same text; changing any of them changes it.
    """
    rng = random.Random(int.from_bytes(_digest(prompt, seed, sample_index), "big"))
    count = requested_task_count(prompt)
    if count is None:
        return _plain_answer(prompt, rng)
    return _task_list(prompt, count, rng)


# --- what the prompt asks for -------------------------------------------------------------

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


def _digest(prompt: str, seed: int, sample_index: int) -> bytes:
    """Stable 8-byte hash of the arguments (the same in every process, unlike ``hash()``)."""
    h = hashlib.blake2b(f"{seed}\x00{sample_index}\x00".encode(), digest_size=8)
    h.update(prompt.encode("utf-8", "surrogatepass"))
    return h.digest()


# --- filling templates --------------------------------------------------------------------

# "topic" -> vocab.TOPIC, for every upper-case tuple in the vocabulary module.
_POOLS: dict[str, tuple] = {
    name.lower(): value for name, value in vars(vocab).items() if name.isupper() and isinstance(value, tuple)
}


# Pools formatted with their own arguments, not with slots.
_NOT_SLOT_FORMATTED = frozenset({"preamble", "answer_open", "answer_mid", "answer_close", "flaw_bad_start"})


def _slot_pools() -> dict[str, tuple[tuple, int, bool, bool]]:
    """Slot name -> (pool, its size, numbered?, has nested fields?) for every field used in
    the vocabulary ("topic2" -> TOPIC), so that a draw does no lookups beyond this one.

    Resolved once at import, which also checks that every field names a pool.
    """
    texts: list[str] = []
    for pool_name, pool in _POOLS.items():
        if pool_name not in _NOT_SLOT_FORMATTED:
            for entry in pool:
                texts.extend(t for t in (entry if isinstance(entry, tuple) else (entry,)) if t)
    names = {"name", "place", "product", "item_plural"}  # used by the arithmetic generators
    for text in texts:
        for _, field, _, _ in string.Formatter().parse(text):
            if field is not None:
                names.add(field.split("[", 1)[0])  # "lang[0]" -> "lang"
    slot_pools = {}
    for name in names:
        base = name.rstrip("0123456789").lower()
        if base not in _POOLS:
            raise KeyError(f"mock vocabulary: no pool for the field {{{name}}}")
        if name[0].islower():
            pool = _POOLS[base]
            nested = any(isinstance(v, tuple) or "{" in v for v in pool)
            slot_pools[name] = (pool, len(pool), name != base, nested)
    return slot_pools


_SLOT_POOLS = _slot_pools()


class _Slots(dict):
    """Slot values of one item, drawn on first use: ``"{topic} and {topic2}".format_map(slots)``.

    ``{Topic}`` is ``{topic}`` capitalised; ``{topic2}`` is a second draw from the same pool,
    redrawn if it repeats a value already used in the item. Values that contain fields are
    expanded with the same slots, so an input and its output agree on names and products.
    """

    __slots__ = ("random",)

    def __init__(self, rng: random.Random) -> None:
        super().__init__()
        self.random = rng.random  # pool[int(random() * n)]: a third of rng.choice's cost

    def __missing__(self, key: str) -> str | tuple[str, ...]:
        slot = _SLOT_POOLS.get(key)
        if slot is None:
            if not key[:1].isupper():
                raise KeyError(key)  # not a vocabulary field (a typo in a template)
            value = self[key[0].lower() + key[1:]]  # "{Topic}": "{topic}" capitalised
            value = value[:1].upper() + value[1:]
        else:
            pool, size, numbered, nested = slot
            value = pool[int(self.random() * size)]
            if numbered:  # "Amara and Amara", a list item twice: redraw
                for _ in range(3):
                    if value not in self.values():
                        break
                    value = pool[int(self.random() * size)]
            if nested:
                if type(value) is tuple:
                    value = tuple(part.format_map(self) if "{" in part else part for part in value)
                elif "{" in value:
                    value = value.format_map(self)
        self[key] = value
        return value


def _pick(rng: random.Random, pool: Sequence[T]) -> T:
    """``rng.choice(pool)`` at a third of the cost (same distribution, other sequence)."""
    return pool[int(rng.random() * len(pool))]


Item = tuple[str, str, str]  # instruction, input ("<noinput>" when none), output


def _clean_item(rng: random.Random) -> Item:
    """One well-formed task: a template or an arithmetic problem, sometimes with a sentence
    of context before the instruction and a requirement after it (more variety, as people
    write)."""
    slots = _Slots(rng)
    if rng.random() < _MATH_SHARE:
        subject, shown_input, output = _pick(rng, _MATH)(rng, slots)
        lead = _pick(rng, vocab.MATH_LEAD).format_map(slots)
        tail = _pick(rng, vocab.MATH_TAIL).format_map(slots)
        instruction = f"{lead} {subject} {tail}."
    else:
        template, input_template, output_template = _pick(rng, vocab.TEMPLATES)
        instruction = template.format_map(slots)
        instruction = instruction[:1].upper() + instruction[1:]
        shown_input = input_template.format_map(slots) if input_template else NO_INPUT
        output = output_template.format_map(slots)
    if rng.random() < _CONTEXT_RATE:
        instruction = f"{_pick(rng, vocab.CONTEXT).format_map(slots)} {instruction}"
    if rng.random() < _TAIL_RATE:
        instruction = f"{instruction} {_pick(rng, vocab.TAIL).format_map(slots)}"
    return instruction, shown_input, output


# --- arithmetic problems: (rng, slots) -> (subject, problem, worked answer) ----------------
# The subject names the problem's particulars ("about a 20% discount on a desk lamp"), so
# that instructions differ as much as the problems do.

Problem = tuple[str, str, str]


def _math_change(rng: random.Random, s: _Slots) -> Problem:
    qty, price = rng.randint(2, 9), rng.randint(2, 15)
    cost = qty * price
    note = next(n for n in (20, 50, 100, 200) if n > cost)
    name, items = s["Name"], s["item_plural"]
    problem = (
        f"{name} buys {qty} {items} at {price} dollars each and pays with a {note}-dollar note. "
        f"How much change should {name} get?"
    )
    answer = f"Cost: {qty} x {price} = {cost} dollars. Change: {note} - {cost} = {note - cost} dollars."
    return f"about {name}'s {qty} {items}", problem, answer


def _math_travel(rng: random.Random, s: _Slots) -> Problem:
    speed, halves = rng.choice((40, 50, 60, 70, 80, 90, 100, 120)), rng.randint(2, 14)
    distance = speed * halves // 2
    hours = f"{halves // 2}" + (".5" if halves % 2 else "")
    problem = (
        f"A coach leaves {s['place']} and travels {distance} km at an average of {speed} km/h. "
        "How long does the trip take?"
    )
    answer = f"Time = distance / speed = {distance} / {speed} = {hours} hours."
    return f"about a {distance} km coach trip from {s['place']}", problem, answer


def _math_discount(rng: random.Random, s: _Slots) -> Problem:
    price, pct = rng.randint(2, 60) * 5, rng.choice((10, 15, 20, 25, 30, 40, 50))
    saving = price * pct / 100
    problem = f"{s['Product']} costs {price} dollars and is on sale for {pct}% off. What is the sale price?"
    answer = (
        f"Discount: {pct}% of {price} = {saving:g} dollars. "
        f"Sale price: {price} - {saving:g} = {price - saving:g} dollars."
    )
    return f"about {pct}% off {s['product']}", problem, answer


def _math_share(rng: random.Random, s: _Slots) -> Problem:
    people, total = rng.randint(3, 9), rng.randint(20, 150)
    each, left = divmod(total, people)
    problem = (
        f"{s['Name']} has {total} {s['item_plural']} to share equally among {people} friends. "
        "How many does each friend get, and how many are left over?"
    )
    answer = (
        f"{total} / {people} = {each} remainder {left}, so each friend gets {each} and {left} are left over."
    )
    return f"about sharing {total} {s['item_plural']} among {people} people", problem, answer


def _math_area(rng: random.Random, s: _Slots) -> Problem:
    width, length = rng.randint(2, 20), rng.randint(3, 30)
    problem = (
        f"A rectangular vegetable bed in {s['place']} is {width} m wide and {length} m long. "
        "What is its area, and how much edging goes around it?"
    )
    answer = (
        f"Area = {width} x {length} = {width * length} square metres. "
        f"Edging = 2 x ({width} + {length}) = {2 * (width + length)} metres."
    )
    return f"about a {width} by {length} metre garden bed", problem, answer


def _math_savings(rng: random.Random, s: _Slots) -> Problem:
    weekly, target = rng.randint(5, 40), rng.randint(60, 900)
    weeks = -(-target // weekly)
    name = s["Name"]
    problem = (
        f"{name} saves {weekly} dollars a week for {s['product']}, which costs {target} dollars. "
        f"After how many weeks can {name} afford it?"
    )
    answer = f"{target} / {weekly} = {target / weekly:.2f}, so it takes {weeks} weeks (round up)."
    return f"about {name} saving {weekly} dollars a week", problem, answer


def _math_average(rng: random.Random, s: _Slots) -> Problem:
    scores = [rng.randint(40, 100) for _ in range(4)]
    total = sum(scores)
    listed = ", ".join(map(str, scores[:3])) + f" and {scores[3]}"
    problem = f"{s['Name']} scored {listed} on four quizzes. What is the average score?"
    answer = f"Sum: {' + '.join(map(str, scores))} = {total}. Average: {total} / 4 = {total / 4:g}."
    return f"about the average of {listed}", problem, answer


def _math_recipe(rng: random.Random, s: _Slots) -> Problem:
    serves, wanted, grams = rng.randint(2, 6), rng.randint(3, 12), rng.randint(1, 12) * 50
    needed = grams * wanted / serves
    problem = (
        f"A recipe for {serves} people needs {grams} g of flour. How much is needed for {wanted} people?"
    )
    answer = f"Flour per person: {grams} / {serves} = {grams / serves:g} g. For {wanted}: {needed:g} g."
    return f"about scaling a recipe from {serves} to {wanted} people", problem, answer


_MATH: tuple[Callable[[random.Random, _Slots], Problem], ...] = (
    _math_change,
    _math_travel,
    _math_discount,
    _math_share,
    _math_area,
    _math_savings,
    _math_average,
    _math_recipe,
)


# --- flawed items -------------------------------------------------------------------------


def _flawed_item(kind: str, rng: random.Random, examples: list[str], earlier: list[str]) -> Item:
    """A clean item spoiled in the way ``kind`` names (see :data:`FLAW_KINDS`)."""
    instruction, shown_input, output = _clean_item(rng)
    slots = _Slots(rng)
    if kind == "copy_example" and examples:
        instruction = rng.choice(examples)
    elif kind == "near_duplicate" and earlier:
        original = rng.choice(earlier)
        if rng.random() < 0.5:
            instruction = f"Please {original[:1].lower()}{original[1:]}"
        else:
            instruction = f"{original} {rng.choice(vocab.FLAW_NEAR_DUP_SUFFIX)}"
    elif kind == "blocklisted":
        instruction = rng.choice(vocab.FLAW_BLOCKED).format_map(slots)
    elif kind == "write_a_program":
        instruction = rng.choice(vocab.FLAW_PROGRAM).format_map(slots)
    elif kind == "bad_start":
        instruction = rng.choice(vocab.FLAW_BAD_START).replace("{}", instruction)
    elif kind == "empty_output":
        output = ""
    elif kind == "refusal":
        output = rng.choice(vocab.FLAW_REFUSAL).format_map(slots)
    else:  # too_short, and copy_example / near_duplicate when there is nothing to copy
        instruction = rng.choice(vocab.FLAW_SHORT).format_map(slots)
    return instruction, shown_input, output


# --- whole replies ------------------------------------------------------------------------


def _example_instructions(prompt: str) -> list[str]:
    """The instructions of the ``N. Instruction: ...`` example blocks shown in ``prompt``."""
    return [m[1] for m in map(_EXAMPLE_LINE.match, prompt.splitlines()) if m]


def _task_list(prompt: str, count: int, rng: random.Random) -> str:
    """``count`` numbered task blocks, with the occasional flawed item and prose around them."""
    style = rng.choices(_STYLES, cum_weights=_STYLE_CUM_WEIGHTS)[0]
    examples: list[str] | None = None  # parsed from the prompt only if a copy is wanted
    earlier: list[str] = []
    blocks = []
    for number in range(1, count + 1):
        if rng.random() < FLAW_RATE:
            kind = rng.choice(FLAW_KINDS)
            if kind == "copy_example" and examples is None:
                examples = _example_instructions(prompt)
            instruction, shown_input, output = _flawed_item(kind, rng, examples or [], earlier)
        else:
            instruction, shown_input, output = _clean_item(rng)
            earlier.append(instruction)
        block = style.format(i=number, ins=instruction, inp=shown_input, out=output)
        blocks.append(block.rstrip())  # an empty output leaves "Output:" with no trailing space
    text = "\n\n".join(blocks)
    if rng.random() < _PREAMBLE_RATE:
        text = rng.choice(vocab.PREAMBLE).format(n=count) + "\n\n" + text
    if rng.random() < _POSTSCRIPT_RATE:
        text += "\n\n" + rng.choice(vocab.POSTSCRIPT)
    return text


_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{3,}")


def _plain_answer(prompt: str, rng: random.Random) -> str:
    """A short paragraph on the prompt's own words (its last content words, in order)."""
    words: list[str] = []
    seen: set[str] = set()
    for word in _WORD.findall(prompt[-600:]):
        lowered = word.lower()
        if lowered not in vocab.ANSWER_STOPWORDS and lowered not in seen:
            seen.add(lowered)
            words.append(word)
    words = (words[:3] + list(vocab.ANSWER_FALLBACK_WORDS))[:3]
    slots = {"w1": words[0], "W1": words[0][:1].upper() + words[0][1:], "w2": words[1], "w3": words[2]}
    parts = (vocab.ANSWER_OPEN, vocab.ANSWER_MID, vocab.ANSWER_CLOSE)
    return " ".join(rng.choice(part).format_map(slots) for part in parts)


class MockTeacher:
    """In-process teacher backed by :func:`mock_reply` (implements ``Teacher``)."""

    def __init__(self, *, seed: int = 0, model: str = "mock", max_tokens: int | None = None):
        self.seed = seed
        self.model = model
        self.max_tokens = max_tokens

    async def complete(self, messages: list[Message], *, sample_index: int) -> Completion:
        """The reply to the joined message contents; cut with ``finish_reason="length"``
        when it exceeds ``max_tokens``."""
        prompt = "\n".join(m["content"] for m in messages)
        text = mock_reply(prompt, seed=self.seed, sample_index=sample_index)
        finish_reason = "stop"
        if self.max_tokens is not None:
            text, cut = truncate_to_tokens(text, self.max_tokens)
            finish_reason = "length" if cut else "stop"
        usage = Usage(prompt_tokens=count_tokens(prompt), completion_tokens=count_tokens(text))
        request_id = "mock-" + _digest(prompt, self.seed, sample_index).hex()[:12]
        return Completion(
            text=text, finish_reason=finish_reason, usage=usage, model=self.model, request_id=request_id
        )

    async def aclose(self) -> None:
        """Nothing to release."""
        return None
