"""The service endpoints, never counted, faulted or recorded (:data:`SERVICE_ROUTES`): ``/health``,
``/stats``, ``/stats/reset``, ``/debug/requests``, and ``/debug/settings``.

``/debug/settings``: the mock server's options changed while it runs (loopback clients only).

A test suite (or a fault drill) keeps one server and reshapes it between cases instead of
starting a process per fault setting: ``POST /debug/settings`` with a JSON object of
``synthgen mock-teacher`` options (field names, e.g. ``{"error_rate_500": 0.2, "seed": 3}``)
replaces the options set at run time; an empty object restores those the server started with.
The fault draws restart from ``seed`` and the ``--hold-after`` count from zero, so request k
of a sequential client meets the same faults as on a fresh server. ``GET`` shows the options in
force. The listening address and the log level are fixed at start.

Only a client on the loopback interface may change anything: a server started with
``--host 0.0.0.0`` for a drill must not be reconfigurable from the network.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from synthgen.config import MockServerSettings
from synthgen.errors import UsageError
from synthgen.mock.server.faults import APIError, JSONResponse

FIXED_AT_START = frozenset({"host", "port", "log_level"})


def runtime_settings(startup: MockServerSettings, changes: Any) -> MockServerSettings:
    """``startup`` with ``changes`` applied; :class:`APIError` (400) for anything not allowed."""
    if not isinstance(changes, dict):
        raise APIError(400, "The request body must be a JSON object of mock-teacher options.")
    if fixed := sorted(FIXED_AT_START.intersection(changes)):
        raise APIError(400, f"{', '.join(fixed)} cannot change while the server runs.", param=fixed[0])
    try:
        return MockServerSettings.model_validate({**startup.model_dump(), **changes})
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"])
        raise APIError(400, f"{field}: {error['msg']}", param=field) from None


def _from_loopback(request: Request) -> bool:
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _shown(settings: MockServerSettings) -> dict[str, Any]:
    shown = settings.model_dump(mode="json")
    if shown.get("require_api_key"):
        shown["require_api_key"] = "(set)"  # the key is a secret even on a test server
    return shown


async def debug_settings(request: Request) -> Response:
    """``GET``/``POST /debug/settings``: see the module docstring."""
    if not _from_loopback(request):
        raise APIError(403, "/debug/settings answers loopback clients only.", code="forbidden")
    app = request.app
    if request.method == "POST":
        try:
            changes = await request.json()
        except ValueError as exc:
            raise APIError(400, f"The request body is not valid JSON: {exc}.") from None
        try:
            app.configure(runtime_settings(app.startup_settings, changes))
        except UsageError as exc:  # fault rates of a group adding up to more than 1
            raise APIError(400, str(exc)) from None
    return JSONResponse(_shown(app.settings))


async def get_stats(request: Request) -> Response:
    """``GET /stats``: see :class:`~synthgen.mock.server.faults.Stats`."""
    return JSONResponse(request.app.stats.snapshot())


async def reset_stats(request: Request) -> Response:
    """``POST /stats/reset``: clear the counters and the request log (the fault draws go on)."""
    request.app.stats.reset()
    request.app.received.clear()
    return JSONResponse(request.app.stats.snapshot())


async def health(request: Request) -> Response:
    """``GET /health``: 200 once the server accepts connections; never faulted, never counted."""
    return JSONResponse({"status": "ok"})


async def received_requests(request: Request) -> Response:
    """``GET /debug/requests``: see :class:`~synthgen.mock.server.received.ReceivedLog`."""
    return JSONResponse(request.app.received.snapshot())


SERVICE_ROUTES = [
    Route("/health", health, methods=["GET"]),
    Route("/stats", get_stats, methods=["GET"]),
    Route("/stats/reset", reset_stats, methods=["POST"]),
    Route("/debug/requests", received_requests, methods=["GET"]),
    Route("/debug/settings", debug_settings, methods=["GET", "POST"]),
]
