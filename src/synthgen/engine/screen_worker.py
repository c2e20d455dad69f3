"""What runs in the screening worker processes: the countdown around a screen, and their loops.

One worker screens each answer whole (:func:`worker_main`). With ``--screen-workers N`` (N >= 2)
and a screen that splits (``ScreenFactory.preparer``), N - 1 workers read answers
(:func:`prepare_main`: parse, filters... a pure function of the answer), each getting every
(N - 1)-th one, and one decides them against the pools (:func:`decide_main`), taking the read
answers from the readers in the same rotation: in request order, with no reordering buffer.

Kept apart from :mod:`synthgen.engine.screening` (the parent's side: asyncio streams, the
process itself) so that the workers import only this, the recipe's screen and what that
needs, not asyncio or the CLI.
"""

from __future__ import annotations

import signal
from typing import TYPE_CHECKING, cast

from synthgen.engine.countdown import TargetCountdown

if TYPE_CHECKING:
    from collections.abc import Sequence
    from multiprocessing.connection import Connection

    from synthgen.engine.recipe import Answer, PrepareFactory, Screen, ScreenFactory, SplitScreen, Verdict

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Countdown:
    """A recipe's screen with the target's countdown around it.

    With answers queued in the pipe, only the screening side knows how many rows were kept
    before the answer it is judging, so the countdown lives here, not in the engine.
    """

    def __init__(self, factory: ScreenFactory, wanted: int | None) -> None:
        self.screen_: Screen = factory()
        self.target = TargetCountdown(wanted)

    def screen(self, answer: Answer) -> Verdict:
        # Past the target the answer is still screened with limit 0, so that every candidate
        # it holds is counted (as unused) in the report.
        return self.target.apply(self.screen_.screen(answer, max(0, self.target.wanted)))

    def decide(self, prepared: object) -> Verdict:
        """The same for an answer read elsewhere (a :class:`~synthgen.engine.recipe.SplitScreen`)."""
        screen = cast("SplitScreen", self.screen_)
        return self.target.apply(screen.decide(prepared, max(0, self.target.wanted)))


def _ignore_stop_signals() -> None:
    # A terminal's Ctrl-C (and a `kill` of the process group) reaches this process too. The
    # parent owns stopping: it finishes what is in flight, then closes the pipe, which ends
    # the worker's loop (EOF) even if the parent itself was killed.
    for sig in STOP_SIGNALS:
        signal.signal(sig, signal.SIG_IGN)


def worker_main(jobs: Connection, results: Connection, factory: ScreenFactory, wanted: int | None) -> None:
    """Child process: screen each answer received on ``jobs`` until told to stop (or orphaned),
    sending each verdict on ``results``."""
    _ignore_stop_signals()
    screen = Countdown(factory, wanted)
    while True:
        try:
            job = jobs.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if job is None:
            return
        verdict = screen.screen(job)
        try:
            results.send(verdict)
        except OSError:  # the parent is gone
            return


def prepare_main(jobs: Connection, out: Connection, factory: PrepareFactory) -> None:
    """Child process: read each answer received on ``jobs`` and send what was read on ``out``
    (to the deciding worker), then the stop (None). Ends with the parent or the decider."""
    _ignore_stop_signals()
    prepare = factory()
    while True:
        try:
            job = jobs.recv()
        except (EOFError, OSError):  # the parent is gone: closing ``out`` ends the decider
            return
        try:
            out.send(None if job is None else prepare(job))
        except OSError:  # the decider is gone
            return
        if job is None:
            return


def decide_main(
    inputs: Sequence[Connection], results: Connection, factory: ScreenFactory, wanted: int | None
) -> None:
    """Child process: the answers read by the ``inputs`` workers, taken from each in turn (the
    parent deals them out in the same rotation, so this is request order), decided and their
    verdicts sent on ``results``. A reader that ends (the stop, or it died) ends this loop."""
    _ignore_stop_signals()
    screen = Countdown(factory, wanted)
    turn = 0
    while True:
        try:
            prepared = inputs[turn % len(inputs)].recv()
        except (EOFError, OSError):  # a reader died (or the parent: the readers then end)
            return
        if prepared is None:
            return
        turn += 1
        try:
            results.send(screen.decide(prepared))
        except OSError:  # the parent is gone
            return
