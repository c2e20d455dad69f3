"""What the mock server received: the last requests' headers and seeds, for wire tests.

Each record also has ``received_at``, the server's clock (``time.time()``) when the request
arrived, so that a benchmark can tell when a client sent its first request.

Served at ``GET /debug/requests`` (cleared by ``POST /stats/reset``). The API key never lands
here: ``Authorization`` is kept as its scheme only (``Bearer``), so a test can tell that a key
was sent, and how, without the log ever holding one.
"""

from __future__ import annotations

import time
from collections import deque
from typing import Any

from starlette.types import Scope

RECEIVED = "synthgen.received"  # scope key: the record a route completes with what it parsed
KEPT = 10_000  # the most recent requests kept


class ReceivedLog:
    """The most recent ``/v1`` requests, oldest first: method, path, headers, and the body's seed/model."""

    def __init__(self, kept: int = KEPT) -> None:
        self.records: deque[dict[str, Any]] = deque(maxlen=kept)

    def add(self, scope: Scope) -> dict[str, Any]:
        """Record a request from its ASGI scope; returns the record, for the route to complete."""
        headers: dict[str, str] = {}
        for raw_name, raw_value in scope["headers"]:
            name, value = raw_name.decode("latin-1"), raw_value.decode("latin-1")
            if name == "authorization":
                value = value.split(" ", 1)[0]  # the scheme only
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        record = {
            "method": scope["method"],
            "path": scope["path"],
            "headers": headers,
            "received_at": time.time(),
        }
        self.records.append(record)
        return record

    def snapshot(self) -> dict[str, Any]:
        return {"requests": list(self.records)}

    def clear(self) -> None:
        self.records.clear()
