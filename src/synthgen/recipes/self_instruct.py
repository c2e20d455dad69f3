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
from typing import Literal

from synthgen.config.shared import FilterOptions
from synthgen.dedup.exact import normalize_key
from synthgen.engine.recipe import Request, Row, StopHints
from synthgen.errors import TransientTeacherError
from synthgen.recipes.filters import FilterRules
from synthgen.recipes.parse import parse_numbered_tasks
from synthgen.recipes.parse_list import parse_instruction_list, prompt_end_number
from synthgen.recipes.prompts import PromptTemplate, build_messages, sample_examples
from synthgen.recipes.self_instruct_screen import TALLY, SelfInstructScreen, SelfInstructScreenFactory
from synthgen.recipes.self_instruct_shard import SelfInstructShardScreenFactory
from synthgen.records import AlpacaRecord, Completion, SeedTask

__all__ = ["SelfInstruct", "SelfInstructOptions", "SelfInstructScreen", "SelfInstructScreenFactory"]


@dataclass(frozen=True)
class SelfInstructOptions:
    """The options of ``generate`` this recipe reads (named, typed: one source, synthgen.config)."""

    seed: int
    examples_per_prompt: int
    mix_generated: int
    tasks_per_request: int
    similarity_threshold: float
    filters: FilterOptions
    mode: Literal["tasks", "instructions"] = "tasks"


# What a run says when its answers stop bringing tasks (see engine.recipe.StopHints).
STOP_HINTS = StopHints(
    unreadable="{n} could not be parsed as a numbered task list (a sample: {sample}); "
    "check the teacher's answers and the --prompt template",
    rejected="their tasks were filtered out (top reasons: {top}); "
    "check the filter options (--min-instruction-words, --blocklist, ...)",
    duplicates="{n} tasks were duplicates of kept ones; "
    "try other seeds, a higher --temperature or a higher --similarity-threshold",
)


class SelfInstruct:
    """The ``generate`` recipe; see the module docstring."""

    stop_hints = STOP_HINTS
    tally = TALLY

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
        self._continued_at: int | None = None  # the number the last prompt ended at (instructions mode)

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
        # A prompt that ends in "9." is continued by the teacher: item 9 is the answer's first line.
        self._continued_at = prompt_end_number(messages[-1]["content"]) if instructions_only else None
        return Request(
            index, messages, payload=self._continued_at, meta={"seed_ids": [e.source_id for e in examples]}
        )

    def screen_factory(self) -> SelfInstructScreenFactory:
        return SelfInstructScreenFactory(
            threshold=self.options.similarity_threshold,
            filters=FilterRules.of(self.options.filters),
            pool=[seed.instruction for seed in self.seeds]
            + [r.instruction for r in self.existing]
            + [instruction for instruction, _ in self.turned_away],
            keys=[normalize_key(r.instruction, r.input) for r in self.existing]
            + [normalize_key(*pair) for pair in self.turned_away],
            instructions_only=self.options.mode == "instructions",
        )

    shard_group = 1  # each request is screened on its own

    def shard_screen_factory(self, counted: list[bool]) -> SelfInstructShardScreenFactory:
        """The screen of a ``--shard`` run (:mod:`synthgen.recipes.self_instruct_shard`);
        ``counted``: which rows of the shard's file its own pool kept."""
        return SelfInstructShardScreenFactory(
            threshold=self.options.similarity_threshold,
            filters=FilterRules.of(self.options.filters),
            seeds=[seed.instruction for seed in self.seeds],
            rows=[(r.instruction, r.input) for r in self.existing],
            counted=counted,
            instructions_only=self.options.mode == "instructions",
        )

    def validate(self, completion: Completion) -> None:
        """Retry an answer cut off (finish_reason "length") before any task could be parsed."""
        if completion.finish_reason != "length":
            # Only a cut-off answer is retried: parsing every answer here (~0.1 ms each, in
            # the main process) repeated the screening worker's parse.
            return
        if self.options.mode == "instructions":
            parsed = parse_instruction_list(completion.text, truncated=True, first_number=self._continued_at)
        else:
            parsed = parse_numbered_tasks(completion.text, truncated=True)
        if not parsed.candidates:
            raise TransientTeacherError("completion cut off before any task (raise --max-tokens?)")

    def observe(self, rows: list[Row]) -> None:
        if self.options.mix_generated:
            self.generated.extend(AlpacaRecord.model_validate(row) for row in rows)
