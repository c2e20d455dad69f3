"""The one table of exit codes. ``cli.py`` exits with these; the run report records them.

0    done (target reached, or nothing to do)
1    teacher or internal failure (auth, unknown model, unreachable endpoint, a bug)
2    bad input: flags, config file, seed/dataset file, output path, lock held
3    partial: a budget, the failure limit or an exhausted teacher stopped the run
130  interrupted by SIGINT (Ctrl-C); 143 by SIGTERM. Kept rows are written.
"""

from __future__ import annotations

import signal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from synthgen.engine.run import RunResult

OK, FAILURE, USAGE, PARTIAL = 0, 1, 2, 3
SIGNAL_EXIT = {int(signal.SIGINT): 130, int(signal.SIGTERM): 143}

HELP = """Exit codes: 0 done; 1 teacher or internal failure; 2 bad input, usage or lock held;
3 partial (a budget or the failure limit stopped the run; kept data is written);
130 / 143 interrupted by SIGINT / SIGTERM (kept data is written)."""


def exit_code_for(result: RunResult, *, target_reached: bool) -> int:
    """The exit code of a finished run."""
    from synthgen.engine.stop import StopReason

    if result.signal is not None:
        return SIGNAL_EXIT.get(result.signal, 128 + result.signal)
    if target_reached:
        return OK
    if result.stop_reason is StopReason.TEACHER_ERROR:
        return FAILURE
    return PARTIAL
