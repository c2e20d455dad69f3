"""Self-instruct (Wang et al. 2022) as Stanford Alpaca runs it: the ``generate`` recipe.

Plan: each request shows the teacher ``examples_per_prompt`` tasks sampled from the seeds
(and, with ``mix_generated``, from tasks kept so far) and asks for ``tasks_per_request``
new ones. Screen: parse the numbered list, apply the heuristic filters, drop exact
duplicates and near-duplicates (ROUGE-L F > threshold against the pool of seeds and kept
instructions), keep the rest as Alpaca rows.

``mode="instructions"`` is self-instruct's first stage on its own: the teacher writes a bare
numbered list of new instructions (no inputs, no answers), kept with an empty ``output`` for
``synthgen respond`` to answer later, possibly with another model.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from synthgen.config.shared import FilterOptions
from synthgen.dedup.exact import ExactIndex, normalize_key
from synthgen.engine.recipe import Answer, Request, Row, Verdict
from synthgen.errors import TransientTeacherError
from synthgen.recipes.filters import Filter, default_filters, empty_output, first_rejection
from synthgen.recipes.parse import parse_numbered_tasks
from synthgen.recipes.parse_list import parse_instruction_list
from synthgen.recipes.prompts import PromptTemplate, build_messages, sample_examples
from synthgen.records import AlpacaRecord, Candidate, Completion, SeedTask

if TYPE_CHECKING:
    from synthgen.dedup.rouge_index import RougeIndex


@dataclass(frozen=True)
class SelfInstructScreen:
    """Parse -> filter -> exact dedup -> ROUGE-L dedup; the pools grow with what is kept.

    Built once where screening runs (see :class:`SelfInstructScreenFactory`).
    """

    filters: list[Filter]
    rouge: RougeIndex
    exact: ExactIndex
    instructions_only: bool = False

    def screen(self, answer: Answer, limit: int) -> Verdict:
        parse = parse_instruction_list if self.instructions_only else parse_numbered_tasks
        parsed = parse(answer.text, truncated=answer.truncated)
        verdict = Verdict(candidates=len(parsed.candidates), truncated_dropped=parsed.dropped_truncated)
        verdict.unparseable = not parsed.candidates
        for position, candidate in enumerate(parsed.candidates):
            if len(verdict.kept) >= limit:
                # The target is met: later candidates are not judged (nor pooled).
                verdict.unused_after_target = len(parsed.candidates) - position
                break
            reason = self._judge(candidate, verdict)
            if reason is None:
                verdict.kept.append(_row(candidate))
        return verdict

    def _judge(self, candidate: Candidate, verdict: Verdict) -> str | None:
        """Why ``candidate`` is not kept (counted in ``verdict``), or None: it joins the pools."""
        reason = first_rejection(candidate, self.filters)
        if reason:
            verdict.rejected[reason] += 1
            return reason
        key = normalize_key(candidate.instruction, candidate.input)
        if self.exact.seen(key):
            verdict.duplicates_exact += 1
            return "duplicate_exact"
        if self.rouge.check_and_add(candidate.instruction) is not None:
            verdict.duplicates_similar += 1
            return "duplicate_similar"
        self.exact.add(key)
        return None


def _row(candidate: Candidate) -> Row:
    # Same keys, order and values as AlpacaRecord.model_dump(): the bytes written are unchanged.
    return {"instruction": candidate.instruction, "input": candidate.input, "output": candidate.output}


@dataclass(frozen=True)
class SelfInstructScreenFactory:
    """Picklable recipe for the screen: sent to the screening worker as plain data."""

    threshold: float
    filters: FilterOptions
    pool: list[str]  # instructions already in the pool: seeds, then kept rows
    keys: list[str]  # exact keys of kept rows
    instructions_only: bool = False

    def __call__(self) -> SelfInstructScreen:
        # Imported where the screen is built (the screening worker over HTTP): the main
        # process then starts without numpy and the index (~0.15 s of start-up).
        from synthgen.dedup.rouge_index import RougeIndex

        rouge = RougeIndex(self.threshold)
        rouge.extend(self.pool)
        exact = ExactIndex()
        for key in self.keys:
            exact.add(key)
        filters = default_filters(self.filters)
        if self.instructions_only:  # no output yet: the answer comes later (synthgen respond)
            filters = [f for f in filters if f is not empty_output]
        return SelfInstructScreen(filters, rouge, exact, self.instructions_only)


@dataclass(frozen=True)
class SelfInstructOptions:
    """The options of ``generate`` this recipe reads (named, typed: one source, config.py)."""

    seed: int
    examples_per_prompt: int
    mix_generated: int
    tasks_per_request: int
    similarity_threshold: float
    filters: FilterOptions
    mode: Literal["tasks", "instructions"] = "tasks"


class SelfInstruct:
    """The ``generate`` recipe; see the module docstring."""

    def __init__(
        self,
        options: SelfInstructOptions,
        *,
        seeds: list[SeedTask],
        template: PromptTemplate,
        existing: list[AlpacaRecord],
        turned_away: Sequence[tuple[str, str]] = (),
    ) -> None:
        """``turned_away``: (instruction, input) of rows the screen kept and an inline judge
        turned away in earlier runs; they stay in the pools, as in the run that judged them."""
        self.options = options
        self.seeds = seeds
        self.template = template
        self.existing = existing
        self.turned_away = list(turned_away)
        # Only filled when mix_generated asks for it: kept rows shown as examples.
        self.generated: list[AlpacaRecord] = list(existing) if options.mix_generated else []
        # Optimistic on purpose: the engine launches more once answers show the real yield,
        # so a small run does not pay for requests it never uses.
        self.expected_rows_per_request = float(options.tasks_per_request)

    def plan(self, index: int) -> Request:
        rng = random.Random(f"{self.options.seed}:{index}")  # per-request stream: order-independent
        examples = sample_examples(
            self.seeds,
            self.generated,
            k=self.options.examples_per_prompt,
            mix_generated=self.options.mix_generated,
            rng=rng,
        )
        instructions_only = self.options.mode == "instructions"
        messages = build_messages(
            self.template, examples, self.options.tasks_per_request, instructions_only=instructions_only
        )
        return Request(index, messages, meta={"seed_ids": [e.source_id for e in examples]})

    def screen_factory(self) -> SelfInstructScreenFactory:
        return SelfInstructScreenFactory(
            threshold=self.options.similarity_threshold,
            filters=self.options.filters,
            pool=[seed.instruction for seed in self.seeds]
            + [r.instruction for r in self.existing]
            + [instruction for instruction, _ in self.turned_away],
            keys=[normalize_key(r.instruction, r.input) for r in self.existing]
            + [normalize_key(*pair) for pair in self.turned_away],
            instructions_only=self.options.mode == "instructions",
        )

    def validate(self, completion: Completion) -> None:
        """Retry an answer cut off (finish_reason "length") before any task could be parsed."""
        parse = parse_instruction_list if self.options.mode == "instructions" else parse_numbered_tasks
        if completion.finish_reason == "length" and not parse(completion.text, truncated=True).candidates:
            raise TransientTeacherError("completion cut off before any task (raise --max-tokens?)")

    def observe(self, rows: list[Row]) -> None:
        if self.options.mix_generated:
            self.generated.extend(AlpacaRecord.model_validate(row) for row in rows)
