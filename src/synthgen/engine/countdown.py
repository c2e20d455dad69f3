"""The target's countdown: the rows still wanted, counted on verdicts in request order.

Past the target a verdict's rows are counted as unused instead of kept, so that a recipe's
screen need not count down itself: one that keeps a row per answer ignores its ``limit``;
one that parses many candidates (self-instruct) stops at it, to spare the work. It runs
where the target is counted: around the screen (:mod:`synthgen.engine.screen_worker`), or
after a review (:mod:`synthgen.engine.review`), where rows turned away leave room.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the screening worker imports this module
    from synthgen.engine.recipe import Verdict


class TargetCountdown:
    """The rows still wanted, counted on verdicts in request order."""

    def __init__(self, wanted: int | None) -> None:
        self.wanted = sys.maxsize if wanted is None else wanted

    def apply(self, verdict: Verdict) -> Verdict:
        """Past the target the verdict's rows are counted as unused instead of kept."""
        verdict.after_target = self.wanted <= 0
        if verdict.counted is not None:  # a shard's candidates: written whole (engine.recipe)
            self.wanted -= verdict.counted
            return verdict
        extra = len(verdict.kept) - max(0, self.wanted)
        if extra > 0:
            verdict.unused_after_target += extra
            del verdict.kept[len(verdict.kept) - extra :]
            if verdict.row_meta:
                del verdict.row_meta[len(verdict.kept) :]
        self.wanted -= len(verdict.kept)
        return verdict
