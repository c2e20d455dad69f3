"""The mock teacher's replies: clean and flawed task items, the task list or plain answer
around them, :func:`mock_reply` itself, and the rough token counts used for ``usage``.

Items are filled from the templates of :mod:`synthgen.mock.vocab` (see :mod:`synthgen.mock.slots`) or are
arithmetic problems (:mod:`synthgen.mock.math_tasks`); about :data:`FLAW_RATE` of them carry one flaw
from :data:`FLAW_KINDS`. What the prompt asks for is read by :mod:`synthgen.mock.prompt`.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Literal, NamedTuple, TypeVar

from synthgen.mock import vocab
from synthgen.mock.answers import math_reply, math_trace, plain_trace, wrong_value
from synthgen.mock.code import CodeFaults, code_reply, find_problem
from synthgen.mock.evolve import evolve_reply, is_evolve_prompt
from synthgen.mock.judge import judge_reply, judged_answer
from synthgen.mock.math_tasks import MATH_TASKS
from synthgen.mock.prompt import example_instructions, requested_task_count, wants_instructions_only
from synthgen.mock.scripted import scripted_answer
from synthgen.mock.slots import Slots
from synthgen.mock.word_problems import solve_question
from synthgen.recipes.prompts import NO_INPUT  # the marker our prompt shows for an empty input
from synthgen.recipes.reasoning import format_inline
from synthgen.tokens import CHARS_PER_TOKEN, count_tokens

T = TypeVar("T")
ReasoningMode = Literal["none", "field", "inline"]


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
# A bare list of instructions, for prompts that ask for instructions only.
_BARE_STYLE = "{i}. {ins}"


def truncate_to_tokens(text: str, max_tokens: int) -> tuple[str, bool]:
    """``text`` cut to about ``max_tokens`` tokens, and whether it was cut.

    Cuts mid-word at ``max_tokens * 4`` characters, as a real length limit does, so the
    cut text counts exactly ``max_tokens`` by :func:`count_tokens`.
    """
    if count_tokens(text) <= max_tokens:
        return text, False
    return text[: max(0, max_tokens) * CHARS_PER_TOKEN], True


def mock_reply(prompt: str, *, seed: int, sample_index: int = 0) -> str:
    """Deterministic answer to ``prompt``: a numbered task list when tasks are asked for, a
    worked solution to an arithmetic question, else a short paragraph.

    Same ``(prompt, seed, sample_index)`` -> the same text; changing any of them changes it.
    """
    return mock_answer(prompt, seed=seed, sample_index=sample_index).content


class MockAnswer(NamedTuple):
    """A reply's text and, with ``reasoning="field"``, its separate reasoning trace."""

    content: str
    reasoning: str | None = None


def mock_answer(
    prompt: str,
    *,
    seed: int,
    sample_index: int = 0,
    wrong_answer_rate: float = 0.0,
    reasoning: ReasoningMode = "none",
    json_mode: bool = False,
    code_faults: CodeFaults | None = None,
) -> MockAnswer:
    """:func:`mock_reply` with the options of a reasoning teacher that makes mistakes.

    ``wrong_answer_rate``: the share of arithmetic answers whose final value is wrong, decided
    per ``(prompt, seed, sample_index)`` by its own hash (so a higher rate keeps every answer a
    lower rate got wrong). ``reasoning``: ``"none"``; ``"field"``, a trace beside the content;
    ``"inline"``, the trace in a leading ``<think>`` block. The content besides the think block
    is the same in every mode. A judge request gets a grade (:mod:`synthgen.mock.judge`; JSON
    with ``json_mode``) and no trace. A coding prompt (:mod:`synthgen.mock.code`) gets code,
    wrong at ``wrong_answer_rate`` and faulty at the other rates of ``code_faults``.
    """
    rng = random.Random(int.from_bytes(reply_digest(prompt, seed, sample_index), "big"))
    judged = judged_answer(prompt)
    if judged is not None:
        return MockAnswer(judge_reply(judged, json_mode=json_mode, rng=rng))
    scripted = scripted_answer(prompt, sample_index)
    if scripted is not None:
        return MockAnswer(scripted)
    evolving = is_evolve_prompt(prompt)  # before the task count: "a brand-new task" asks for one
    count = None if evolving else requested_task_count(prompt)
    problem = find_problem(prompt) if count is None and not evolving else None
    solution = solve_question(prompt) if count is None and not evolving and problem is None else None
    trace = None
    if evolving:
        content = evolve_reply(prompt, rng, _clean_item)
    elif count is not None:
        content = _task_list(prompt, count, rng)
    elif problem is not None:
        faults = replace(code_faults or CodeFaults(), wrong=wrong_answer_rate)
        content = code_reply(problem, faults, _unit_draw(prompt, seed, sample_index, "code"), rng)
    elif solution is None:
        content = _plain_answer(prompt, rng)
    else:
        stated = solution.answer
        if wrong_answer_rate > 0 and _unit_draw(prompt, seed, sample_index, "wrong") < wrong_answer_rate:
            stated = wrong_value(stated, _salted_rng(prompt, seed, sample_index, "wrong-value"))
        content = math_reply(solution, stated, rng)
        if reasoning != "none":
            trace = math_trace(solution, stated, _salted_rng(prompt, seed, sample_index, "trace"))
    if reasoning == "none":
        return MockAnswer(content)
    if trace is None:
        trace = plain_trace(count, _salted_rng(prompt, seed, sample_index, "trace"))
    if reasoning == "inline":
        return MockAnswer(format_inline(trace, content))
    return MockAnswer(content, trace)


