"""Respond's bookkeeping of verified samples, row by row: which samples to keep, pass@k, and
the rows no sample solved (``OUT.unsolved.jsonl``); and what each request carries to them
(:class:`SampleInfo`).

One tally serves both ways of verifying: the screen's checkers (math, exact, choice, regex),
which answer at once, and the code review (``recipes.respond_code``), whose answers come
back from the sandbox. Both see a row's samples in request order, its last sample last.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from synthgen.engine.recipe import Verdict
from synthgen.io.beside import UNSOLVED
from synthgen.records import Message
from synthgen.verify.passk import pass_at_k

Keep = Literal["all-correct", "first-correct", "all"]


@dataclass(frozen=True)
class SampleInfo:
    """The payload of one request: what the screen needs to judge its answer."""

    row: int
    sample: int
    reference: Any
    last: bool  # the row's last sample: its pass@k can be computed
    instruction: str
    input: str
    messages: list[Message]
    source: dict[str, Any] | None  # for the unsolved file, on the last sample only
    traces: tuple[str | None, ...] = ()  # the trace fields of ``messages``' turns (written back)


@dataclass
class SampleTally:
    keep: Keep
    samples: int  # per row: the n of pass@k
    solved_rows: set[int]  # rows that already have a kept correct sample (first-correct)
    correct_in_row: Counter[int] = field(default_factory=Counter)

    def judge(self, info: SampleInfo, correct: bool, verdict: Verdict) -> str | None:
        """Count one verified sample (``verified`` goes to its meta line); the reason it is not
        kept under ``--keep``, or None."""
        self.correct_in_row[info.row] += correct
        verdict.meta["verified"] = correct
        if self.keep != "all" and not correct:
            return "wrong_answer"
        if self.keep == "first-correct" and info.row in self.solved_rows:
            return "already_solved"
        return None

    def kept(self, info: SampleInfo, correct: bool) -> None:
        """A sample was written: a correct one solves its row (for ``first-correct``)."""
        if correct:
            self.solved_rows.add(info.row)

    def finish_row(self, info: SampleInfo, verdict: Verdict) -> None:
        """After a row's last sample: its pass@k sums, and the row to the unsolved file if no
        sample was correct."""
        n, c = self.samples, self.correct_in_row.pop(info.row, 0)
        verdict.metrics["rows_verified"] += 1
        for k in sorted({1, n}):  # one key when n == 1 (pass@1 was summed twice)
            verdict.metrics[f"pass@{k}_sum"] += pass_at_k(n, c, k)
        if c == 0:
            verdict.metrics["rows_unsolved"] += 1
            verdict.side.append(
                (UNSOLVED, info.source or {"instruction": info.instruction, "input": info.input})
            )
