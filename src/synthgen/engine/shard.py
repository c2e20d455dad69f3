"""A recipe run as one shard of N (``--shard I/N``): its share of the run's request numbers.

A run's requests are numbered 0, 1, 2, ... (the *global* numbers: they pick the examples a
prompt shows, the ``seed`` sent and the response cache key). Shard I of N takes every N-th
*group* of requests, starting with group I; a group is the requests that must be screened
together (a row's ``--samples``: first-correct and pass@k look at all of them), one request
for most recipes. Within the shard the engine numbers them 0, 1, 2, ... as in any run (its
order, resume point and meta lines use these *local* numbers); the teacher sees the global
number, so a shard's answers are exactly those a single process gets for the same requests.

The shard's screen decides only what the shard can decide alone (``shard_screen_factory``:
parsing, filters, exact duplicates within the shard); ``synthgen merge`` reads the shards in
global order and makes the run's global decisions (ROUGE-L, the ``--num`` target).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from synthgen.engine.recipe import Recipe, Request, Row, ScreenFactory
    from synthgen.records import Completion

__all__ = ["SHARD_PASS", "ShardLayout", "ShardRecipe", "Shardable", "counted_flags"]

# A shard's meta key for a row that does not count towards its target: "similar" (its own pool
# finds it similar to an earlier row; a global pass may still keep it). Rows without it count.
SHARD_PASS = "shard_pass"


def counted_flags(meta: list[dict[str, object]]) -> list[bool]:
    """Which rows of a shard's file count towards its target, from their meta lines."""
    return [m.get(SHARD_PASS, "new") == "new" for m in meta]


@dataclass(frozen=True)
class ShardLayout:
    """Shard ``index`` of ``count``, taking groups of ``group`` consecutive requests."""

    index: int
    count: int
    group: int = 1

    def global_request(self, local: int) -> int:
        """The run's number of this shard's request ``local``."""
        group, offset = divmod(local, self.group)
        return (group * self.count + self.index) * self.group + offset

    def local_request(self, number: int) -> int | None:
        """This shard's number of the run's request ``number`` (None: another shard's)."""
        group, offset = divmod(number, self.group)
        round_, index = divmod(group, self.count)
        return None if index != self.index else round_ * self.group + offset


class Shardable(Protocol):
    """What a recipe adds to run as a shard (see the module docstring)."""

    shard_group: int  # consecutive requests screened together

    def shard_screen_factory(self, counted: list[bool]) -> ScreenFactory:
        """The screen of a shard; ``counted``: which rows of the shard's existing file count
        towards its target (a resumed shard rebuilds its pools from them)."""
        ...


class ShardRecipe:
    """``inner`` as shard ``layout``: plans the shard's requests under their global numbers."""

    def __init__(self, inner: Recipe, layout: ShardLayout, counted: list[bool]) -> None:
        self.inner = inner
        self.layout = layout
        self.counted = counted
        self.expected_rows_per_request = inner.expected_rows_per_request
        self.stop_hints = inner.stop_hints
        self.tally = inner.tally

    def plan(self, index: int) -> Request | None:
        number = self.layout.global_request(index)
        request = self.inner.plan(number)
        if request is None:
            return None
        sample = number if request.sample is None else request.sample
        return replace(request, index=index, sample=sample)

    def screen_factory(self) -> ScreenFactory:
        return self.inner.shard_screen_factory(self.counted)  # type: ignore[attr-defined]

    def validate(self, completion: Completion) -> None:
        self.inner.validate(completion)

    def observe(self, rows: list[Row]) -> None:
        self.inner.observe(rows)
