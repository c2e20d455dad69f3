"""What a recipe is: the only thing that differs between ``generate``, ``respond``, ``judge``...

The engine runs any recipe; data flows one way::

    recipe.plan(i) -> Request -> teacher -> Answer (in request order) -> Screen -> Verdict -> writer

How to write a recipe (``recipes/self_instruct.py`` is a complete example):

1. ``plan(index)`` returns the :class:`Request` for request number ``index`` (0, 1, 2, ...),
   or ``None`` when there is nothing more to ask (a finite input). It must be a pure
   function of ``index`` and the recipe's own state: a resumed run re-plans the same
   requests, and the same ``--seed`` must give the same file. ``Request.payload`` is what
   the screen needs besides the answer (e.g. a reference answer); keep it small, it crosses
   a process boundary. ``Request.meta`` is written beside every row kept from the answer.
2. ``screen_factory()`` returns a picklable :class:`ScreenFactory`: called once in the
   process that screens (the screening worker, or this one), it builds the :class:`Screen`
   with whatever pools it needs (e.g. the ROUGE-L index of seeds and kept rows). A screen
   whose per-answer work is heavy can split it (:class:`SplitScreen`): the half that needs no
   pool then runs in several processes with ``--screen-workers``, with the same verdicts.
3. ``Screen.screen(answer, limit)`` turns one answer into a :class:`Verdict`: rows to keep
   (JSON-ready dicts, written in order), rejections counted by reason, and the recipe's own
   counts by name (``counts``: e.g. generate's duplicates, declared in its :class:`Tally`).
   ``limit`` is how many rows
   the target still wants; rows past it are counted as unused by the engine
   (:mod:`synthgen.engine.countdown`), so a screen may ignore it or stop there to spare work.
   It must not raise for a bad answer: count it. Answers arrive strictly in request order.
   A verdict may also add fields to its rows' meta lines (``meta``), rows for side files
   such as ``OUT.unsolved.jsonl`` (``side``; written before the kept rows, so that a crash
   never leaves a kept row without its side rows), and figures summed into the report
   (``metrics``, e.g. pass@k sums). A verdict that keeps nothing from a good answer (a judge
   scored the row below the bar) sets ``useful``, so that the engine does not take a run of
   them for a teacher that stopped producing.
4. ``stop_hints`` (:class:`StopHints`): what to tell the user when the answers stop bringing
   rows, in the recipe's own words and flags; ``tally`` (:class:`Tally`): the counts its
   verdicts report by name, and which of them mean an answer it could not read or a duplicate.
5. ``expected_rows_per_request`` (an optimistic prior: the engine launches more requests
   once real answers show the true yield), ``validate(completion)`` (raise
   ``TransientTeacherError`` to have an unusable answer retried, e.g. cut off before any
   item), and ``observe(rows)`` (the planner sees kept rows, e.g. to show them as examples).

The engine owns everything else: concurrency, ordering, retries (through the teacher),
budgets, stop rules, signals, progress, the report and the files.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # the screening worker imports this module: no pydantic there
    from synthgen.records import Completion, TokenLogprobs
    from synthgen.teacher.base import Message

Row = dict[str, Any]


@dataclass(frozen=True)
class Request:
    """One request a recipe wants sent; ``index`` orders answers and seeds the sampling."""

    index: int
    messages: list[Message]
    payload: Any = None  # handed to the screen with the answer (small, picklable)
    meta: dict[str, Any] = field(default_factory=dict)  # written beside each kept row
    # Tells identical messages apart for the teacher: the seed sent is --seed + sample, and
    # the response cache keys on it. None: the request index.
    sample: int | None = None
    # Extra fields of the request body (e.g. ``response_format`` for structured output); the
    # response cache keys on them too. Keep it small and JSON-ready.
    extra_body: dict[str, Any] | None = None


@dataclass(frozen=True)
class Answer:
    """What the screen gets: the teacher's answer and the request's payload."""

    index: int
    text: str
    finish_reason: str = "stop"
    reasoning: str | None = None
    payload: Any = None
    logprobs: TokenLogprobs | None = None  # the teacher's soft targets, when the request asked

    @property
    def truncated(self) -> bool:
        return self.finish_reason == "length"

    @classmethod
    def of(cls, request: Request, completion: Completion) -> Answer:
        """What the screen gets of ``completion``, the teacher's answer to ``request``."""
        c = completion
        return cls(request.index, c.text, c.finish_reason, c.reasoning, request.payload, c.logprobs)


