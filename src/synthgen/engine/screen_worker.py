"""What runs in the screening worker process: the countdown around a screen, and its loop.

Kept apart from :mod:`synthgen.engine.screening` (the parent's side: asyncio streams, the
process itself) so that the worker imports only this, the recipe's screen and what that
needs, not asyncio or the CLI.
"""

from __future__ import annotations

import signal
from typing import TYPE_CHECKING

from synthgen.engine.countdown import TargetCountdown

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from synthgen.engine.recipe import Answer, Screen, ScreenFactory, Verdict

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


def worker_main(jobs: Connection, results: Connection, factory: ScreenFactory, wanted: int | None) -> None:
    """Child process: screen each answer received on ``jobs`` until told to stop (or orphaned),
    sending each verdict on ``results``."""
    # A terminal's Ctrl-C (and a `kill` of the process group) reaches this process too. The
    # parent owns stopping: it finishes what is in flight, then closes the pipe, which ends
    # this loop (EOF) even if the parent itself was killed.
    for sig in STOP_SIGNALS:
        signal.signal(sig, signal.SIG_IGN)
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
