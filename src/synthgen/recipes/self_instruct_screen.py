"""The screen of the ``generate`` recipe (:mod:`synthgen.recipes.self_instruct`), and its factory.

Apart from the recipe so that the screening worker, which unpickles the factory, imports
only what screening needs (no pydantic: the factory carries its filter options as
:class:`~synthgen.recipes.filters.FilterRules`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from synthgen.dedup.exact import ExactIndex, normalize_key
from synthgen.engine.recipe import Answer, Row, Tally, Verdict
from synthgen.recipes import duplicates
from synthgen.recipes.duplicates import duplicate
from synthgen.recipes.filters import Filter, FilterSettings, default_filters, empty_output, first_rejection
from synthgen.recipes.parse import parse_numbered_tasks
from synthgen.recipes.parse_list import parse_instruction_list

if TYPE_CHECKING:
    from synthgen.candidate import Candidate
    from synthgen.dedup.rouge_index import RougeIndex


UNPARSEABLE = "unparseable_responses"  # answers with no task in them
TRUNCATED = "truncated_dropped"  # last items dropped from answers cut off at the token limit
# What generate's verdicts count beside the engine's counts, in the report's order.
TALLY = Tally(
    names=(UNPARSEABLE, TRUNCATED, *duplicates.COUNTS),
    unreadable=UNPARSEABLE,
    duplicates=duplicates.COUNTS,
    panel=(duplicates.PANEL_ROW,),
)


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
        if self.instructions_only:  # the payload: the number the prompt ended at, if it did
            parsed = parse_instruction_list(
                answer.text, truncated=answer.truncated, first_number=answer.payload
            )
        else:
            parsed = parse_numbered_tasks(answer.text, truncated=answer.truncated)
        verdict = Verdict(candidates=len(parsed.candidates))
        verdict.counts[TRUNCATED] += parsed.dropped_truncated
        verdict.counts[UNPARSEABLE] += not parsed.candidates
        for position, candidate in enumerate(parsed.candidates):
            if len(verdict.kept) >= limit:
                # The target is met: later candidates are not judged (nor pooled).
                verdict.unused_after_target = len(parsed.candidates) - position
                break
            reason = self._judge(candidate, verdict)
            if reason is None:
                verdict.kept.append(candidate_row(candidate))
        return verdict

    def _judge(self, candidate: Candidate, verdict: Verdict) -> str | None:
        """Why ``candidate`` is not kept (counted in ``verdict``), or None: it joins the pools."""
        reason = first_rejection(candidate, self.filters)
        if reason:
            verdict.rejected[reason] += 1
            return reason
        key = normalize_key(candidate.instruction, candidate.input)
        return duplicate(key, candidate.instruction, (self.exact, self.rouge), verdict.counts)


def candidate_row(candidate: Candidate) -> Row:
    # Same keys, order and values as AlpacaRecord.model_dump(): the bytes written are unchanged.
    return {"instruction": candidate.instruction, "input": candidate.input, "output": candidate.output}


@dataclass(frozen=True)
class SelfInstructScreenFactory:
    """Picklable recipe for the screen: sent to the screening worker as plain data."""

    threshold: float
    filters: FilterSettings  # FilterRules when sent to the worker (no pydantic there)
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
