"""How many more requests to start: enough to keep the teacher busy, no more than needed.

Every request costs money, so the engine launches only what the observed yield (rows kept
per judged answer) says is still needed to reach the target, counting the answers already
in hand or in flight. Before any answer is judged, the recipe's optimistic prior is used:
a run that needs a few more requests at the end pays one more round trip, not a burst of
answers it never uses.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Floor of the yield estimate (rows per answer), so that a run whose answers keep nothing
# for a while still asks a bounded number of requests at a time; the barren-streak rule
# (engine/stop.py) ends such a run.
MIN_YIELD = 0.2
# Tasks in flight beyond the concurrency limit wait for a slot in the teacher dispatcher;
# one extra round keeps every slot busy the moment one frees up.
QUEUE_FACTOR = 2


@dataclass
class LaunchPolicy:
    concurrency: int
    prior_rows_per_request: float

    def rows_per_request(self, judged: int, kept: int) -> float:
        observed = kept / judged if judged and kept else self.prior_rows_per_request
        return max(observed, min(MIN_YIELD, self.prior_rows_per_request))

    def how_many(
        self, *, remaining_rows: int | None, judged: int, kept: int, in_hand: int, in_flight: int
    ) -> int:
        """Requests to start now. ``remaining_rows`` None: no target (ask all the plan holds)."""
        room = QUEUE_FACTOR * self.concurrency - in_flight
        if remaining_rows is None:
            return max(0, room)
        if remaining_rows <= 0:
            return 0
        needed = math.ceil(remaining_rows / self.rows_per_request(judged, kept))
        return max(0, min(room, needed - in_hand - in_flight))
