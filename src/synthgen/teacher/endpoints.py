"""Several replicas of one teacher: send to the least-loaded healthy one, rest failing ones."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from synthgen.teacher.base import Teacher


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
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not endpoints:
            raise ValueError("an endpoint pool needs at least one endpoint")
        self.endpoints = endpoints
        self._failures_to_rest = failures_to_rest
        self._first_rest = first_rest
        self._max_rest = max_rest
        self._clock = clock

    def pick(self) -> Endpoint:
        now = self._clock()
        awake = [e for e in self.endpoints if e.rested_until <= now]
        if not awake:
            return min(self.endpoints, key=lambda e: e.rested_until)
        return min(awake, key=lambda e: (e.in_flight, e.requests))

    def succeeded(self, endpoint: Endpoint) -> None:
        endpoint.consecutive_failures = 0
        endpoint.rest_seconds = 0.0

    def failed(self, endpoint: Endpoint) -> None:
        endpoint.failures += 1
        endpoint.consecutive_failures += 1
        if endpoint.consecutive_failures >= self._failures_to_rest:
            endpoint.rest_seconds = min(self._max_rest, max(self._first_rest, endpoint.rest_seconds * 2))
            endpoint.rested_until = self._clock() + endpoint.rest_seconds
            endpoint.consecutive_failures = 0

    async def aclose(self) -> None:
        for endpoint in self.endpoints:
            await endpoint.teacher.aclose()
