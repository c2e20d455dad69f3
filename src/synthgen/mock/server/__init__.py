"""The mock teacher over HTTP: an OpenAI-compatible API for CI, benchmarks and fault drills.

The text comes from :mod:`synthgen.mock.teacher`, the same functions ``--teacher mock`` calls
in-process; this package adds OpenAI's response shapes and rehearsable production trouble.

A completion request (``/v1/chat/completions``, ``/v1/completions``) meets, in this order::

    auth (401) -> capacity (429 + Retry-After) -> drawn error (429 / 500 / 503) -> drop -> hang
      -> latency + jitter -> route (where a drawn truncate / malformed fault shapes the text)

Every completion request takes the same three draws from one ``random.Random(--seed)`` on
arrival, whatever its fate, so request k of a sequential client always meets the same faults.
The text does not depend on arrival order: it is a function of the request and ``--seed`` only.
``/v1/models`` meets auth only (no draw, no fault, no capacity), so readiness probes and
``synthgen check`` always get a true answer. ``/health``, ``/stats``, ``/stats/reset`` and
``/debug/requests`` skip all of this and are not counted. Every ``/v1`` request's headers (the
key reduced to its scheme) and body seed are kept for ``/debug/requests``.

Its modules, in the order a request meets them: :mod:`~synthgen.mock.server.app` (the gate),
:mod:`~synthgen.mock.server.faults` (the fault plan, OpenAI-shaped errors and the ``/stats``
counters), :mod:`~synthgen.mock.server.routes` (the OpenAI routes and response shapes),
:mod:`~synthgen.mock.server.replies` (the text and usage) and :mod:`~synthgen.mock.server.received`
(the request log). ``synthgen mock-teacher`` (:mod:`synthgen.commands.mock_teacher`) serves it
on uvicorn.
"""

from synthgen.mock.server.app import MockTeacherApp, create_app
from synthgen.mock.server.replies import MALFORMED_REPLY

__all__ = ["MALFORMED_REPLY", "MockTeacherApp", "create_app"]
