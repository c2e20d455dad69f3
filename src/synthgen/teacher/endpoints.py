"""Several replicas of one teacher: send to the least-loaded healthy one, rest failing ones.

The pool also knows whether any endpoint has ever answered, so that a dead or mistyped
``--base-url`` stops the run with its true cause within seconds instead of being retried.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from synthgen.config import TeacherOptions
from synthgen.errors import TransientTeacherError
from synthgen.teacher.base import Teacher
from synthgen.teacher.wire import CannotConnect

# How long a pool where no endpoint ever answered keeps trying to connect before it gives up,
# by default: --connect-grace's.
CONNECT_GRACE_SECONDS: float = TeacherOptions.model_fields["connect_grace"].default


@dataclass
class Endpoint:
    name: str
    teacher: Teacher
    in_flight: int = 0
    consecutive_failures: int = 0
    rested_until: float = 0.0
    rest_seconds: float = 0.0
    requests: int = 0
    failures: int = 0
    answered: bool = False  # the server sent an HTTP response at least once
    cannot_connect: bool = False  # the last attempt made no connection at all


class EndpointPool:
    """Least-in-flight choice among endpoints not resting.

    An endpoint that fails ``failures_to_rest`` times in a row rests (is not picked) for a
    while, doubling each time up to ``max_rest`` seconds; a success clears its record.
    If every endpoint is resting, the one whose rest ends first is tried anyway.
    """

    def __init__(
        self,
        endpoints: list[Endpoint],
        *,
        failures_to_rest: int = 3,
        first_rest: float = 2.0,
        max_rest: float = 60.0,
        connect_grace: float = CONNECT_GRACE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not endpoints:
            raise ValueError("an endpoint pool needs at least one endpoint")
        self.endpoints = endpoints
        self._failures_to_rest = failures_to_rest
        self._first_rest = first_rest
        self._max_rest = max_rest
        self._connect_grace = connect_grace
        self._clock = clock
        self._first_cannot_connect: float | None = None

    def pick(self) -> Endpoint:
        now = self._clock()
        awake = [e for e in self.endpoints if e.rested_until <= now]
        if not awake:
            return min(self.endpoints, key=lambda e: e.rested_until)
        return min(awake, key=lambda e: (e.in_flight, e.requests))

    def succeeded(self, endpoint: Endpoint) -> None:
        endpoint.answered, endpoint.cannot_connect = True, False
        endpoint.consecutive_failures = 0
        endpoint.rest_seconds = 0.0

    def failed(self, endpoint: Endpoint, exc: TransientTeacherError) -> None:
        if exc.status is not None:  # an error status is still an answer: the server is there
            endpoint.answered = True
        endpoint.cannot_connect = isinstance(exc, CannotConnect)
        if endpoint.cannot_connect and self._first_cannot_connect is None:
            self._first_cannot_connect = self._clock()
        endpoint.failures += 1
        endpoint.consecutive_failures += 1
        if endpoint.consecutive_failures >= self._failures_to_rest:
            endpoint.rest_seconds = min(self._max_rest, max(self._first_rest, endpoint.rest_seconds * 2))
            endpoint.rested_until = self._clock() + endpoint.rest_seconds
            endpoint.consecutive_failures = 0

    @property
    def ever_answered(self) -> bool:
        return any(e.answered for e in self.endpoints)

    def unreachable(self, *, grace: bool = True) -> bool:
        """True when no endpoint has ever answered and none could be connected to last time.

        With ``grace``, only once that has lasted ``connect_grace`` seconds since the first
        failed connection (a server may be starting up).
        """
        if self.ever_answered or not all(e.cannot_connect for e in self.endpoints):
            return False
        since = self._first_cannot_connect
        return not grace or (since is not None and self._clock() - since >= self._connect_grace)

    async def aclose(self) -> None:
        for endpoint in self.endpoints:
            await endpoint.teacher.aclose()
