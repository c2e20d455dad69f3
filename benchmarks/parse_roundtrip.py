"""Field-exact round trips of the task parser (issue 12): ours vs a naive keyword split.

    python benchmarks/parse_roundtrip.py                  # 3,000 answers, seed 0
    python benchmarks/parse_roundtrip.py --answers 10000 --seed 1 --timing

Generates teacher answers with a seeded random generator: 1-20 items each, rendered in one
of the label formats of ``tests/answer_formats.py`` (``1. Instruction:``, bold labels,
``Instruction 1:``, ``###`` blocks, Alpaca's ``### Instruction:`` headings, line-counted
numbers, indented unnumbered fields, ...), sometimes with a preamble or Windows line
endings, in two conditions:

* ``clean``: fields are plain sentences, numbered steps, Q:/A: lines, markdown headers,
  code blocks with numbered lines;
* ``label-like``: fields also hold label-like lines (``Instructions: Fry them.``,
  ``Answer 1: Yes.``, ``Input: [1, 2, 3]``, ``**Answer:** 12``, ``Item 3`` ...).

All items are well formed: ``answer_formats.well_formed`` leaves out only what the parser
documents as ambiguous. Then each answer is parsed by ``parse_numbered_tasks`` and by the
baseline below, and the script prints, per format and condition, the share of items that
come back field-exact (instruction, input and output all equal) and the number of parsed
candidates that match no item (silently corrupted records: they would pass on to the
filters).

The baseline is the keyword split a first parser would write: every line that starts
with ``Instruction``/``Input``/``Output`` (or ``Response``/``Answer``; any case, an
optional number before or after, optional bold or heading markup) and a colon is a label;
``Instruction`` starts an item; a separator line (``---``, ``###``) ends it and a bare task
header line (``### Task 3``) is skipped. In the ``clean`` condition no field line starts
with such a keyword, so the baseline's losses there come from the formats alone.

``--timing`` also times ``parse_numbered_tasks`` on 2,000 answers of the mock teacher.
"""

from __future__ import annotations

import argparse
import platform
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from answer_formats import FORMATS, FRAGMENTS, LABEL_LIKE, AnswerFormat, Item, well_formed
from synthgen.recipes.parse import parse_numbered_tasks

# -- the baseline ---------------------------------------------------------------------------

