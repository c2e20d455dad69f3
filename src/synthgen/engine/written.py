"""The end of an answer's way through the engine: its final verdict written and counted.

Verdicts arrive here in request order (from the screen, or from the review of kept rows):
their rows go to the sink with their meta, side rows to their side files, everything else is
counted (:class:`~synthgen.engine.report.Counts`), and the stop rules hear of each.
"""

from __future__ import annotations

from typing import Protocol

from synthgen.engine.recipe import Recipe, Request, Row, Verdict
from synthgen.engine.report import Counts
from synthgen.engine.stop import StopRules
from synthgen.records import Completion


class Sink(Protocol):
    def append_many(
        self, rows: list[Row], meta: dict[str, object], row_meta: list[dict[str, object]] | None
    ) -> None: ...

    def append_side(self, name: str, row: Row, request: int) -> None: ...


class Written:
    """What became of each answer so far: ``counts``, and the rows in the sink."""

    def __init__(self, recipe: Recipe, sink: Sink, rules: StopRules) -> None:
        self.counts = Counts(recipe.tally)
        self._recipe, self._sink, self._rules = recipe, sink, rules

    def verdict(self, request: Request, completion: Completion, verdict: Verdict) -> None:
        """An answer's final verdict, in request order: write what it kept, count the rest."""
        self.counts.add(verdict, cached=completion.cached)
        if verdict.after_target:
            return
        # Side rows first: after a crash the resumed run re-asks from the request after the
        # last kept row, so a side row of that request must already be on disk (the soft
        # targets of a kept answer, a row's unsolved line under --keep all).
        for name, row in verdict.side:
            self._sink.append_side(name, row, request.index)
        if verdict.kept:
            meta = {
                "request": request.index,
                "request_id": completion.request_id,
                "model": completion.model,
                "endpoint": completion.endpoint,
                **request.meta,
                **verdict.meta,
            }
            self._sink.append_many(verdict.kept, meta, verdict.row_meta or None)
            self._recipe.observe(verdict.kept)
        self._rules.on_verdict(verdict, completion.text, self.counts.kept)

    def failure(self, exc: BaseException) -> None:
        """A request (or a grade) that failed after its retries."""
        self.counts.failed_requests += self._rules.on_failure(exc)

    def dropped(self) -> None:
        """A reviewed answer whose rows will never be written (a grade could not be had)."""
        self.counts.answers_unscreened += 1
