"""The screen of a ``generate`` shard (``--shard I/N``): only what one shard can decide alone.

A single process keeps a task unless the filters reject it, its exact key is a kept row's, or
its ROUGE-L against the pool (seeds and every earlier kept task, from every shard) is above the
threshold. A shard sees a part of the answers, so it writes every candidate a global pass may
keep, in answer order, and drops only:

* what the filters reject (a function of the candidate alone);
* an exact duplicate of an earlier candidate of the shard *with the same ROUGE-L tokens*:
  whatever became of that earlier one globally (kept, an exact duplicate, or similar to a pool
  member that is still in the pool later), this one is dropped too. (Tokens differ from the key
  only outside ASCII, where NFKC and rouge-score's tokenizer part ways; such a candidate is
  written.)

Each candidate's meta line says whether the shard's own pool (seeds and its own new tasks)
would keep it (``"shard_pass": "new"``) or finds it similar: only the new ones count towards
the shard's target, which estimates the rows it brings to the merged file (``--num`` / N, plus
a margin; see ``synthgen.commands.shard``). No ROUGE-L decision is taken here: ``synthgen
merge`` takes them all, in global order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from synthgen.dedup.exact import normalize_key
from synthgen.dedup.rouge import rouge_tokens
from synthgen.engine.recipe import Answer, Verdict
from synthgen.engine.shard import SHARD_PASS
from synthgen.recipes import duplicates
from synthgen.recipes.filters import Filter, FilterSettings, default_filters, empty_output, first_rejection
from synthgen.recipes.parse import parse_numbered_tasks
from synthgen.recipes.parse_list import parse_instruction_list
from synthgen.recipes.self_instruct_screen import TRUNCATED, UNPARSEABLE, candidate_row

if TYPE_CHECKING:
    from synthgen.dedup.rouge_index import RougeIndex


@dataclass(frozen=True)
class SelfInstructShardScreen:
    filters: list[Filter]
    rouge: RougeIndex  # the shard's own pool: only for its estimate of new rows
    instructions_only: bool = False
    seen: dict[str, str] = field(default_factory=dict)  # exact key -> tokens of its first candidate

    def screen(self, answer: Answer, limit: int) -> Verdict:
        parse = parse_instruction_list if self.instructions_only else parse_numbered_tasks
        parsed = parse(answer.text, truncated=answer.truncated)
        verdict = Verdict(candidates=len(parsed.candidates))
        verdict.counts[TRUNCATED] += parsed.dropped_truncated
        verdict.counts[UNPARSEABLE] += not parsed.candidates
        verdict.counted = 0
        for candidate in parsed.candidates:
            reason = first_rejection(candidate, self.filters)
            if reason:
                verdict.rejected[reason] += 1
                continue
            key, tokens = (
                normalize_key(candidate.instruction, candidate.input),
                _tokens(candidate.instruction),
            )
            first = self.seen.get(key)
            if first is None:
                self.seen[key] = tokens
            elif first == tokens:  # an earlier candidate's twin: dropped globally too
                verdict.counts[duplicates.EXACT] += 1
                continue
            new = self.rouge.check_and_add(candidate.instruction) is None
            verdict.counted += new
            verdict.counts[duplicates.SIMILAR] += not new
            verdict.kept.append(candidate_row(candidate))
            verdict.row_meta.append({SHARD_PASS: "new" if new else "similar"})
        return verdict


def _tokens(instruction: str) -> str:
    return " ".join(rouge_tokens(instruction))


@dataclass(frozen=True)
class SelfInstructShardScreenFactory:
    """Picklable: the shard's screen, rebuilt from its seeds and the rows it already wrote."""

    threshold: float
    filters: FilterSettings
    seeds: list[str]
    rows: list[tuple[str, str]]  # (instruction, input) of the rows already written, in order
    counted: list[bool]  # which of them counted (its own pool kept them)
    instructions_only: bool = False

    def __call__(self) -> SelfInstructShardScreen:
        from synthgen.dedup.rouge_index import RougeIndex

        rouge = RougeIndex(self.threshold)
        rouge.extend(self.seeds + [row[0] for row, new in zip(self.rows, self.counted, strict=True) if new])
        seen: dict[str, str] = {}
        for instruction, input_ in self.rows:
            seen.setdefault(normalize_key(instruction, input_), _tokens(instruction))
        filters = default_filters(self.filters)
        if self.instructions_only:
            filters = [f for f in filters if f is not empty_output]
        return SelfInstructShardScreen(filters, rouge, self.instructions_only, seen)