_KEYWORD_LABEL = re.compile(
    r"^[ \t#*_>-]*(?:\d+[.)][ \t*_]*)?(instruction|input|output|response|answer)s?(?:[ \t]+\d+)?[ \t*_]*:[*_]*[ \t]*",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(r"^[ \t]*(?:-{3,}|\*{3,}|#{1,6})[ \t]*$")
_HEADER = re.compile(r"^[ \t#*]*(?:task|example)[ \t]*\d+[ \t*:]*$", re.IGNORECASE)
_NONE = {"", "<noinput>", "none", "n/a", "<no input>"}


def keyword_split(text: str) -> list[Item]:
    """Every keyword line is a label; ``Instruction`` starts an item; separators end one."""
    items: list[dict[str, list[str]]] = []
    current: list[str] | None = None
    for line in text.splitlines():
        if _SEPARATOR.match(line):
            current = None
            continue
        match = _KEYWORD_LABEL.match(line)
        if match is None:
            if _HEADER.match(line):
                continue
            if current is not None:
                current.append(line)
            continue
        word = match[1].lower()
        field = "instruction" if word == "instruction" else "input" if word == "input" else "output"
        if field == "instruction" or not items:
            items.append({})
        current = items[-1].setdefault(field, [])
        current.append(line[match.end() :])
    found = []
    for item in items:
        ins, inp, out = ("\n".join(item.get(k, [])).strip() for k in ("instruction", "input", "output"))
        if ins and "output" in item:
            found.append((ins, "" if inp.lower() in _NONE else inp, out))
    return found


# -- answers ----------------------------------------------------------------------------------

CLEAN = [
    f
    for f in FRAGMENTS
    if f not in LABEL_LIKE and f.header is None and not any(map(_KEYWORD_LABEL.match, f.text.split("\n")))
]
CONDITIONS = {"clean": CLEAN, "label-like": FRAGMENTS}


def make_answer(rng: random.Random, fmt: AnswerFormat, pool: list) -> tuple[str, list[Item]]:
    fields = []
    for _ in range(rng.randint(1, 20)):
        fields.append([[rng.choice(pool) for _ in range(rng.randint(low, 4))] for low in (1, 0, 0)])
    items = well_formed(fmt, fields)
    preamble = "Here are the new tasks:\n\n" if rng.random() < 0.3 else ""
    text = fmt.render(items, preamble=preamble)
    if rng.random() < 0.1:
        text = text.replace("\n", "\r\n")
    return text, items


def score(found: list[Item], items: list[Item]) -> tuple[int, int]:
    """(items that came back field-exact, parsed records that match no item)."""
    wanted, got = Counter(items), Counter(found)
    exact = sum((wanted & got).values())
    return exact, sum(got.values()) - exact


def run(answers: int, seed: int) -> None:
    rng = random.Random(seed)
    rows: dict[tuple[str, str], Counter] = {}
    for index in range(answers):
        fmt = FORMATS[index % len(FORMATS)]
        condition = "clean" if index // len(FORMATS) % 2 == 0 else "label-like"
        text, items = make_answer(rng, fmt, CONDITIONS[condition])
        ours = [tuple(c) for c in parse_numbered_tasks(text).candidates]
        row = rows.setdefault((fmt.name, condition), Counter())
        row["answers"] += 1
        row["items"] += len(items)
        for name, found in (("ours", ours), ("base", keyword_split(text))):
            exact, corrupted = score(found, items)
            row[f"{name}_exact"] += exact
            row[f"{name}_corrupted"] += corrupted
    print_table(rows)


def print_table(rows: dict[tuple[str, str], Counter]) -> None:
    header = "| format | condition | answers | items | ours: field-exact | ours: corrupted | baseline: field-exact | baseline: corrupted |"
    print(header)
    print("| --- " * 8 + "|")
    total: Counter = Counter()
    for (name, condition), row in sorted(rows.items()):
        total.update(row)
        print(_row(name, condition, row))
    print(_row("**all**", "", total))


def _row(name: str, condition: str, row: Counter) -> str:
    items = row["items"] or 1
    return (
        f"| {name} | {condition} | {row['answers']:,} | {row['items']:,} | "
        f"{100 * row['ours_exact'] / items:.2f} % | {row['ours_corrupted']:,} | "
        f"{100 * row['base_exact'] / items:.2f} % | {row['base_corrupted']:,} |"
    )


# -- speed on the mock teacher's answers ----------------------------------------------------


def timing() -> None:
    from synthgen.io.seeds import load_seeds
    from synthgen.mock.replies import mock_reply
    from synthgen.recipes.prompts import load_template, sample_examples
    from synthgen.resources import default_prompt_path, default_seeds_path

    seeds, template, rng = (
        load_seeds(default_seeds_path()),
        load_template(default_prompt_path()),
        random.Random(1),
    )
    prompts = (
        template.render(sample_examples(seeds, [], k=3, mix_generated=0, rng=rng), 20) for _ in range(2000)
    )
    texts = [mock_reply(prompt, seed=3, sample_index=i) for i, prompt in enumerate(prompts)]
    best = float("inf")
    for _ in range(7):
        start = time.process_time()
        for text in texts:
            parse_numbered_tasks(text)
        best = min(best, time.process_time() - start)
    size = sum(map(len, texts)) / len(texts)
    print(f"\nparse_numbered_tasks on {len(texts):,} mock answers ({size:,.0f} chars, 20 tasks each): "
          f"{best / len(texts) * 1e6:.0f} us of CPU per answer (best of 7)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--answers", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timing", action="store_true", help="also time the parser on mock answers")
    args = parser.parse_args()
    print(
        f"{args.answers:,} answers, seed {args.seed}; Python {platform.python_version()}, {platform.machine()}\n"
    )
    run(args.answers, args.seed)
    if args.timing:
        timing()


if __name__ == "__main__":
    main()
