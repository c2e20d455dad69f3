"""parse_numbered_tasks round trips: items whose fields hold label-like lines, in every format.

Each example makes 1-4 items (fields built from sentences, ``Instructions:`` /
``Answer 1:`` / ``Input:`` / ``Q:`` lines, task headers, markdown headers, numbered
steps, code blocks with numbered lines, paragraph breaks), renders them in each format of
``answer_formats.FORMATS``, parses, and requires every field back exactly.
``well_formed`` leaves out only what the parser documents as ambiguous.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from answer_formats import FORMATS, FRAGMENTS, Fragment, well_formed
from synthgen.recipes.parse import parse_numbered_tasks

# x 12 formats: a few thousand parsed answers, in a few seconds
EXAMPLES = 300

# A flat list of numbers per answer (cheap for hypothesis to draw and to shrink): each
# picks a fragment, or (>= FIELD_BREAK, a third of them) ends the field.
FIELD_BREAK = len(FRAGMENTS)
answers = st.tuples(st.integers(1, 4), st.lists(st.integers(0, FIELD_BREAK * 3 // 2), max_size=30))


def _fields(count: int, picks: list[int]) -> list[list[list[Fragment]]]:
    """``count`` items of three fields (instruction, input, output) from ``picks``."""
    fields: list[list[Fragment]] = [[]]
    for pick in picks:
        if pick >= FIELD_BREAK:
            fields.append([])
        else:
            fields[-1].append(FRAGMENTS[pick])
    fields += [[] for _ in range(3 * count - len(fields))]
    items = [fields[i : i + 3] for i in range(0, 3 * count, 3)]
    for item in items:
        item[0] = item[0] or [FRAGMENTS[0]]  # every item has an instruction
    return items


def triples(text: str, *, truncated: bool = False) -> list[tuple[str, str, str]]:
    return [tuple(c) for c in parse_numbered_tasks(text, truncated=truncated).candidates]


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer=answers, truncated=st.booleans(), crlf=st.booleans(), preamble=st.booleans())
def test_fields_come_back_exactly_in_every_format(
    answer: tuple[int, list[int]], truncated: bool, crlf: bool, preamble: bool
) -> None:
    fields = _fields(*answer)
    for fmt in FORMATS:
        items = well_formed(fmt, fields)
        text = fmt.render(items, preamble="Here are the new tasks:\n\n" if preamble else "")
        if crlf:
            text = text.replace("\n", "\r\n")
        assert triples(text, truncated=truncated) == (items[:-1] if truncated else items), fmt.name


def test_the_generator_really_puts_label_like_lines_in_fields() -> None:
    """Guard against a vacuous property: what the formats keep of the noise still has labels."""
    label_like = [f for f in FRAGMENTS if f.kind]
    for fmt in FORMATS:
        items = well_formed(fmt, [[[FRAGMENTS[0], *label_like], label_like, label_like]] * 2)
        foreign = [f.text for f in label_like if f.style not in fmt.owns and f.kind != "instruction"]
        assert foreign and all(line in items[0][2] for line in foreign), fmt.name
