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


# A candidate with what the pool-free half of the screen found: (candidate, the first filter's
# rejection or None, its exact key when it passed the filters). Plain tuples: they cross a pipe.
Prepared = tuple[int, list[tuple["Candidate", str | None, str | None]]]  # (truncated dropped, items)


@dataclass(frozen=True)
class TaskReader:
    """The screen's half that needs no pool: parse an answer, filter its candidates, key them.

    A pure function of the answer, so that with ``--screen-workers`` it runs in any number of
    processes (:mod:`synthgen.engine.screening`); :meth:`SelfInstructScreen.decide` does the rest.
    """

    filters: list[Filter]
    instructions_only: bool = False

    def __call__(self, answer: Answer) -> Prepared:
        if self.instructions_only:  # the payload: the number the prompt ended at, if it did
            parsed = parse_instruction_list(
                answer.text, truncated=answer.truncated, first_number=answer.payload
            )
        else:
            parsed = parse_numbered_tasks(answer.text, truncated=answer.truncated)
        items = []
        for candidate in parsed.candidates:
            reason = first_rejection(candidate, self.filters)
            key = None if reason else normalize_key(candidate.instruction, candidate.input)
            items.append((candidate, reason, key))
        return parsed.dropped_truncated, items


@dataclass(frozen=True)
class SelfInstructScreen:
    """Parse -> filter -> exact dedup -> ROUGE-L dedup; the pools grow with what is kept.

    Built once where screening runs (see :class:`SelfInstructScreenFactory`). ``screen`` is
    ``decide(read(answer))``: the reading may run elsewhere (:meth:`SelfInstructScreenFactory.preparer`).
    """

    read: TaskReader
    rouge: RougeIndex
    exact: ExactIndex

    def screen(self, answer: Answer, limit: int) -> Verdict:
        return self.decide(self.read(answer), limit)

    def decide(self, prepared: Prepared, limit: int) -> Verdict:
        """The verdict on a read answer: its candidates judged in order against the pools."""
        dropped_truncated, items = prepared
        verdict = Verdict(candidates=len(items))
        verdict.counts[TRUNCATED] += dropped_truncated
        verdict.counts[UNPARSEABLE] += not items
        pools = (self.exact, self.rouge)
        for position, (candidate, reason, key) in enumerate(items):
            if len(verdict.kept) >= limit:
                # The target is met: later candidates are not judged (nor pooled).
                verdict.unused_after_target = len(items) - position
                break
            if reason:
                verdict.rejected[reason] += 1
            elif duplicate(key, candidate.instruction, pools, verdict.counts) is None:
                verdict.kept.append(candidate_row(candidate))
        return verdict


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
        return SelfInstructScreen(self.preparer()(), rouge, exact)

    def preparer(self) -> ReaderFactory:
        """Picklable: builds the pool-free half of the screen (in each preparing process)."""
        return ReaderFactory(self.filters, self.instructions_only)


@dataclass(frozen=True)
class ReaderFactory:
    filters: FilterSettings
    instructions_only: bool = False

    def __call__(self) -> TaskReader:
        filters = default_filters(self.filters)
        if self.instructions_only:  # no output yet: the answer comes later (synthgen respond)
            filters = [f for f in filters if f is not empty_output]
        return TaskReader(filters, self.instructions_only)
