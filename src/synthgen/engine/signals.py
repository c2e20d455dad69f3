"""Ctrl-C and SIGTERM during a run: finish what is in flight, then stop; twice: stop now."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable

log = logging.getLogger("synthgen")

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class GracefulStop:
    """Signal handlers on the running loop for the length of a run.

    The first signal calls ``on_stop`` and, after ``grace_seconds``, ``cancel``; a second
    one calls ``cancel`` at once. ``received`` is the last signal's number.
    """

    def __init__(self, on_stop: Callable[[], None], cancel: Callable[[], None], grace_seconds: float) -> None:
        self.on_stop = on_stop
        self.cancel = cancel
        self.grace_seconds = grace_seconds
        self.count = 0
        self.received: int | None = None

    def install(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in SIGNALS:
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, self._on_signal, sig)

    def remove(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in SIGNALS:
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)

    def _on_signal(self, sig: signal.Signals) -> None:
        self.count += 1
        self.received = int(sig)
        if self.count == 1:
            log.warning(
                "stopping: finishing requests in flight (up to %.0f s); again to stop now", self.grace_seconds
            )
            asyncio.get_running_loop().call_later(self.grace_seconds, self.cancel)
        else:
            self.cancel()
        self.on_stop()