def fit_answer(answer: MockAnswer, max_tokens: int) -> tuple[MockAnswer, bool]:
    """``answer`` cut to ``max_tokens`` in all (trace first, as a model thinks first), and
    whether it was cut."""
    trace = answer.reasoning or ""
    trace_tokens = count_tokens(trace) if trace else 0
    if trace_tokens + count_tokens(answer.content) <= max_tokens:
        return answer, False
    if trace and trace_tokens >= max_tokens:
        return MockAnswer("", truncate_to_tokens(trace, max_tokens)[0]), True
    content, _ = truncate_to_tokens(answer.content, max_tokens - trace_tokens)
    return MockAnswer(content, answer.reasoning), True


def reply_digest(prompt: str, seed: int, sample_index: int, salt: str = "") -> bytes:
    """Stable 8-byte hash of the arguments (the same in every process, unlike ``hash()``)."""
    h = hashlib.blake2b(f"{seed}\x00{sample_index}\x00{salt}".encode(), digest_size=8)
    h.update(prompt.encode("utf-8", "surrogatepass"))
    return h.digest()


def _unit_draw(prompt: str, seed: int, sample_index: int, salt: str) -> float:
    """A uniform draw in [0, 1) of its own, independent of the reply's other draws."""
    return int.from_bytes(reply_digest(prompt, seed, sample_index, salt), "big") / 2**64


def _salted_rng(prompt: str, seed: int, sample_index: int, salt: str) -> random.Random:
    return random.Random(int.from_bytes(reply_digest(prompt, seed, sample_index, salt), "big"))


def _pick(rng: random.Random, pool: Sequence[T]) -> T:
    """``rng.choice(pool)`` at a third of the cost (same distribution, other sequence)."""
    return pool[int(rng.random() * len(pool))]


Item = tuple[str, str, str]  # instruction, input ("<noinput>" when none), output


def _clean_item(rng: random.Random) -> Item:
    """One well-formed task: a template or an arithmetic problem, sometimes with a sentence
    of context before the instruction and a requirement after it (more variety, as people
    write)."""
    slots = Slots(rng)
    if rng.random() < _MATH_SHARE:
        subject, shown_input, output = _pick(rng, MATH_TASKS)(rng, slots)
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


# --- flawed items -------------------------------------------------------------------------


def _flawed_item(kind: str, rng: random.Random, examples: list[str], earlier: list[str]) -> Item:
    """A clean item spoiled in the way ``kind`` names (see :data:`FLAW_KINDS`)."""
    instruction, shown_input, output = _clean_item(rng)
    slots = Slots(rng)
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


def _task_list(prompt: str, count: int, rng: random.Random) -> str:
    """``count`` numbered task blocks, with the occasional flawed item and prose around them."""
    style = rng.choices(_STYLES, cum_weights=_STYLE_CUM_WEIGHTS)[0]
    if wants_instructions_only(prompt):
        style = _BARE_STYLE
    examples: list[str] | None = None  # parsed from the prompt only if a copy is wanted
    earlier: list[str] = []
    blocks = []
    for number in range(1, count + 1):
        if rng.random() < FLAW_RATE:
            kind = rng.choice(FLAW_KINDS)
            if kind == "copy_example" and examples is None:
                examples = example_instructions(prompt)
            instruction, shown_input, output = _flawed_item(kind, rng, examples or [], earlier)
        else:
            instruction, shown_input, output = _clean_item(rng)
            earlier.append(instruction)
        block = style.format(i=number, ins=instruction, inp=shown_input, out=output)
        blocks.append(block.rstrip())  # an empty output leaves "Output:" with no trailing space
    text = ("\n" if style is _BARE_STYLE else "\n\n").join(blocks)
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
