"""Log lines for ``--log-format json``: one JSON object a line, each with a timestamp.

Every line synthgen writes to stderr in that mode goes through :func:`json_log_line` (the
CLI's error and summary lines, usage errors, progress events) or carries the same ``ts``
field (the logging formatter), so a log collector can parse and order all of them.
"""

from __future__ import annotations

import json
import time
from typing import Any


def json_log_line(*, ts: float | None = None, **fields: Any) -> str:
    """``{"ts": <unix seconds, ms precision>, **fields}`` as one line of JSON (no newline)."""
    stamp = time.time() if ts is None else ts
    return json.dumps({"ts": round(stamp, 3), **fields}, ensure_ascii=False, default=str)