@dataclass
class Verdict:
    """What became of one answer's candidates (a candidate is counted exactly once)."""

    kept: list[Row] = field(default_factory=list)
    candidates: int = 0
    rejected: Counter[str] = field(default_factory=Counter)  # candidates turned away, by reason
    # The recipe's own counts, by the names its Tally declares (each a key of the report's
    # counts, summed over the run): e.g. candidates dropped as duplicates of kept rows.
    counts: Counter[str] = field(default_factory=Counter)
    unused_after_target: int = 0  # candidates not judged: the target was met before them
    after_target: bool = False  # the whole answer arrived once the target was met
    meta: dict[str, Any] = field(default_factory=dict)  # added to the meta of this answer's rows
    # Fields for one row's meta line each (a grade per row), beside ``meta``; empty: none.
    row_meta: list[dict[str, Any]] = field(default_factory=list)
    side: list[tuple[str, Row]] = field(default_factory=list)  # (name, row) for OUT.<name>.jsonl
    metrics: Counter[str] = field(default_factory=Counter)  # summed into the report's counts
    # The teacher did what was asked even though no row was kept (a judge's score below the
    # bar, a group still being ranked): the answer does not count towards the "exhausted" stop.
    useful: bool = False
    # How many of ``kept`` count towards the target (None: all of them). A shard (``--shard``)
    # writes every candidate a global pass may keep, but counts only those its own pool keeps;
    # such a verdict is written whole, never cut at the target.
    counted: int | None = None

    @property
    def counted_rows(self) -> int:
        return len(self.kept) if self.counted is None else self.counted


@dataclass(frozen=True)
class Tally:
    """The counts a recipe's verdicts report by name (``Verdict.counts``), beside the engine's
    own (requests, candidates, kept, ``rejected`` by reason...).

    The engine sums each name over the run into the report's ``counts`` (a name declared here
    is reported even when nothing was counted), and shows the ``panel`` rows while it runs.
    It knows two roles, for the "exhausted" stop (:class:`StopHints`) and the report:
    ``unreadable`` counts answers the recipe could not read (only answers judged before the
    target was met count; the stop shows a sample), ``duplicates`` count candidates dropped as
    duplicates of kept rows. Filters that count drops per reason work the same way in
    huggingface/datatrove (a filter's reason, counted by the pipeline).
    """

    names: tuple[str, ...] = ()
    unreadable: str | None = None
    duplicates: tuple[str, ...] = ()
    # (label, text) rows of the progress panel; text is formatted with the counts by name
    panel: tuple[tuple[str, str], ...] = ()

    def zeros(self) -> Counter[str]:
        """Every declared count at 0 (a Counter keeps them when updated)."""
        return Counter(dict.fromkeys(self.names, 0))

    def duplicates_in(self, counts: Mapping[str, int]) -> int:
        return sum(counts.get(name, 0) for name in self.duplicates)

    def panel_rows(self, counts: Counter[str]) -> list[tuple[str, str]]:
        """The ``panel`` rows, filled in with ``counts`` (a name not counted shows 0)."""
        return [(label, text.format_map(counts)) for label, text in self.panel]


@dataclass(frozen=True)
class StopHints:
    """What a recipe tells the user when its answers stop bringing rows (the ``exhausted``
    stop, :class:`synthgen.engine.stop.BarrenStreak`).

    Each hint ends the sentence "the last N answers brought no new example: ...", by what the
    answers of that streak mostly were: unreadable, turned away (``by_reason`` for the top
    reason, else ``rejected``) or duplicates (the recipe's :class:`Tally` says which of its
    counts are which). ``{n}`` is filled in with how many answers (or rows) it was, ``{top}``
    with the top rejection reasons and their counts, ``{sample}`` with the start of the last
    unreadable answer.
    """

    unreadable: str = "{n} could not be read (a sample: {sample}); check the teacher's answers"
    rejected: str = "their rows were filtered out (top reasons: {top})"
    duplicates: str = "{n} rows were duplicates of kept ones"
    by_reason: Mapping[str, str] = field(default_factory=dict)

    def with_reasons(self, hints: Mapping[str, str]) -> StopHints:
        """These hints, and ``hints`` for the reasons a review turns rows away for."""
        return replace(self, by_reason={**self.by_reason, **hints})


class Screen(Protocol):
    def screen(self, answer: Answer, limit: int) -> Verdict: ...


class SplitScreen(Screen, Protocol):
    """A screen in two halves: ``screen(answer, limit)`` is ``decide(read(answer), limit)``,
    where ``read`` (built by ``ScreenFactory.preparer()``) is a pure function of the answer
    (parse, filters...: never the pools). With ``--screen-workers N`` the reading runs in N - 1
    processes and ``decide`` in one (:mod:`synthgen.engine.screen_worker`)."""

    def decide(self, prepared: Any, limit: int) -> Verdict: ...


class PrepareFactory(Protocol):
    """Picklable; called once in each process that reads answers for a :class:`SplitScreen`.
    What the reader returns crosses a pipe: plain, picklable, never None."""

    def __call__(self) -> Callable[[Answer], Any]: ...


class ScreenFactory(Protocol):
    """Picklable; called once where screening runs (maybe a child process). A factory whose
    screen is a :class:`SplitScreen` also has ``preparer() -> PrepareFactory``."""

    def __call__(self) -> Screen: ...


class Recipe(Protocol):
    expected_rows_per_request: float
    stop_hints: StopHints
    tally: Tally

    def plan(self, index: int) -> Request | None: ...

    def screen_factory(self) -> ScreenFactory: ...

    def validate(self, completion: Completion) -> None: ...

    def observe(self, rows: list[Row]) -> None: ...
