"""Evol-Instruct (Xu et al. 2023, WizardLM): one round of the ``evolve`` recipe.

Plan: parent ``j`` of the round is request ``first_request + j``; its operation is drawn
from ``operations`` by ``(seed, round, j)`` and its prompt asks the teacher for the evolved
task. Screen, in order (the first rule that applies names the rejection):

``cut_off`` (the answer hit the token limit), ``empty``, ``refusal`` (the teacher declined),
``copied_prompt`` (the task repeats the prompt's own labels, e.g. "Evolved task"),
``no_new_information`` (fewer than ``min_new_words`` words its parent lacks), generate's
instruction filters (``too_short``, ``too_long``, ``bad_start``, ``write_a_program``,
``blocklisted``), then the exact and ROUGE-L duplicates against the pool: every input task
and every task kept so far, in any round. The ROUGE-L rule skips the task's own lineage (its
parent, the parent's parent, ... back to the input row): an in-depth evolution keeps most of
its parent's words on purpose, so a parent of 20 words with one sentence added already scores
above 0.7, and a chain of them would be cut after a round or two. The parent is judged by the
no-new-information rule instead; exact copies of any ancestor by the exact rule.

A kept task is written as an Alpaca row with an empty output (``synthgen respond`` answers
it) and joins the pool; every other one goes to ``OUT.rejected.jsonl`` with its reason. So
each request leaves exactly one line (kept or rejected), which tells a resumed run how far a
round got.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from synthgen.config.shared import FilterOptions
from synthgen.dedup.exact import ExactIndex, normalize_key
from synthgen.engine.recipe import Answer, Request, Row, StopHints, Tally, Verdict
from synthgen.io.beside import REJECTED
from synthgen.recipes import duplicates
from synthgen.recipes.duplicates import duplicate
from synthgen.recipes.evolve_prompts import EvolvePrompt, parse_evolved
from synthgen.recipes.evolve_rules import copied_phrases, new_words, task_text
from synthgen.recipes.filters import Filter, default_filters, empty_output, first_rejection, refusal
from synthgen.records import Candidate, Completion

if TYPE_CHECKING:
    from synthgen.dedup.rouge_index import RougeIndex


@dataclass(frozen=True)
class Parent:
    """A task to evolve: an input row (``index`` None) or a row of the output (its index)."""

    instruction: str
    input: str
    index: int | None
    line: int  # the input line its lineage started from
    # Places in the dedup pool (the input rows, then the output's rows) of this task and of the
    # tasks it was evolved from, back to its input row.
    lineage: tuple[int, ...]


@dataclass(frozen=True)
class Evolution:
    """The payload of one request: what the screen needs besides the answer."""

    round: int
    operation: str
    parent: Parent

    def lineage(self) -> dict[str, Any]:
        return {
            "round": self.round,
            "operation": self.operation,
            "parent": self.parent.index,
            "line": self.parent.line,
        }


@dataclass(frozen=True)
class EvolveOptions:
    """The options of ``evolve`` this recipe reads (one source: synthgen.config)."""

    seed: int
    operations: tuple[str, ...]
    similarity_threshold: float
    min_new_words: int
    filters: FilterOptions


@dataclass
class EvolveScreen:
    """The elimination rules of the module docstring; the pools grow with what is kept."""

    min_new_words: int
    copied: re.Pattern[str]  # the prompt's own words
    filters: list[Filter]
    rouge: RougeIndex
    exact: ExactIndex

    def screen(self, answer: Answer, limit: int) -> Verdict:
        evolution: Evolution = answer.payload
        instruction, input = parse_evolved(answer.text)
        verdict = Verdict(candidates=1)
        if answer.truncated:
            reason: str | None = "cut_off"
            verdict.rejected["cut_off"] += 1
        else:
            reason = self._judge(instruction, input, evolution.parent, verdict)
        if reason is None:  # (past the target the engine counts it as unused)
            verdict.kept.append({"instruction": instruction, "input": input, "output": ""})
        else:
            rejected = {"instruction": instruction, "input": input, "_rejected": reason}
            verdict.side.append((REJECTED, {**rejected, **evolution.lineage()}))
        return verdict

    def _judge(self, instruction: str, input: str, parent: Parent, verdict: Verdict) -> str | None:
        """Why the evolved task is not kept (counted in ``verdict``), or None: it joins the pools."""
        reason = self._text_rule(instruction, input, parent)
        if reason is not None:
            verdict.rejected[reason] += 1
            return reason
        key, text = normalize_key(instruction, input), task_text(instruction, input)
        # ROUGE-L not against its own lineage: an in-depth evolution contains most of it by design
        # (an added sentence scores > 0.7 against a parent of 20 words); the rule above judged that.
        return duplicate(key, text, (self.exact, self.rouge), verdict.counts, ignore=parent.lineage)

    def _text_rule(self, instruction: str, input: str, parent: Parent) -> str | None:
        if not instruction:
            return "empty"
        candidate = Candidate(instruction, input)
        if refusal(candidate):
            return "refusal"
        evolved = task_text(instruction, input)
        if self.copied.search(evolved):
            return "copied_prompt"
        if len(new_words(evolved, task_text(parent.instruction, parent.input))) < self.min_new_words:
            return "no_new_information"
        return first_rejection(candidate, self.filters)


@dataclass(frozen=True)
class EvolveScreenFactory:
    """Picklable recipe for the screen: plain data."""

    threshold: float
    min_new_words: int
    labels: tuple[str, ...]
    filters: FilterOptions
    pool: list[tuple[str, str]]  # (instruction, input) of every input row, then of every kept row

    def __call__(self) -> EvolveScreen:
        from synthgen.dedup.rouge_index import RougeIndex  # numpy: only where a screen is built

        rouge = RougeIndex(self.threshold)
        rouge.extend(task_text(instruction, input) for instruction, input in self.pool)
        exact = ExactIndex()
        for instruction, input in self.pool:
            exact.add(normalize_key(instruction, input))
        # generate's instruction filters; refusal is checked earlier, and there is no output yet
        rest = [f for f in default_filters(self.filters) if f not in (refusal, empty_output)]
        return EvolveScreen(self.min_new_words, copied_phrases(self.labels), rest, rouge, exact)


# What a round says when its evolved tasks stop being kept (see engine.recipe.StopHints).
STOP_HINTS = StopHints(
    rejected="their evolved tasks were turned away (top reasons: {top}); check the filter "
    "options (--min-instruction-words, --blocklist, ...) and --min-new-words",
    duplicates="{n} evolved tasks were duplicates of kept ones; "
    "try a higher --temperature or a higher --similarity-threshold",
    by_reason={"cut_off": "their evolved tasks were cut off (top reasons: {top}); raise --max-tokens"},
)


class EvolveRound:
    """One round of the ``evolve`` recipe; see the module docstring."""

    expected_rows_per_request = 1.0
    stop_hints = STOP_HINTS
    tally = Tally(duplicates.COUNTS, duplicates=duplicates.COUNTS, panel=(duplicates.PANEL_ROW,))

    def __init__(
        self,
        options: EvolveOptions,
        prompts: dict[str, EvolvePrompt],
        *,
        round: int,
        first_request: int,
        parents: list[Parent],
        pool: list[tuple[str, str]],
    ) -> None:
        self.options = options
        self.prompts = prompts
        self.round = round
        self.first_request = first_request
        self.parents = parents
        self.pool = pool

    def operation(self, position: int) -> str:
        """The operation for parent ``position``: a pure function of (seed, round, position)."""
        rng = random.Random(f"{self.options.seed}:evolve:{self.round}:{position}")
        return rng.choice(self.options.operations)

    def plan(self, index: int) -> Request | None:
        position = index - self.first_request
        if not 0 <= position < len(self.parents):
            return None
        parent = self.parents[position]
        evolution = Evolution(self.round, self.operation(position), parent)
        messages = self.prompts[evolution.operation].messages(parent.instruction, parent.input)
        return Request(index, messages, payload=evolution, meta=evolution.lineage())

    def screen_factory(self) -> EvolveScreenFactory:
        labels = sorted({label for prompt in self.prompts.values() for label in prompt.labels()})
        return EvolveScreenFactory(
            threshold=self.options.similarity_threshold,
            min_new_words=self.options.min_new_words,
            labels=tuple(labels),
            filters=self.options.filters,
            pool=self.pool,
        )

    def validate(self, completion: Completion) -> None:
        return None  # a cut-off answer is rejected with a reason, not retried

    def observe(self, rows: list[Row]) -> None:
        return None  # the next round's parents are read back from the output
